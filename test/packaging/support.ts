/**
 * Helpers of the packaging tests: processes started the way a user starts them (the compiled
 * CLI, npx, a shell recipe), waited on through their ready line, stopped by the pid in it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../server/config";

export const ROOT = PROJECT_ROOT;
/** The compiled CLI, as the package's bin runs it. */
export const CLI = join(ROOT, "dist", "server", "cli.js");

export interface ReadyLine {
  readonly event: "listening";
  readonly url: string;
  readonly https?: string;
  readonly admin: string | null;
  readonly pid: number;
}

export interface Proc {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code (or signal name) once the process has ended and closed its output. */
  readonly done: Promise<number | string>;
}

export function launch(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Proc {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const done = new Promise<number | string>((resolve) =>
    child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  return { child, stdout: () => out, stderr: () => err, done };
}

/** The first `{"event":"listening",...}` line on stdout; rejects when the process ends first. */
export function ready(proc: Proc): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    const look = () => {
      for (const line of proc.stdout().split("\n").slice(0, -1)) {
        if (!line.startsWith("{")) continue;
        const event = JSON.parse(line) as { event?: string };
        if (event.event !== "listening") continue;
        proc.child.stdout?.off("data", look);
        resolve(event as ReadyLine);
        return;
      }
    };
    proc.child.stdout?.on("data", look);
    proc.done.then((code) =>
      reject(new Error(`exited (${code}) before listening: ${proc.stdout()} ${proc.stderr()}`)),
    );
    look();
  });
}

/** SIGTERM to the server's own pid (npx and npm do not pass signals on), then its launcher's end. */
export async function stop(proc: Proc, line: ReadyLine): Promise<number | string> {
  process.kill(line.pid, "SIGTERM");
  return proc.done;
}

/** Whatever a failed test left running, by pid. */
export function kill(...pids: (number | undefined)[]): void {
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** A version 3 login (the Terraform provider's and most clients'), as `{success, data, error}`. */
export async function login(
  url: string,
  account = "admin",
  passwd = "synology",
): Promise<{ success: boolean; data?: { sid: string }; error?: { code: number } }> {
  const params = new URLSearchParams({
    api: "SYNO.API.Auth",
    version: "3",
    method: "login",
    account,
    passwd,
  });
  const res = await fetch(`${url}/webapi/auth.cgi?${params}&format=sid`);
  return (await res.json()) as { success: boolean; data?: { sid: string }; error?: { code: number } };
}

/** A scratch folder, removed by the returned function. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `vmm-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
