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

/**
 * Section 0 for this checkout, and with `before` (another checkout's folder, with its own dist/
 * and node_modules) for that one too, each run of one alternating with the same run of the other.
 */
export async function benchLifecycle(
  runs: number,
  hello: readonly string[],
  log: (line: string) => void,
  before?: string,
): Promise<{ now: LifecycleResult; before: LifecycleResult | undefined }> {
  const roots = before === undefined ? [PROJECT_ROOT] : [PROJECT_ROOT, before];
  const series = roots.map(() => newSeries());
  for (let i = 0; i < runs; i++)
    for (const [n, root] of roots.entries()) await lifecycleRun(root, hello, series[n] ?? newSeries());
  log("  lifecycle: in-process starts");
  const [now, then] = roots.map((root, n) => summary(series[n] ?? newSeries(), inProcess(root)));
  if (now === undefined) throw new Error("no lifecycle measured");
  return { now, before: then };
}

function newSeries() {
  return {
    https: [] as number[],
    http: [] as number[],
    hello: [] as number[],
    npm: [] as number[],
    compiled: [] as number[],
    stops: { "0": [] as number[], "100": [] as number[], "1000": [] as number[] },
  };
}

type Series = ReturnType<typeof newSeries>;

function inProcess(root: string): LifecycleResult["inProcess"] {
  const child = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      "tsx",
      join(PROJECT_ROOT, "bench", "in-process-start.ts"),
      "20",
      join(root, "dist", "server", "emulator.js"),
    ],
    { cwd: PROJECT_ROOT, encoding: "utf8" },
  );
  return JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}");
}

function summary(s: Series, inProcess: LifecycleResult["inProcess"]): LifecycleResult {
  return {
    startHttps: median(s.https),
    startHttp: median(s.http),
    startHello: median(s.hello),
    npmStart: median(s.npm),
    npmCompiled: median(s.compiled),
    stopAt: { "0": median(s.stops["0"]), "100": median(s.stops["100"]), "1000": median(s.stops["1000"]) },
    inProcess,
  };
}

/** One run of every start and stop of the checkout at `root` (its dist/ built first, as `npm start` would). */
async function lifecycleRun(root: string, hello: readonly string[], s: Series): Promise<void> {
  spawnSync(process.execPath, [join(root, "scripts", "ensure-built.mjs")], { stdio: "inherit", cwd: root });
  const CLI = join(root, "dist", "server", "cli.js");
  const node = (args: readonly string[]) => () => spawnListening(process.execPath, args);
  const https = await startAndStop(node([CLI, ...IN_MEMORY]));
  s.https.push(https.start);
  s.stops["0"].push(https.stop);
  s.hello.push((await startAndStop(node(hello))).start);
  s.http.push(
    (await startAndStop(node([CLI, "--port", "0", "--https-port", "off", "--db", ":memory:"]))).start,
  );
  s.stops["100"].push((await startAndStop(node([CLI, ...IN_MEMORY]), 100)).stop);
  s.stops["1000"].push((await startAndStop(node([CLI, ...IN_MEMORY]), 1000)).stop);
  s.npm.push(
    (
      await startAndStop(() =>
        spawnListening("npm", ["start", "--silent", "--", ...IN_MEMORY], { cwd: root }),
      )
    ).start,
  );
  s.compiled.push((await startAndStop(node([CLI, ...IN_MEMORY]))).start);
}
