/**
 * Section 6, logins: what a correct password, a wrong one and an unknown account cost one
 * client logging in again and again, beside the password hash itself (scrypt at the fixture's
 * N=2048, measured in this process); and how long the server's event loop stalls while ten
 * clients log in without pause (correct or wrong passwords), beside ten clients calling Guest
 * get, so that a stall of the loop any call would wait behind is seen, not guessed. With one
 * client each call runs alone and a stall is one call's own synchronous work; with ten, calls that
 * arrive together are answered in one turn of the loop, so stalls add up whatever the call.
 */
import { randomBytes, scryptSync } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { keyReady, login, loginQuery, vmmQuery } from "../test/support/client";
import { sleep, spawnEmulator } from "../test/support/processes";
import type { Runners } from "./build";
import { type LoadResult, median, runLoad } from "./load";
import type { LoopDelay } from "./loop-delay";

export interface LoginLoad {
  readonly label: string;
  readonly connections: number;
  readonly load: LoadResult;
  readonly loop: LoopDelay;
}

export interface LoginResult {
  readonly hashMs: number;
  readonly correctMs: number;
  readonly wrongMs: number;
  readonly unknownMs: number;
  readonly loads: LoginLoad[];
}

async function sequentialMs(url: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    await (await fetch(url)).arrayBuffer();
    if (i >= 3) times.push(performance.now() - t0);
  }
  return median(times);
}

export async function benchLogin(
  options: { fixture: string; workDir: string; seconds: number; connections: number; runners: Runners },
  log: (line: string) => void,
): Promise<LoginResult> {
  const salt = randomBytes(16);
  const hashes: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    scryptSync(`password ${i}`, salt, 32, { N: 2048 });
    hashes.push(performance.now() - t0);
  }
  const loopFile = join(options.workDir, "loop-delay.json");
  const emulator = await spawnEmulator({
    fixture: options.fixture,
    db: ":memory:",
    timeScale: "instant",
    // Ten clients failing without pause would be blocked after ten failures, as DSM does.
    extraArgs: ["--auto-block-attempts", "off"],
    runner: options.runners.emulator,
    nodeArgs: ["--import", options.runners.preload("loop-delay")],
    env: { VMM_BENCH_LOOP_FILE: loopFile },
  });
  try {
    await keyReady(emulator.url);
    const auth = (account: string, passwd: string) => `/webapi/auth.cgi?${loginQuery(account, passwd)}`;
    const correct = auth("admin", "synology");
    const wrong = auth("admin", "not the password");
    const unknown = auth("nobody", "synology");
    const result = {
      hashMs: median(hashes.slice(5)),
      correctMs: await sequentialMs(`${emulator.url}${correct}`, 50),
      wrongMs: await sequentialMs(`${emulator.url}${wrong}`, 50),
      unknownMs: await sequentialMs(`${emulator.url}${unknown}`, 50),
    };
    const sid = await login(emulator.url);
    const get = `/webapi/entry.cgi?${vmmQuery(sid, "Guest", "get", { guest_name: "bench-20" })}`;
    const loopDelay = async (): Promise<LoopDelay> => {
      rmSync(loopFile, { force: true });
      process.kill(emulator.pid, "SIGUSR2");
      for (let i = 0; i < 100 && !existsSync(loopFile); i++) await sleep(10);
      await sleep(10);
      return JSON.parse(readFileSync(loopFile, "utf8")) as LoopDelay;
    };
    const loads: LoginLoad[] = [];
    // One client first: each call then runs alone, so a stall is one call's own synchronous work
    // (or the machine's noise, which the Guest get row shows); then ten, as a crowd of clients.
    for (const connections of [1, options.connections]) {
      for (const [label, path] of [
        ["Guest get (for reference)", get],
        ["login, correct password", correct],
        ["login, wrong password", wrong],
      ] as const) {
        await loopDelay();
        const load = await runLoad({
          url: emulator.url,
          pid: emulator.pid,
          seconds: options.seconds,
          connections,
          sequence: () => [{ path }],
        });
        loads.push({ label, connections, load, loop: await loopDelay() });
        log(`  login: ${label}, ${connections} connection(s)`);
      }
    }
    return { ...result, loads };
  } finally {
    await emulator.stop();
  }
}
