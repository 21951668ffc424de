/**
 * The JavaScript the benchmarks run: the server, the bare apps and the bench's preloads compiled
 * by tsc (bench/tsconfig.json) into bench/results/compiled/, one file per module as a build to
 * `dist/` gives, which is how the emulator is started for users (the packaging's `npm start`).
 * `VMM_BENCH_RUNNER=tsx` runs everything through tsx's loader instead, as the bench did before
 * (tsx names every function it compiles, a cost paid on each closure a call creates).
 */
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../server/config";
import type { Runner } from "../test/support/processes";

const COMPILED = join(PROJECT_ROOT, "bench", "results", "compiled");

export interface Build {
  readonly cli: string;
  readonly hello: string;
  readonly bareServer: string;
  readonly loopDelay: string;
  readonly cpuProfile: string;
}

/** Relative imports as the sources write them (no extension) made into paths node can load. */
function addJsExtensions(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) addJsExtensions(path);
    else if (entry.name.endsWith(".js")) {
      const text = readFileSync(path, "utf8").replace(
        /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']+?)\2/g,
        (whole, lead: string, quote: string, spec: string) =>
          spec.endsWith(".js") || spec.endsWith(".json") ? whole : `${lead}${quote}${spec}.js${quote}`,
      );
      writeFileSync(path, text);
    }
  }
}

/**
 * Compiles the server and the hello app with tsc (bench/tsconfig.json) into
 * bench/results/compiled/: plain JavaScript, one file per module, as a build to `dist/` gives.
 * tsc keeps the sources' extension-less relative imports, which node's ESM loader does not
 * resolve, so `.js` is added after; the dashboard's static files are copied beside.
 */
export function compileWithTsc(log: (line: string) => void): Build | undefined {
  rmSync(COMPILED, { recursive: true, force: true });
  const tsc = join(PROJECT_ROOT, "node_modules", ".bin", "tsc");
  const result = spawnSync(tsc, ["-p", "bench/tsconfig.json"], { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (result.status !== 0) {
    log(`  tsc failed, the compiled runs are skipped: ${result.stdout.slice(0, 500)}`);
    return undefined;
  }
  addJsExtensions(COMPILED);
  cpSync(
    join(PROJECT_ROOT, "server", "dashboard", "assets"),
    join(COMPILED, "server", "dashboard", "assets"),
    {
      recursive: true,
    },
  );
  const bench = (name: string) => join(COMPILED, "bench", `${name}.js`);
  return {
    cli: join(COMPILED, "server", "cli.js"),
    hello: bench("hello"),
    bareServer: bench("bare-server"),
    loopDelay: bench("loop-delay"),
    cpuProfile: bench("cpu-profile"),
  };
}

/** How the servers under test are started, and the preloads they take, by VMM_BENCH_RUNNER. */
export interface Runners {
  readonly name: "compiled" | "tsx";
  readonly emulator: Runner;
  /** The command line of a bench script (`bare-server`, `hello`): node and its arguments. */
  script(name: "bare-server" | "hello"): string[];
  /** The `--import` argument of a preload (`loop-delay`, `cpu-profile`). */
  preload(name: "loop-delay" | "cpu-profile"): string;
}

export function runnersFor(build: Build | undefined): Runners {
  if (build === undefined || process.env.VMM_BENCH_RUNNER === "tsx") {
    return {
      name: "tsx",
      emulator: "node",
      script: (name) => ["--import", "tsx", `bench/${name}.ts`],
      preload: (name) => `./bench/${name}.ts`,
    };
  }
  const scripts = { "bare-server": build.bareServer, hello: build.hello };
  const preloads = { "loop-delay": build.loopDelay, "cpu-profile": build.cpuProfile };
  return {
    name: "compiled",
    emulator: { compiled: build.cli },
    script: (name) => [scripts[name]],
    preload: (name) => preloads[name],
  };
}
