/**
 * The conformance kit's public surface (`synology-vmm-emulator/conformance`): the typed DSM
 * client with its safety guard, target selection, the runner and its reports. A client
 * library can use `DsmClient` + `VmmApi` against the emulator or a NAS, run the suite, or run
 * it through its own client by implementing `VmmPort` (`runConformance({ port })`).
 *
 * Importing this loads neither the emulator nor SQLite: the in-process emulator target lives
 * in `synology-vmm-emulator/conformance/emulator` and is loaded only when a run asks for it.
 */

export { API, APIS, type ApiName } from "../contract/apis";
export { DsmClient, type DsmClientOptions, type DsmEnvelope, escapeValue } from "./client/dsm-client";
export { DsmApiError, DsmTransportError } from "./client/errors";
export { Ledger, type LedgerEntry, newRunId, runPrefix } from "./client/ledger";
export { PROBE_MARKER, SafetyGuard, SafetyRefusal, type Tier } from "./client/safety";
export type { Guest, Host, Image, Network, Storage, TaskState } from "./client/shapes";
export * as shapes from "./client/shapes";
export { createDispatcher, normaliseFingerprint, type TlsPolicy } from "./client/transport";
export {
  type GuestChanges,
  type GuestCreateSpec,
  type GuestRef,
  guardPort,
  type ImageCreateSpec,
  type ImageRef,
  VmmApi,
  type VmmPort,
} from "./client/vmm";
export { ALL_SCENARIOS, emulatorOnlyScenarios } from "./emulator/scenarios";
export { Normaliser } from "./record/normalise";
export { compareRecordings, loadRecording, Recorder } from "./record/recording";
export { toJson, toJUnit, toMarkdown, writeReports } from "./report/write";
export { type RunOptions, type RunResult, runConformance, verdictOf } from "./runner/run";
export type { Scenario, ScenarioContext } from "./runner/scenario";
export { SCENARIOS } from "./scenarios/index";
export { runSuite, type SuiteOptions } from "./suite";
export { sweep, sweepAll } from "./sweep";
export { openTarget, resolveTarget, type Target, type TargetConfig } from "./target";
export { WAIT_PROFILES, Waiter, WaitTimeout } from "./wait";
