/** The package's public surface: start an emulator in-process, or build its app for socket-less tests. */
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
} from "./admin/client";
export { type App, type AppOptions, createApp } from "./app";
export { type Clock, realClock, SwitchableClock, VirtualClock } from "./clock";
export { type Config, configSchema, DEFAULT_FIXTURE } from "./config";
export { AUTH_ERRORS, DsmError, VMM_ERRORS } from "./dsm/errors";
export { type EmulatorOptions, type RunningEmulator, startEmulator } from "./emulator";
export { totp } from "./security/totp";
export { openDatabase } from "./store/db";
export { type Fixture, loadFixtureFile, parseFixture } from "./store/fixture";
export { seedFixture } from "./store/seed";
