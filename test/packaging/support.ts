/**
 * Helpers of the packaging tests: processes started the way a user starts them (the compiled
 * CLI, npx, a shell recipe), waited on through their ready line, stopped by the pid in it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, fetch as undiciFetch } from "undici";
import { expect } from "vitest";
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

/** Trusts any certificate: the emulator's is self-signed, as DSM's is. */
export const insecure = new Agent({ connect: { rejectUnauthorized: false } });

/** A version 3 login (the Terraform provider's and most clients'), over HTTP or (`insecure`) HTTPS. */
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
  const target = `${url}/webapi/auth.cgi?${params}&format=sid`;
  const res = url.startsWith("https:")
    ? await undiciFetch(target, { dispatcher: insecure })
    : await fetch(target);
  return (await res.json()) as { success: boolean; data?: { sid: string }; error?: { code: number } };
}

/**
 * The code block after `<!-- recipe: name -->` in a Markdown file of the project: the docs'
 * recipes are run or checked by the tests as they are written.
 */
export function recipe(file: string, name: string): string {
  const text = readFileSync(join(ROOT, file), "utf8");
  const match = new RegExp(`<!-- recipe: ${name} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\`\\n`).exec(text);
  if (match?.[1] === undefined) throw new Error(`no recipe ${name} in ${file}`);
  return match[1];
}

/** A scratch folder, removed by the returned function. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `vmm-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Two lines of the README's recipe for another language's CI: its clone, and where the suite's tests go. */
const CLONE = "git clone <this repository> vmm-emulator && (cd vmm-emulator && npm ci)";
const PLACEHOLDER = /^# \.\.\. run your tests against \$VMM_URL.*$/m;
const TESTS = `curl -s "$VMM_URL/webapi/auth.cgi?api=SYNO.API.Auth&version=3&method=login&account=admin&passwd=synology&format=sid" > login.json`;

/** The README's lines with the clone swapped for `install` (a shell line) and the tests for TESTS. */
export function ciRecipe(install: string): string {
  const text = recipe("README.md", "ci-shell");
  expect(text.split("\n")[0]).toBe(CLONE);
  expect(text).toMatch(PLACEHOLDER);
  return text.replace(CLONE, install).replace(PLACEHOLDER, TESTS);
}

/** Runs a script in bash in `cwd`; answers its exit code, output and how long it took. */
export function bash(
  script: string,
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = performance.now();
  const child = spawn("bash", ["-c", script], { cwd, env: { ...process.env, ...env } });
  let output = "";
  child.stdout.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    output += c.toString();
  });
  return new Promise((resolve) =>
    child.once("close", (code) => resolve({ code, output, ms: performance.now() - started })),
  );
}
