/**
 * Every scenario that can run against a NAS, in the order a run executes them (readonly
 * first). The emulator's own scenarios are in conformance/emulator/scenarios.ts.
 */
import type { Scenario } from "../runner/scenario";
import { discoveryScenarios } from "./discovery";
import { dsm7Scenarios } from "./dsm7";
import { errorScenarios } from "./errors";
import { guestScenarios } from "./guests";
import { imageScenarios } from "./images";
import { internalScenarios } from "./internal";
import { probeScenarios } from "./probes";
import { shapeScenarios } from "./shapes";
import { systemScenarios } from "./system";

export const SCENARIOS: readonly Scenario[] = [
  ...discoveryScenarios,
  ...dsm7Scenarios,
  ...shapeScenarios,
  ...systemScenarios,
  ...internalScenarios.filter((s) => s.tier === "readonly"),
  ...errorScenarios,
  ...guestScenarios,
  ...imageScenarios,
  ...internalScenarios.filter((s) => s.tier !== "readonly"),
  ...probeScenarios,
];
