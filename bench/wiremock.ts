/**
 * Section 2, what a user would pick instead: WireMock standalone (the npm package's jar on the
 * machine's Java) serving the emulator's Guest list answer as a static stub, given its best
 * settings for speed (no request journal, no request logging). Compared with the emulator
 * computing the same answer: throughput, and cold start to the first answered request.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PROJECT_ROOT } from "../server/config";
import { DSM_HEADERS } from "../server/wire/envelope";
import { keyReady, login, loginQuery, vmmQuery, waitUntil } from "../test/support/client";
import { type Child, type Runner, spawnEmulator } from "../test/support/processes";
import { type LoadResult, median, medianResult, runLoad } from "./load";

export interface WireMockRow {
  readonly wiremock: LoadResult;
  readonly emulator: LoadResult;
  readonly coldWireMockMs: number;
  readonly coldEmulatorMs: number;
  readonly bytes: number;
}

export function wiremockJar(): string | undefined {
  const dir = join(PROJECT_ROOT, "node_modules", "wiremock", "build");
  try {
    const jar = readdirSync(dir).find((f) => /^wiremock-standalone-.*\.jar$/.test(f));
    return jar === undefined ? undefined : join(dir, jar);
  } catch {
    return undefined;
  }
}

interface WireMock {
  readonly url: string;
  readonly proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts WireMock on a port it picks; answers once it printed the port (not yet serving). */
function startWireMock(jar: string, root: string): Promise<WireMock> {
  const proc = spawn(
    "java",
    ["-jar", jar, "--port", "0", "--root-dir", root, "--no-request-journal", "--disable-request-logging"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stderr?.resume();
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`WireMock exited (${code}) before listening`)));
    createInterface({ input: proc.stdout ?? process.stdin }).on("line", (line) => {
      const port = /^port:\s+(\d+)/.exec(line.trim())?.[1];
      if (port === undefined) return;
      resolve({
        url: `http://127.0.0.1:${port}`,
        proc,
        stop: async () => {
          proc.kill("SIGKILL");
          await exited;
        },
      });
    });
  });
}

function writeStub(root: string, body: string): void {
  mkdirSync(join(root, "mappings"), { recursive: true });
  mkdirSync(join(root, "__files"), { recursive: true });
  writeFileSync(join(root, "__files", "guest-list.json"), body);
  writeFileSync(
    join(root, "mappings", "guest-list.json"),
    JSON.stringify({
      request: {
        method: "GET",
        urlPath: "/webapi/entry.cgi",
        queryParameters: { method: { equalTo: "list" } },
      },
      response: { status: 200, headers: DSM_HEADERS, bodyFileName: "guest-list.json" },
    }),
  );
}

const ok = async (url: string) => {
  const res = await fetch(url);
  const text = await res.text();
  return res.status === 200 && text.endsWith('"success":true}');
};

export async function benchWireMock(
  options: {
    fixture: string;
    workDir: string;
    rounds: number;
    seconds: number;
    connections: number;
    coldRuns: number;
    runner: Runner;
  },
  log: (line: string) => void,
): Promise<WireMockRow | undefined> {
  const jar = wiremockJar();
  if (jar === undefined) {
    log("  wiremock: no jar under node_modules/wiremock/build, skipped");
    return undefined;
  }
  const root = join(options.workDir, "wiremock");
  const emulator: Child = await spawnEmulator({
    fixture: options.fixture,
    db: ":memory:",
    timeScale: "instant",
    runner: options.runner,
  });
  let wm: WireMock | undefined;
  try {
    await keyReady(emulator.url);
    const sid = await login(emulator.url);
    const path = `/webapi/entry.cgi?${vmmQuery(sid, "Guest", "list", { additional: "true" })}`;
    const body = await (await fetch(`${emulator.url}${path}`)).text();
    writeStub(root, body);
    wm = await startWireMock(jar, root);
    const wmUrl = wm.url;
    await waitUntil(() => ok(`${wmUrl}${path}`), 60_000);
    const servers = {
      wiremock: { url: wmUrl, pid: wm.proc.pid ?? -1 },
      emulator: { url: emulator.url, pid: emulator.pid },
    } as const;
    const results: Record<keyof typeof servers, LoadResult[]> = { wiremock: [], emulator: [] };
    const load = (which: keyof typeof servers, seconds: number) =>
      runLoad({ ...servers[which], seconds, connections: options.connections, sequence: () => [{ path }] });
    // The JVM needs longer than V8 to reach its steady state: give both the same generous warm-up.
    await load("wiremock", 3);
    await load("emulator", 3);
    for (let round = 0; round < options.rounds; round++) {
      const order: (keyof typeof servers)[] =
        round % 2 === 0 ? ["wiremock", "emulator"] : ["emulator", "wiremock"];
      for (const which of order) results[which].push(await load(which, options.seconds));
      log(`  wiremock round ${round + 1}/${options.rounds}`);
    }
    await wm.stop();
    wm = undefined;

    const coldWm: number[] = [];
    const coldEmu: number[] = [];
    for (let i = 0; i < options.coldRuns; i++) {
      const t0 = performance.now();
      const w = await startWireMock(jar, root);
      await waitUntil(() => ok(`${w.url}${path}`), 60_000, 2);
      coldWm.push(performance.now() - t0);
      await w.stop();
      const t1 = performance.now();
      const e = await spawnEmulator({
        fixture: options.fixture,
        db: ":memory:",
        timeScale: "instant",
        runner: options.runner,
      });
      await waitUntil(() => ok(`${e.url}/webapi/auth.cgi?${loginQuery()}`), 60_000, 2);
      coldEmu.push(performance.now() - t1);
      await e.stop();
    }
    return {
      wiremock: medianResult(results.wiremock),
      emulator: medianResult(results.emulator),
      coldWireMockMs: median(coldWm),
      coldEmulatorMs: median(coldEmu),
      bytes: Buffer.byteLength(body),
    };
  } finally {
    await wm?.stop();
    await emulator.stop();
  }
}
