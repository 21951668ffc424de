import { expect, it } from "vitest";
import { runFuzz } from "./fuzz-run";

/** More cases: `npm run soak` (bench/soak.ts), or FUZZ_RUNS / FUZZ_SEED to replay a failure. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

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
