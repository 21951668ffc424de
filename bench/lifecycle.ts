/**
 * Section 0, the lifecycle users feel first (CI starts an emulator per job, per file, sometimes
 * per test): start to ready and stop of the compiled command line (`node dist/server/cli.js`, what
 * the package's command runs) beside a bare Hono hello started the same way, alternating, medians;
 * `npm start` beside the command it runs; a stop sent at the ready line and a little after; and
 * in-process `startEmulator()`, the first of a process and the ones after it.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../server/config";
import { type Child, spawnListening } from "../test/support/processes";
import { median } from "./load";

export interface LifecycleResult {
  /** Spawn to the ready line, ms: the emulator (defaults, HTTPS on, in memory), HTTPS off, the hello. */
  readonly startHttps: number;
  readonly startHttp: number;
  readonly startHello: number;
  /** `npm start` to the ready line, and the compiled command alone, ms (same arguments). */
  readonly npmStart: number;
  readonly npmCompiled: number;
  /** SIGTERM to exit, ms, sent at the ready line / 100 ms after it / 1 s after it. */
  readonly stopAt: Record<"0" | "100" | "1000", number>;
  /** In-process `startEmulator()`: the first of a process, the median of the later ones, KiB held each. */
  readonly inProcess: { firstMs: number; laterMs: number; perEmulatorKiB: number };
}

const CLI = join(PROJECT_ROOT, "dist", "server", "cli.js");
const IN_MEMORY = ["--port", "0", "--https-port", "0", "--db", ":memory:"];

async function startAndStop(
  start: () => Promise<Child>,
  stopAfterMs = 0,
): Promise<{ start: number; stop: number }> {
  const child = await start();
  if (stopAfterMs > 0) await new Promise((r) => setTimeout(r, stopAfterMs));
  const t = performance.now();
  await child.stop();
  return { start: child.listeningAfterMs, stop: performance.now() - t };
}

export async function benchLifecycle(
  runs: number,
  hello: readonly string[],
  log: (line: string) => void,
): Promise<LifecycleResult> {
  // dist/ as `npm start` would find it.
  spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "ensure-built.mjs")], { stdio: "inherit" });
  const node = (args: readonly string[]) => () => spawnListening(process.execPath, args);
  const series = { https: [] as number[], http: [] as number[], hello: [] as number[] };
  const npm = { npm: [] as number[], compiled: [] as number[] };
  const stops = { "0": [] as number[], "100": [] as number[], "1000": [] as number[] };
  log("  lifecycle: start and stop, alternating");
  for (let i = 0; i < runs; i++) {
    const https = await startAndStop(node([CLI, ...IN_MEMORY]));
    series.https.push(https.start);
    stops["0"].push(https.stop);
    series.hello.push((await startAndStop(node(hello))).start);
    series.http.push(
      (await startAndStop(node([CLI, "--port", "0", "--https-port", "off", "--db", ":memory:"]))).start,
    );
    stops["100"].push((await startAndStop(node([CLI, ...IN_MEMORY]), 100)).stop);
    stops["1000"].push((await startAndStop(node([CLI, ...IN_MEMORY]), 1000)).stop);
    npm.npm.push(
      (await startAndStop(() => spawnListening("npm", ["start", "--silent", "--", ...IN_MEMORY]))).start,
    );
    npm.compiled.push((await startAndStop(node([CLI, ...IN_MEMORY]))).start);
  }
  log("  lifecycle: in-process starts");
  const child = spawnSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", join(PROJECT_ROOT, "bench", "in-process-start.ts"), "20"],
    { cwd: PROJECT_ROOT, encoding: "utf8" },
  );
  const inProcess = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}");
  return {
    startHttps: median(series.https),
    startHttp: median(series.http),
    startHello: median(series.hello),
    npmStart: median(npm.npm),
    npmCompiled: median(npm.compiled),
    stopAt: { "0": median(stops["0"]), "100": median(stops["100"]), "1000": median(stops["1000"]) },
    inProcess,
  };
}
