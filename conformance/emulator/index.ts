/**
 * The emulator-side of the conformance kit (`synology-vmm-emulator/conformance/emulator`):
 * an in-process emulator as a target, and the scenarios only it can run. Importing this loads
 * the emulator and better-sqlite3; the kit's main entry does not.
 */

export { ALL_SCENARIOS, emulatorOnlyScenarios } from "./scenarios";
export { DEFAULT_FIXTURE, type EmulatorExtra, startEmulatorTarget } from "./target";
