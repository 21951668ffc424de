/**
 * `npm run soak`: the reliability tests of test/reliability at lengths too long for CI.
 * Defaults (override with the same variables the tests read):
 *   CRASH_CYCLES=200  SIGKILL/restart cycles on a file database
 *   FUZZ_RUNS=50000   fuzzed WebAPI calls
 *   LOAD_SECONDS=60   LOAD_CLIENTS=64   racing clients
 * Seeds default to the clock and are printed, so a failure can be replayed (CRASH_SEED, ...).
 * Exits 1 when any run found a problem.
 */
import { runCrashCycles } from "../test/reliability/crash-run";
import { runFuzz } from "../test/reliability/fuzz-run";
import { runLoadTest } from "../test/reliability/load-run";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seed = (name: string) => num(name, Date.now() % 2 ** 31);
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const problems: string[] = [];

  const crashSeed = seed("CRASH_SEED");
  const crash = await runCrashCycles(num("CRASH_CYCLES", 200), crashSeed, (line) => log(`  ${line}`));
  log(
    `crash: ${crash.cycles} cycles, ${crash.acknowledged} acknowledged changes ${JSON.stringify(crash.byCall)}, ${crash.uncertain} in flight at a kill (CRASH_SEED=${crashSeed}): ${crash.problems.length} problems`,
  );
  problems.push(...crash.problems);

  const fuzzSeed = seed("FUZZ_SEED");
  const fuzz = await runFuzz(num("FUZZ_RUNS", 50_000), fuzzSeed);
  log(
    `fuzz: ${fuzz.cases} cases (FUZZ_SEED=${fuzzSeed}): ${fuzz.problems.length} problems; answers ${JSON.stringify(fuzz.answers)}`,
  );
  problems.push(...fuzz.problems);

  const loadSeed = seed("LOAD_SEED");
  const clients = num("LOAD_CLIENTS", 64);
  const load = await runLoadTest(clients, num("LOAD_SECONDS", 60), loadSeed);
  log(
    `load: ${load.requests} requests in ${load.seconds.toFixed(0)} s from ${clients} clients (LOAD_SEED=${loadSeed}); p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms, max ${load.max.toFixed(0)} ms: ${load.problems.length} problems`,
  );
  problems.push(...load.problems);

  for (const p of problems.slice(0, 50)) log(`PROBLEM ${p}`);
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
