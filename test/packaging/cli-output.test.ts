/**
 * What the compiled command prints: the HTTPS certificate's public-key pin and PEM file in the
 * ready line (checked with Node's TLS client and curl), JSON log lines, and a stop right after
 * the start that does not leave the login key's process behind. (How long such a stop takes is
 * measured in `npm run bench`, not asserted here.)
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:tls";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, kill, launch, type ReadyLine, ready, scratch, stop } from "./support";

interface HttpsLine extends ReadyLine {
  readonly fingerprint: string;
  readonly pin: string;
  readonly cacert: string;
}

/** The server's public-key pin as a TLS client that trusts only `ca` sees it. */
function pinSeenBy(https: string, ca: string): Promise<string> {
  const { hostname, port } = new URL(https);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca, servername: "localhost" }, () => {
      const spki = socket.getPeerX509Certificate()?.publicKey.export({ type: "spki", format: "der" });
      socket.end();
      if (spki === undefined) reject(new Error("no peer certificate"));
      else resolve(`sha256//${createHash("sha256").update(spki).digest("base64")}`);
    });
    socket.once("error", reject);
  });
}

const cache = scratch("cache");
afterAll(cache.remove);

describe("the compiled CLI's output", () => {
  it.each([
    ["in the user's cache folder", { XDG_CACHE_HOME: cache.dir }],
    ["with the cache off, a temporary copy", { VMM_EMULATOR_CACHE: "off" }],
  ])(
    "with --db :memory: the ready line names a PEM file a client can trust (%s), and the pin curl --pinnedpubkey takes",
    async (_, env) => {
      const run = launch(process.execPath, [CLI, "--port", "0", "--db", ":memory:"], { env });
      let line: HttpsLine | undefined;
      try {
        line = (await ready(run)) as HttpsLine;
        expect(line.pin).toMatch(/^sha256\/\/[A-Za-z0-9+/]{43}=$/);
        expect(line.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        const pem = readFileSync(line.cacert, "utf8");
        expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
        // Verified against that file alone, and the key it serves is the pinned one.
        expect(await pinSeenBy(line.https ?? "", pem)).toBe(line.pin);
        const curl = await promisify(execFile)("curl", [
          "-sS",
          "--cacert",
          line.cacert,
          "--pinnedpubkey",
          line.pin,
          `${(line.https ?? "").replace("127.0.0.1", "localhost")}/health`,
        ]);
        expect(JSON.parse(curl.stdout)).toMatchObject({ status: "ok" });
        // A wrong pin is refused (curl's exit 90: SSL public key does not match pinned public key).
        const wrong = await promisify(execFile)("curl", [
          "-sSk",
          "--pinnedpubkey",
          `sha256//${Buffer.alloc(32).toString("base64")}`,
          `${line.https}/health`,
        ]).catch((err: { code: number }) => err.code);
        expect(wrong).toBe(90);
        expect(await stop(run, line)).toBe(0);
        // The cache's file is kept for the next start; a temporary copy goes with a clean stop.
        if ("XDG_CACHE_HOME" in env) {
          expect(line.cacert.startsWith(cache.dir)).toBe(true);
          expect(existsSync(line.cacert)).toBe(true);
        } else expect(existsSync(line.cacert)).toBe(false);
      } finally {
        kill(line?.pid, run.child.pid);
      }
    },
  );

  it("--log-format json: one object a line with its time, for DSM calls, control-plane calls and unknown paths", async () => {
    const run = launch(process.execPath, [
      CLI,
      ...["--port", "0", "--https-port", "off", "--db", ":memory:", "--log-requests", "--log-format", "json"],
    ]);
    let line: ReadyLine | undefined;
    try {
      line = await ready(run);
      await fetch(
        `${line.url}/webapi/auth.cgi?api=SYNO.API.Auth&version=3&method=login&account=admin&passwd=synology`,
      );
      await fetch(`${line.url}/__admin/state`);
      await fetch(`${line.url}/no/such/path?token=Secret9`);
      expect(await stop(run, line)).toBe(0);
      const records = run
        .stderr()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const r of records) expect(Date.parse(String(r.time))).not.toBeNaN();
      expect(records.map(({ event, method, path, status }) => ({ event, method, path, status }))).toEqual([
        { event: "dsm", method: "login", path: undefined, status: undefined },
        { event: "http", method: "GET", path: "/__admin/state", status: 200 },
        { event: "http", method: "GET", path: "/no/such/path", status: 404 },
      ]);
      expect(records[0]).toMatchObject({ api: "SYNO.API.Auth", success: true, cgi: "auth.cgi" });
      expect(run.stderr()).not.toMatch(/synology"|Secret9/);
    } finally {
      kill(line?.pid, run.child.pid);
    }
  });

  it("a SIGTERM right after the ready line stops it with 0, and the login key's process goes with it", async () => {
    const run = launch(process.execPath, [CLI, "--port", "0", "--https-port", "off", "--db", ":memory:"]);
    let line: ReadyLine | undefined;
    try {
      line = await ready(run);
      const children = await childrenOf(line.pid);
      expect(children.length).toBe(1); // the key being made
      expect(await stop(run, line)).toBe(0);
      for (const pid of children) expect(alive(pid), `child ${pid}`).toBe(false);
    } finally {
      kill(line?.pid, run.child.pid);
    }
  });
});

async function childrenOf(pid: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)("ps", ["-o", "pid=", "--ppid", String(pid)]).catch(() => ({
    stdout: "",
  }));
  return stdout
    .split("\n")
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

/** Running, not a zombie waiting to be reaped (where init does not reap, one stays listed). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}
