/** The package's public surface: start an emulator in-process, or build its app for socket-less tests. */
export { type App, type AppOptions, createApp } from "./app";
export { type Clock, realClock, SwitchableClock, VirtualClock } from "./clock";
export { type Config, configSchema } from "./config";
export { AUTH_ERRORS, DsmError, VMM_ERRORS } from "./dsm/errors";
export { type EmulatorOptions, type RunningEmulator, startEmulator } from "./emulator";
export { totp } from "./security/totp";
export { type Fixture, loadFixtureFile, parseFixture } from "./store/fixture";
