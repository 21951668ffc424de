/**
 * Section 3, cold start: process start to the first successful login, median of several runs,
 * for each way of starting the CLI (`npm start` as package.json has it, tsx's CLI, node with
 * tsx's loader, node on JavaScript compiled by tsc, node on an esbuild bundle) and each kind of
 * state (in memory, a new file that must be seeded, an existing file that is only opened), beside
 * a bare Hono hello started the same ways: the floor each way of starting puts under the emulator.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../server/config";
import { loginQuery, waitUntil } from "../test/support/client";
import { type Child, type Runner, spawnEmulator, spawnListening } from "../test/support/processes";
import type { Build } from "./build";
import { median } from "./load";

export interface ColdStartRow {
  readonly server: "emulator" | "bare Hono hello";
  readonly runner: string;
  readonly state: string;
  readonly medianMs: number;
  readonly minMs: number;
}

const RESULTS = join(PROJECT_ROOT, "bench", "results");

/**
 * Bundles the CLI with esbuild (tsx's own dependency) into bench/results/, inside the project so
 * that the external better-sqlite3 resolves; undefined when esbuild is not there.
 */
export function bundleCli(): string | undefined {
  const esbuild = join(PROJECT_ROOT, "node_modules", ".bin", "esbuild");
  if (!existsSync(esbuild)) return undefined;
  const out = join(RESULTS, "cli.mjs");
  const result = spawnSync(
    esbuild,
    [
      "server/cli.ts",
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--target=node20",
      "--external:better-sqlite3",
      // CommonJS dependencies (busboy) require node's modules; an ES module has no `require`.
      "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      `--outfile=${out}`,
      "--log-level=error",
    ],
    { cwd: PROJECT_ROOT, encoding: "utf8" },
  );
  if (result.status !== 0) return undefined;
  // The dashboard reads its static files beside its module, which is now the bundle.
  cpSync(join(PROJECT_ROOT, "server", "dashboard", "assets"), join(RESULTS, "assets"), { recursive: true });
  return out;
}

/** A package whose `npm start` runs the compiled hello, so npm's own start-up is counted alike. */
function helloPackage(hello: string): string {
  const dir = join(RESULTS, "hello-package");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "hello", private: true, scripts: { start: `node ${JSON.stringify(hello)}` } }),
  );
  return dir;
}

async function timeRuns(runs: number, start: () => Promise<Child>, ready: (url: string) => string) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const child = await start();
    try {
      await waitUntil(
        async () => {
          const res = await fetch(ready(child.url));
          return (await res.text()).endsWith('"success":true}');
        },
        60_000,
        2,
      );
      times.push(performance.now() - t0);
    } finally {
      await child.stop();
    }
  }
  return { medianMs: median(times), minMs: Math.min(...times) };
}

export async function benchColdStart(
  options: { fixture: string; workDir: string; runs: number; build: Build | undefined },
  log: (line: string) => void,
): Promise<ColdStartRow[]> {
  const compiled = options.build;
  const runners: { name: string; runner: Runner }[] = [
    { name: "`npm start` (package.json's start script)", runner: "npm" },
    { name: "tsx CLI", runner: "tsx" },
    { name: "node --import tsx", runner: "node" },
  ];
  if (compiled !== undefined)
    runners.push({ name: "node, compiled by tsc", runner: { compiled: compiled.cli } });
  const dist = join(PROJECT_ROOT, "dist", "server", "cli.js");
  if (existsSync(dist))
    runners.push({ name: "node dist/server/cli.js (npm run build)", runner: { compiled: dist } });
  const bundle = bundleCli();
  if (bundle !== undefined) runners.push({ name: "node, esbuild bundle", runner: { compiled: bundle } });
  else log("  cold start: esbuild not found, bundle skipped");

  const rows: ColdStartRow[] = [];
  const hello = (url: string) => `${url}/`;
  const helloRuns: { name: string; start: () => Promise<Child> }[] = [
    {
      name: "node --import tsx",
      start: () => spawnListening(process.execPath, ["--import", "tsx", "bench/hello.ts"]),
    },
  ];
  if (compiled !== undefined) {
    const dir = helloPackage(compiled.hello);
    helloRuns.unshift({
      name: "`npm start` (a package whose start script runs the compiled hello)",
      start: () => spawnListening("npm", ["start", "--silent"], { cwd: dir }),
    });
    helloRuns.push({
      name: "node, compiled by tsc",
      start: () => spawnListening(process.execPath, [compiled.hello]),
    });
  }
  for (const { name, start } of helloRuns) {
    const t = await timeRuns(options.runs, start, hello);
    rows.push({ server: "bare Hono hello", runner: name, state: "none", ...t });
    log(`  cold start: bare hello, ${name}: ${t.medianMs.toFixed(0)} ms`);
  }

  const states = ["in memory", "new file (seeded)", "existing file"] as const;
  const login = (url: string) => `${url}/webapi/auth.cgi?${loginQuery()}`;
  for (const { name, runner } of runners) {
    for (const state of states) {
      const db = state === "in memory" ? ":memory:" : join(options.workDir, `cold-${rows.length}.sqlite`);
      if (state === "existing file") {
        const seed = await spawnEmulator({ fixture: options.fixture, db, timeScale: "instant" });
        await seed.stop();
      }
      try {
        const t = await timeRuns(
          options.runs,
          () => {
            if (state === "new file (seeded)")
              for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
            return spawnEmulator({ fixture: options.fixture, db, timeScale: "instant", runner });
          },
          login,
        );
        rows.push({ server: "emulator", runner: name, state, ...t });
        log(`  cold start: ${name}, ${state}: ${t.medianMs.toFixed(0)} ms`);
      } catch (err) {
        log(`  cold start: ${name}, ${state} failed: ${(err as Error).message.slice(0, 300)}`);
      }
    }
  }
  return rows;
}
