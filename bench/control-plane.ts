/**
 * Section 5, the control plane between tests: reset and snapshot restore on the default fixture,
 * in-process and over HTTP (keep-alive), as the median of many calls after a warm-up. Clients
 * call these before every test, so their cost is part of every test a user runs.
 */
import { VirtualClock } from "../server/clock";
import { startEmulator } from "../server/emulator";
import { parseFixture } from "../server/fixture";
import { openDatabase } from "../server/store/db";
import { Store } from "../server/store/index";
import { syntheticFixture } from "../test/support/synthetic-fixture";
import { median } from "./load";

export interface ControlPlaneTiming {
  readonly runs: number;
  readonly resetInProcessMs: number;
  readonly resetHttpMs: number;
  readonly restoreInProcessMs: number;
  readonly restoreHttpMs: number;
  /** A fixture load's steps in this process, on a large inventory: what each costs. */
  readonly load: { readonly guests: number; readonly steps: readonly { step: string; ms: number }[] };
}

/** A fixture load of `guests` guests step by step, in this process (median of `runs`). */
function fixtureLoadSteps(guests: number, runs: number): ControlPlaneTiming["load"] {
  const text = JSON.stringify(syntheticFixture(guests));
  const store = new Store(openDatabase(":memory:"));
  const times = new Map<string, number[]>();
  const time = <T>(step: string, work: () => T): T => {
    const started = performance.now();
    const result = work();
    times.set(step, [...(times.get(step) ?? []), performance.now() - started]);
    return result;
  };
  // The first run hashes the accounts' passwords and warms the JIT: not counted.
  store.seed(parseFixture(JSON.parse(text)), 0);
  for (let i = 0; i < runs; i++) {
    const input = time("JSON.parse of the body (the HTTP layer)", () => JSON.parse(text) as unknown);
    const fixture = time("validation (parseFixture, zod)", () => parseFixture(input));
    time("seeding (store.seed)", () => store.seed(fixture, 0));
    const image = time("baseline image (databaseImages.capture)", () => store.databaseImages.capture());
    time("a reset to it (databaseImages.restore)", () => store.databaseImages.restore(image));
  }
  return { guests, steps: [...times].map(([step, ms]) => ({ step, ms: median(ms) })) };
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

export async function benchControlPlane(runs: number, largest: number): Promise<ControlPlaneTiming> {
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
      load: fixtureLoadSteps(largest, 5),
    };
  } finally {
    await emu.close();
  }
}
