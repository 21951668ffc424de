import { expect, it } from "vitest";
import { runLoadTest } from "./load-run";

/** Longer: `npm run soak` (bench/soak.ts), or LOAD_SECONDS / LOAD_CLIENTS. */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 8);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 32);
const SEED = Number(process.env.LOAD_SEED ?? Date.now() % 2 ** 31);

it(`${CLIENTS} clients racing reads and writes for ${SECONDS} s get no 5xx, no unexpected code and no over-commit (seed ${SEED})`, {
  timeout: 90_000,
}, async () => {
  const report = await runLoadTest(CLIENTS, SECONDS, SEED);
  const ops = Object.entries(report.byOperation)
    .map(([op, e]) => `${op} ${e.count} (p99 ${e.p99.toFixed(1)} ms) ${JSON.stringify(e.codes)}`)
    .join("\n  ");
  console.log(
    `load: ${report.requests} requests in ${report.seconds.toFixed(1)} s from ${CLIENTS} clients; p50 ${report.p50.toFixed(1)} ms, p99 ${report.p99.toFixed(1)} ms, max ${report.max.toFixed(1)} ms\n  ${ops}`,
  );
  expect(report.problems).toEqual([]);
  // Speed is measured by npm run bench, not asserted here; this only checks the run did work.
  expect(report.requests).toBeGreaterThan(CLIENTS);
});
