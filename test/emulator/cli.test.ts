import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/config";
import { rawDefaultFixture } from "../harness";

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns a command in the project folder, collecting its output. */
function run(command: string, args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const result: Run = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    result.stdout += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    result.stderr += chunk.toString("utf8");
  });
  return result;
}

/**
 * The compiled CLI (`dist/server/cli.js`, built by the global setup), as `npm start` and the
 * package's bin run it, in one node process (no npm or npx wrapper: quicker on small CI runners).
 */
const cli = (args: string[], env: Record<string, string> = {}): Run =>
  run(process.execPath, ["dist/server/cli.js", ...args], env);

interface Listening {
  event: "listening";
  url: string;
  pid: number;
}

/**
 * The `{"event":"listening",...}` line, as soon as stdout has it; rejects when the process ends
 * first. No deadline of its own: the test's timeout bounds the wait.
 */
function listening(r: Run): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const find = (): Listening | undefined => {
      // Complete lines only: a chunk may end mid-line.
      for (const line of r.stdout.split("\n").slice(0, -1)) {
        if (!line.startsWith("{")) continue;
        const event = JSON.parse(line) as { event?: string };
        if (event.event === "listening") return event as Listening;
      }
      return undefined;
    };
    const onData = () => {
      const line = find();
      if (line === undefined) return;
      r.child.stdout?.off("data", onData);
      resolve(line);
    };
    // Added after run()'s own listener, so r.stdout already holds each chunk.
    r.child.stdout?.on("data", onData);
    // "close" comes after the last output, unlike "exit".
    r.child.once("close", () => {
      onData();
      reject(new Error(`no listening line; stdout: ${r.stdout} stderr: ${r.stderr}`));
    });
    onData();
  });
}

/** Stops what a test started, by pid, if a failed assertion left it running. */
function cleanUp(r: Run, serverPid?: number): void {
  for (const pid of [serverPid, r.child.pid]) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

async function legacyLogin(url: string): Promise<{ success: boolean; data?: { sid: string } }> {
  const params = new URLSearchParams({
    api: "SYNO.API.Auth",
    version: "3",
    method: "login",
    account: "admin",
    passwd: "synology",
    format: "sid",
  });
  const res = await fetch(`${url}/webapi/auth.cgi?${params}`);
  return (await res.json()) as { success: boolean; data?: { sid: string } };
}

describe.concurrent("the command line (npm start, the package's bin, tsx server/cli.ts)", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmm-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints one JSON line with url and pid, answers a login, and exits 0 on SIGTERM (from the sources too)", async () => {
    // The sources through tsx, without a build, as a contributor runs them.
    const r = run(process.execPath, ["--import", "tsx", "server/cli.ts", "--port", "0", "--db", ":memory:"]);
    let pid: number | undefined;
    try {
      const line = await listening(r);
      pid = line.pid;
      expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(line.pid).toEqual(expect.any(Number));
      const login = await legacyLogin(line.url);
      expect(login.success).toBe(true);
      expect(login.data?.sid).toEqual(expect.any(String));
      // The pid in the line is the server itself: scripts stop it with that pid.
      process.kill(line.pid, "SIGTERM");
      expect(await r.exited).toEqual({ code: 0, signal: null });
      expect(r.stdout).toContain('{"event":"stopped","signal":"SIGTERM"}');
      expect(r.stdout.trim().split("\n")).toHaveLength(2);
    } finally {
      cleanUp(r, pid);
    }
  });

  it("`npm start -- --port 0 --db :memory:` works and stops cleanly on SIGINT", async () => {
    const r = run("npm", ["start", "--silent", "--", "--port", "0", "--db", ":memory:"]);
    let pid: number | undefined;
    try {
      const line = await listening(r);
      pid = line.pid;
      expect((await legacyLogin(line.url)).success).toBe(true);
      process.kill(line.pid, "SIGINT");
      expect((await r.exited).code).toBe(0);
      expect(r.stdout).toContain('{"event":"stopped","signal":"SIGINT"}');
    } finally {
      cleanUp(r, pid);
    }
  });

  it("reads VMM_EMULATOR_* environment variables (port, db, fixture); a flag wins over its variable", async () => {
    const fixture = rawDefaultFixture();
    fixture.system.serial = "FROM-ENV-FIXTURE";
    const fixturePath = join(dir, "env-fixture.json");
    writeFileSync(fixturePath, JSON.stringify(fixture));
    // An invalid variable would exit 2: the flag beside it must win.
    const r = cli(["--session-timeout", "120"], {
      VMM_EMULATOR_PORT: "0",
      VMM_EMULATOR_DB: ":memory:",
      VMM_EMULATOR_FIXTURE: fixturePath,
      VMM_EMULATOR_SESSION_TIMEOUT: "not-a-number",
    });
    let pid: number | undefined;
    try {
      const line = await listening(r);
      pid = line.pid;
      const login = await legacyLogin(line.url);
      const params = new URLSearchParams({
        api: "SYNO.DSM.Info",
        version: "2",
        method: "getinfo",
        _sid: login.data?.sid ?? "",
      });
      const info = (await (await fetch(`${line.url}/webapi/entry.cgi?${params}`)).json()) as {
        data?: { serial: string };
      };
      expect(info.data?.serial).toBe("FROM-ENV-FIXTURE");
      process.kill(line.pid, "SIGTERM");
      expect((await r.exited).code).toBe(0);
    } finally {
      cleanUp(r, pid);
    }
  });

  it("an unknown flag exits 2 with the usage on stderr", async () => {
    const r = cli(["--bogus"]);
    try {
      expect((await r.exited).code).toBe(2);
      expect(r.stderr).toContain("unknown option --bogus");
      expect(r.stderr).toMatch(/usage: synology-vmm-emulator \[options\] .*--help lists them/);
      expect(r.stdout).toBe("");
    } finally {
      cleanUp(r);
    }
  });

  it("a bad option value exits 2 naming the option", async () => {
    const r = cli(["--port", "70000", "--db", ":memory:"]);
    try {
      expect((await r.exited).code).toBe(2);
      expect(r.stderr).toMatch(/--port: /);
      expect(r.stderr).toContain("usage:");
    } finally {
      cleanUp(r);
    }
  });

  it("an invalid fixture file exits 1 naming the bad field", async () => {
    const fixture = rawDefaultFixture();
    delete fixture.system.model;
    const path = join(dir, "broken-fixture.json");
    writeFileSync(path, JSON.stringify(fixture));
    const r = cli(["--port", "0", "--db", ":memory:", "--fixture", path]);
    try {
      expect((await r.exited).code).toBe(1);
      expect(r.stderr).toMatch(/cannot start the emulator: .*broken-fixture\.json is not a valid fixture/);
      expect(r.stderr).toContain("system.model");
    } finally {
      cleanUp(r);
    }
  });
});
