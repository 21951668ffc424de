import { expect, it } from "vitest";
import { runCrashCycles } from "./crash-run";

/** More cycles: `npm run soak` (bench/soak.ts). */
const CYCLES = Number(process.env.CRASH_CYCLES ?? 15);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);

it(`keeps every acknowledged change and a sound database across ${CYCLES} SIGKILLs (seed ${SEED})`, {
  timeout: 120_000,
}, async () => {
  const report = await runCrashCycles(CYCLES, SEED, () => {});
  console.log(
    `crash safety: ${report.cycles} kill/restart cycles, ${report.acknowledged} acknowledged changes, ${report.uncertain} calls in flight at a kill (seed ${SEED})`,
  );
  expect(report.problems).toEqual([]);
  expect(report.acknowledged).toBeGreaterThan(report.cycles);
});
