/**
 * Section 3, cold start: process start to the first successful login, median of several runs,
 * for each way of starting the CLI (`npm start`'s tsx CLI, node with tsx's loader, an esbuild
 * bundle run by plain node) and each kind of state (in memory, a new file that must be seeded,
 * an existing file that is only opened).
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../server/config";
import { loginQuery, waitUntil } from "./client";
import { median } from "./load";
import { type Runner, spawnEmulator } from "./procs";

export interface ColdStartRow {
  readonly runner: string;
  readonly state: string;
  readonly medianMs: number;
  readonly minMs: number;
}

/**
 * Bundles the CLI with esbuild (tsx's own dependency) into bench/results/, inside the project so
 * that the external better-sqlite3 resolves; undefined when esbuild is not there.
 */
export function bundleCli(): string | undefined {
  const esbuild = join(PROJECT_ROOT, "node_modules", ".bin", "esbuild");
  if (!existsSync(esbuild)) return undefined;
  const out = join(PROJECT_ROOT, "bench", "results", "cli.mjs");
  const result = spawnSync(
    esbuild,
    [
      "server/cli.ts",
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--target=node20",
      "--external:better-sqlite3",
      `--outfile=${out}`,
      "--log-level=error",
    ],
    { cwd: PROJECT_ROOT, encoding: "utf8" },
  );
  return result.status === 0 ? out : undefined;
}

export async function benchColdStart(
  options: { fixture: string; workDir: string; runs: number },
  log: (line: string) => void,
): Promise<ColdStartRow[]> {
  const runners: { name: string; runner: Runner }[] = [
    { name: "`npm start` path (tsx CLI)", runner: "tsx" },
    { name: "node --import tsx", runner: "node" },
  ];
  const bundle = bundleCli();
  if (bundle !== undefined) runners.push({ name: "node + esbuild bundle", runner: { bundle } });
  else log("  cold start: esbuild not found, bundle skipped");
  const states = ["in memory", "new file (seeded)", "existing file"] as const;
  const rows: ColdStartRow[] = [];
  for (const { name, runner } of runners) {
    for (const state of states) {
      const times: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        const db = state === "in memory" ? ":memory:" : join(options.workDir, `cold-${rows.length}.sqlite`);
        if (state === "new file (seeded)")
          for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
        if (state === "existing file" && i === 0) {
          const seed = await spawnEmulator({ fixture: options.fixture, db, timeScale: "instant" });
          await seed.stop();
        }
        const t0 = performance.now();
        const child = await spawnEmulator({ fixture: options.fixture, db, timeScale: "instant", runner });
        await waitUntil(
          async () => {
            const res = await fetch(`${child.url}/webapi/auth.cgi?${loginQuery()}`);
            return (await res.text()).endsWith('"success":true}');
          },
          60_000,
          2,
        );
        times.push(performance.now() - t0);
        await child.stop();
      }
      rows.push({ runner: name, state, medianMs: median(times), minMs: Math.min(...times) });
      log(`  cold start: ${name}, ${state}: ${median(times).toFixed(0)} ms`);
    }
  }
  return rows;
}
