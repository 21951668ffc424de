/**
 * The conformance kit's public surface (`synology-vmm-emulator/conformance`): the typed DSM
 * client with its safety guard, target selection, the runner and its reports. A client
 * library can use `DsmClient` + `VmmApi` against the emulator or a NAS, or run the suite.
 */
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
  type ImageCreateSpec,
  type ImageRef,
  VMM_APIS,
  VmmApi,
} from "./client/vmm";
export { startKitEmulator } from "./emulator-target";
export { Normaliser } from "./record/normalise";
export { compareRecordings, loadRecording, Recorder } from "./record/recording";
export { toJson, toJUnit, toMarkdown, writeReports } from "./report/write";
export { type RunOptions, type RunResult, runConformance } from "./runner/run";
export type { Scenario, ScenarioContext } from "./runner/scenario";
export { ALL_SCENARIOS } from "./scenarios/index";
export { sweep } from "./sweep";
export { resolveTarget, type TargetConfig } from "./target";
export { WAIT_PROFILES, Waiter, WaitTimeout } from "./wait";
