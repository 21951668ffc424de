import { join } from "node:path";
import { expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config";
import { testSeed } from "../harness";
import { runCrashCycles } from "./crash-run";

/** More cycles: `npm run soak` (bench/soak.ts), or CRASH_CYCLES; CRASH_SEED explores or replays another seed. */
const CYCLES = Number(process.env.CRASH_CYCLES ?? 15);
const SEED = testSeed("CRASH_SEED", 865491917);
// The compiled CLI, as `npm start` runs it (vitest's global setup builds dist/ when stale).
const CLI = { compiled: join(PROJECT_ROOT, "dist", "server", "cli.js") };

it(`keeps every acknowledged change and a sound database across ${CYCLES} SIGKILLs (seed ${SEED})`, {
  timeout: 120_000,
}, async () => {
  const report = await runCrashCycles(CYCLES, SEED, () => {}, CLI);
  console.log(
    `crash safety: ${report.cycles} kill/restart cycles, ${report.acknowledged} acknowledged changes ${JSON.stringify(report.byCall)}, ${report.uncertain} calls in flight at a kill (seed ${SEED})`,
  );
  expect(report.problems).toEqual([]);
  // The workload must have exercised every kind of change, or the test proves little.
  for (const call of [
    "Guest.create",
    "Guest.set",
    "Guest.Action.poweron",
    "Guest.Action.poweroff",
    "Guest.delete",
    "Guest.Image.create",
  ])
    expect(report.byCall[call] ?? 0, call).toBeGreaterThan(0);
});
