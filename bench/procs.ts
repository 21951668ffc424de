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
import { PROJECT_ROOT } from "../server/config";

/** How the emulator is started: `npm start`'s tsx CLI, node with tsx's loader, or a bundle. */
export type Runner = "tsx" | "node" | { bundle: string };

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
}

const TSX_BIN = join(PROJECT_ROOT, "node_modules", ".bin", "tsx");

function command(runner: Runner, script: string): { cmd: string; args: string[] } {
  if (runner === "tsx") return { cmd: TSX_BIN, args: [script] };
  if (runner === "node") return { cmd: process.execPath, args: ["--import", "tsx", script] };
  return { cmd: process.execPath, args: [runner.bundle] };
}

/** Spawns a process that prints `{"event":"listening","url":..,"pid":..}` on stdout once ready. */
export function spawnListening(cmd: string, args: readonly string[], timeoutMs = 30_000): Promise<Child> {
  const started = performance.now();
  const proc = spawn(cmd, args, { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
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
      resolve({
        url: event.url,
        pid: event.pid ?? proc.pid ?? -1,
        proc,
        listeningAfterMs,
        stderr: () => errText,
        stop: async (signal = "SIGTERM") => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          await exited;
        },
      });
    });
  });
}

export function spawnEmulator(spec: EmulatorSpawn): Promise<Child> {
  const { cmd, args } = command(spec.runner ?? "node", "server/cli.ts");
  return spawnListening(cmd, [
    ...args,
    "--port",
    "0",
    "--db",
    spec.db,
    "--fixture",
    spec.fixture,
    "--time-scale",
    spec.timeScale,
    ...(spec.extraArgs ?? []),
  ]);
}

/** Peak resident set size of a live process, in MiB (Linux: VmHWM). */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

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
