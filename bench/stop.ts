/**
 * Stopping right after a start: the command line (`node dist/server/cli.js`, as the package's
 * bin runs it, HTTPS on as `npm start` has it) is sent SIGTERM as soon as it prints its ready
 * line, when the 4096-bit login key is still being made; the figure is SIGTERM to the process's
 * end. Before the key moved to a child process that a stop kills, this took 1.6 to 2.5 s (Node's
 * exit waited for the thread pool's key generation).
 */
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../server/config";
import { median } from "./load";

export interface StopResult {
  readonly runs: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

export async function benchStop(runs: number): Promise<StopResult> {
  execFileSync(process.execPath, [join(PROJECT_ROOT, "scripts", "ensure-built.mjs")], { stdio: "inherit" });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await stopOnce());
  return { runs, medianMs: median(times), maxMs: Math.max(...times) };
}

function stopOnce(): Promise<number> {
  const child = spawn(process.execPath, ["dist/server/cli.js", "--port", "0", "--db", ":memory:"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let sent = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (sent === 0 && out.includes('"event":"listening"')) {
        sent = performance.now();
        child.kill("SIGTERM");
      }
    });
    child.once("exit", (code) => {
      if (sent === 0 || code !== 0)
        reject(new Error(`the emulator ended with ${code} before or after SIGTERM`));
      else resolve(performance.now() - sent);
    });
  });
}
