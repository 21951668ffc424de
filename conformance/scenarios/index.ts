/** Every scenario, in the order a run executes them (readonly first, emulator-only last). */
import type { Scenario } from "../runner/scenario";
import { discoveryScenarios } from "./discovery";
import { emulatorOnlyScenarios } from "./emulator-only";
import { errorScenarios } from "./errors";
import { guestScenarios } from "./guests";
import { imageScenarios } from "./images";
import { shapeScenarios } from "./shapes";

export const ALL_SCENARIOS: readonly Scenario[] = [
  ...discoveryScenarios,
  ...shapeScenarios,
  ...errorScenarios,
  ...guestScenarios,
  ...imageScenarios,
  ...emulatorOnlyScenarios,
];
