import { expect, it } from "vitest";
import { testSeed } from "../harness";
import { runFuzz } from "./fuzz-run";

/** More cases: `npm run soak` (bench/soak.ts), or FUZZ_RUNS; FUZZ_SEED explores or replays another seed. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const SEED = testSeed("FUZZ_SEED", 865516065);

it(`answers ${RUNS} fuzzed calls with DSM's envelope and keeps its invariants (seed ${SEED})`, {
  timeout: 120_000,
}, async () => {
  const report = await runFuzz(RUNS, SEED);
  const summary = Object.entries(report.answers)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
  console.log(`fuzz: ${report.cases} cases (seed ${SEED}); answers by HTTP status and code: ${summary}`);
  expect(report.problems).toEqual([]);
});
