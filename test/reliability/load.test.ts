import { expect, it } from "vitest";
import { testSeed } from "../harness";
import { runLoadTest } from "./load-run";

/** Longer (for a wall-clock duration): `npm run soak` (bench/soak.ts), or LOAD_REQUESTS / LOAD_CLIENTS. */
const REQUESTS = Number(process.env.LOAD_REQUESTS ?? 200);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 32);
const SEED = testSeed("LOAD_SEED", 865482392);

it(`${CLIENTS} clients racing ${REQUESTS} reads and writes each get no 5xx, no unexpected code and no over-commit (seed ${SEED})`, {
  timeout: 90_000,
}, async () => {
  const report = await runLoadTest(CLIENTS, { requestsPerClient: REQUESTS }, SEED);
  const ops = Object.entries(report.byOperation)
    .map(([op, e]) => `${op} ${e.count} (p99 ${e.p99.toFixed(1)} ms) ${JSON.stringify(e.codes)}`)
    .join("\n  ");
  console.log(
    `load: ${report.requests} requests in ${report.seconds.toFixed(1)} s from ${CLIENTS} clients (seed ${SEED}); p50 ${report.p50.toFixed(1)} ms, p99 ${report.p99.toFixed(1)} ms, max ${report.max.toFixed(1)} ms\n  ${ops}`,
  );
  expect(report.problems).toEqual([]);
  // Speed is measured by npm run bench, not asserted here; this only checks every call was made.
  expect(report.requests).toBe(CLIENTS * REQUESTS);
});
