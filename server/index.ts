/** The package's public surface: start an emulator in-process, or build its app for socket-less tests. */

export { AUTH_ERRORS, COMMON_ERRORS, ERROR_TABLES, VMM_ERRORS } from "../contract/errors";
export { type App, type AppOptions, createApp } from "./app";
export { type Clock, realClock, SwitchableClock, VirtualClock } from "./clock";
export { type Config, configSchema, DEFAULT_FIXTURE } from "./config";
export {
  AdminCallError,
  AdminClient,
  type AdminClientOptions,
  type ClockChanges,
  type ClockState,
  type ClusterChanges,
  type FaultRule,
  type FaultRuleSpec,
  type FixtureInput,
  type HostChanges,
  type JournalEntry,
  type JournalFilter,
  type ResetOptions,
  type SnapshotInfo,
  type StateDump,
  type StorageChanges,
  type UnimplementedCall,
} from "./control/client";
export { type EmulatorOptions, openState, type RunningEmulator, startEmulator } from "./emulator";
export { type Fixture, loadFixtureFile, parseFixture } from "./fixture";
export { totp } from "./security/totp";
export { openDatabase } from "./store/db";
export { Store } from "./store/index";
export { DsmError } from "./wire/errors";
