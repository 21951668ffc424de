/**
 * Child processes for benchmarks and reliability tests: the emulator's CLI, the bare Hono app
 * and WireMock, each in its own process so that the load generator never shares their event
 * loop. Every child is started on port 0 (or a port the OS just handed out) on 127.0.0.1.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PROJECT_ROOT } from "../../server/config";

/**
 * How the emulator is started: `npm start` itself (whatever package.json says it runs), tsx's
 * CLI, node with tsx's loader, or plain node on compiled JavaScript (a tsc build or a bundle).
 */
export type Runner = "npm" | "tsx" | "node" | { compiled: string };

export interface Child {
  readonly url: string;
  /** The pid of the process that serves (tsx's CLI runs the server in a child of its own). */
  readonly pid: number;
  readonly proc: ChildProcess;
  /** Milliseconds from spawn to the "listening" line. */
  readonly listeningAfterMs: number;
  /** Everything the child wrote on stderr so far. */
  stderr(): string;
  /** SIGTERM (or `signal`), then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface EmulatorSpawn {
  readonly fixture: string;
  readonly db: string;
  readonly timeScale: string;
  readonly runner?: Runner;
  readonly extraArgs?: readonly string[];
  /** Node options put before the script (`--import <preload>`, `--cpu-prof`), for node runners. */
  readonly nodeArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

const TSX_BIN = join(PROJECT_ROOT, "node_modules", ".bin", "tsx");

function command(
  runner: Runner,
  script: string,
  nodeArgs: readonly string[],
): { cmd: string; args: string[] } {
  // npm runs the script through a shell; `--` hands it the rest of the arguments.
  if (runner === "npm") return { cmd: "npm", args: ["start", "--silent", "--"] };
  if (runner === "tsx") return { cmd: TSX_BIN, args: [script] };
  if (runner === "node") return { cmd: process.execPath, args: ["--import", "tsx", ...nodeArgs, script] };
  return { cmd: process.execPath, args: [...nodeArgs, runner.compiled] };
}

export interface SpawnOptions {
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
  /** The directory to run in (default: the project). */
  readonly cwd?: string;
}

/** Spawns a process that prints `{"event":"listening","url":..,"pid":..}` on stdout once ready. */
export function spawnListening(
  cmd: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<Child> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  const proc = spawn(cmd, args, {
    cwd: options.cwd ?? PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  let errText = "";
  proc.stderr?.on("data", (chunk: Buffer) => {
    // Bounded: a child that logs a lot must not grow the parent's memory without limit.
    errText = (errText + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  return new Promise<Child>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} did not listen within ${timeoutMs} ms: ${errText}`));
    }, timeoutMs);
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited (${code ?? signal}) before listening: ${errText}`));
    });
    const lines = createInterface({ input: proc.stdout ?? process.stdin });
    lines.on("line", (line) => {
      let event: { event?: string; url?: string; pid?: number };
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.event !== "listening" || event.url === undefined) return;
      clearTimeout(timer);
      const listeningAfterMs = performance.now() - started;
      const pid = event.pid ?? proc.pid ?? -1;
      resolve({
        url: event.url,
        pid,
        proc,
        listeningAfterMs,
        stderr: () => errText,
        stop: async (signal = "SIGTERM") => {
          if (proc.exitCode !== null || proc.signalCode !== null) return;
          // npm and tsx's CLI run the server in a child of theirs, and npm does not forward signals.
          if (pid !== proc.pid) {
            try {
              process.kill(pid, signal);
            } catch {
              // already gone
            }
          }
          proc.kill(signal);
          await exited;
        },
      });
    });
  });
}

export function spawnEmulator(spec: EmulatorSpawn): Promise<Child> {
  const { cmd, args } = command(spec.runner ?? "node", "server/cli.ts", spec.nodeArgs ?? []);
  return spawnListening(
    cmd,
    [
      ...args,
      "--port",
      "0",
      "--db",
      spec.db,
      "--fixture",
      spec.fixture,
      "--time-scale",
      spec.timeScale,
      // HTTP only, unless asked: DSM's default HTTPS port (5001) is one per machine.
      ...(spec.extraArgs?.includes("--https-port") ? [] : ["--https-port", "off"]),
      ...(spec.extraArgs ?? []),
    ],
    spec.env === undefined ? {} : { env: spec.env },
  );
}

function statusMiB(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Peak resident set size of a live process, in MiB (Linux: VmHWM). */
export const peakRssMiB = (pid: number): number => statusMiB(pid, "VmHWM");

/** Resident set size of a live process now, in MiB (Linux: VmRSS). */
export const rssMiB = (pid: number): number => statusMiB(pid, "VmRSS");

/** A TCP port the OS considers free right now (for servers that cannot take port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
