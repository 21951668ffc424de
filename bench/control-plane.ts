/**
 * Section 5, the control plane between tests: reset and snapshot restore on the default fixture,
 * in-process and over HTTP (keep-alive), as the median of many calls after a warm-up. Clients
 * call these before every test, so their cost is part of every test a user runs.
 */
import { VirtualClock } from "../server/clock";
import { startEmulator } from "../server/emulator";
import { median } from "./load";

export interface ControlPlaneTiming {
  readonly runs: number;
  readonly resetInProcessMs: number;
  readonly resetHttpMs: number;
  readonly restoreInProcessMs: number;
  readonly restoreHttpMs: number;
}

async function medianMs(runs: number, run: () => unknown): Promise<number> {
  for (let i = 0; i < 20; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function benchControlPlane(runs: number): Promise<ControlPlaneTiming> {
  const emu = await startEmulator({ clock: new VirtualClock(), log: () => {} });
  try {
    // A state that differs from the fixture, so both operations have work to undo.
    await emu.admin.crashGuest("ubuntu-web");
    await emu.admin.createSnapshot("bench");
    const plane = emu.app.controlPlane;
    return {
      runs,
      resetInProcessMs: await medianMs(runs, () => plane.reset()),
      resetHttpMs: await medianMs(runs, () => emu.admin.reset()),
      restoreInProcessMs: await medianMs(runs, () => plane.restoreSnapshot("bench")),
      restoreHttpMs: await medianMs(runs, () => emu.admin.restoreSnapshot("bench")),
    };
  } finally {
    await emu.close();
  }
}
