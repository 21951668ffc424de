/**
 * The hostile soak's issue-20 stage: the attacks of test/hardening/ items 1 to 10 at volume
 * against a spawned emulator with HTTPS and an upload folder, with its descriptors and resident
 * memory read from /proc after a warm-up round and at the end. What must hold: every attack is
 * answered as its hardening test says, the process survives, descriptors come back to where the
 * warm-up left them (within `FD_SLACK`) once the slow-client limits have run out, memory grows
 * by at most MAX_GROWTH_MIB, and the upload folder is empty (only failed uploads are sent).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { request } from "node:http";
import { connect as h2connect } from "node:http2";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_FIXTURE } from "../../server/config";
import { encryptedLoginBatch, nestedBatch } from "../support/attacks";
import { login } from "../support/client";
import { freePort, rssMiB, sleep, spawnEmulator } from "../support/processes";
import { descriptorCount, eventually } from "../support/sockets";

/** Descriptors the end may hold beyond the warm-up's (keep-alive sockets of the soak's own client, a log). */
export const FD_SLACK = 16;
const GROWTH_MIB = 48;

export interface SocketReport {
  readonly rounds: number;
  readonly fdAfterWarmUp: number;
  readonly fdAfter: number;
  readonly rssAfterWarmUpMiB: number;
  readonly rssAfterMiB: number;
  readonly problems: string[];
}

function post(port: number, path: string, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path,
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", () => resolve({ status: 0, body: "" }));
    req.end(body);
  });
}

/** Raw sockets that each send `text` (or nothing) and are kept open, unread, until `close` is called. */
async function rawSockets(port: number, count: number, text: string): Promise<Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve) => {
          const s = connect(port, "127.0.0.1", () => {
            if (text !== "") s.write(text);
            s.pause();
            resolve(s);
          });
          s.on("error", () => {});
        }),
    ),
  );
}

/** An upload of 256 KiB of which the client sends 64 KiB and leaves. */
function brokenUpload(port: number, sid: string | undefined): Promise<void> {
  const q = new URLSearchParams({
    ...(sid === undefined ? {} : { _sid: sid }),
    api: "SYNO.Virtualization.Guest.Image",
    method: "upload_and_create",
    version: "1",
    name: `soak-${randomBytes(4).toString("hex")}`,
    type: "iso",
    image_repos: "[]",
  });
  return new Promise((resolve) => {
    const req = request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: `/webapi/entry.cgi?${q}`,
      headers: { "content-type": "multipart/form-data; boundary=B", "content-length": 300_000 },
    });
    req.on("error", () => resolve());
    req.on("close", () => resolve());
    req.write('--B\r\nContent-Disposition: form-data; name="file"; filename="a.iso"\r\n\r\n');
    req.write(Buffer.alloc(64 * 1024), () => setTimeout(() => req.destroy(), 5));
  });
}

/** An HTTP/2 stream whose body never finishes, its client leaving. */
function brokenH2(httpsPort: number): Promise<void> {
  return new Promise((resolve) => {
    const session = h2connect(`https://127.0.0.1:${httpsPort}`, { rejectUnauthorized: false });
    session.on("error", () => {});
    session.on("close", () => resolve());
    const stream = session.request({
      ":method": "POST",
      ":path": "/webapi/entry.cgi",
      "content-length": "1000",
    });
    stream.on("error", () => {});
    stream.write("api=SYNO.API.Info&", () => setTimeout(() => session.destroy(), 5));
  });
}

export async function runHostileSockets(rounds: number, log: (line: string) => void): Promise<SocketReport> {
  const uploads = mkdtempSync(join(tmpdir(), "vmm-soak-uploads-"));
  const httpsPort = await freePort();
  const child = await spawnEmulator({
    fixture: DEFAULT_FIXTURE,
    db: ":memory:",
    timeScale: "instant",
    extraArgs: ["--https-port", String(httpsPort), "--upload-dir", uploads],
  });
  const port = Number(new URL(child.url).port);
  const problems: string[] = [];
  const problem = (p: string) => {
    if (problems.length < 50) problems.push(p);
  };
  let fdAfterWarmUp = 0;
  let rssAfterWarmUpMiB = 0;
  try {
    const sid = await login(child.url);
    const logins = encryptedLoginBatch();
    // 128 batches of 256 calls: 3.8 MiB, under the body limit (32,768 calls before the fix).
    const nested = nestedBatch(128, 256);
    for (let round = 0; round < rounds; round++) {
      // 1, 2: the batches that stalled everyone.
      for (const body of [logins, nested]) {
        const r = await post(port, "/webapi/entry.cgi", body);
        if (r.status !== 200) problem(`a hostile batch answered HTTP ${r.status}`);
      }
      // 3, 8, 9: silent TLS connections, unread refusals, dribbled headers; the clients leave later.
      const held = [
        ...(await rawSockets(httpsPort, 20, "")),
        ...(await rawSockets(port, 20, "GET /webapi\\x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")),
        ...(await rawSockets(port, 20, "GET / HTTP/1.1\r\n")),
      ];
      // 4, 5, 10: uploads into a folder that went away, broken off, without a session.
      rmSync(uploads, { recursive: true, force: true });
      const gone = await post(
        port,
        `/webapi/entry.cgi?api=SYNO.Virtualization.Guest.Image&method=upload_and_create&version=1&name=gone&type=iso&image_repos=[]&_sid=${sid}`,
        '--B\r\nContent-Disposition: form-data; name="file"; filename="a.iso"\r\n\r\nbytes\r\n--B--\r\n',
        { "content-type": "multipart/form-data; boundary=B" },
      );
      if (!gone.body.includes('"code":100')) problem(`an upload into a missing folder answered ${gone.body}`);
      mkdirSync(uploads, { recursive: true });
      for (let i = 0; i < 10; i++) await brokenUpload(port, sid);
      for (let i = 0; i < 10; i++) await brokenUpload(port, undefined);
      // 6: cross-site logins (the junk encrypted logins above did count: they are lifted first).
      await fetch(`${child.url}/__admin/blocks`, { method: "DELETE" });
      for (let i = 0; i < 12; i++) {
        const r = await post(
          port,
          "/webapi/entry.cgi",
          "api=SYNO.API.Auth&version=7&method=login&account=admin&passwd=wrong",
          { "sec-fetch-site": "cross-site" },
        );
        if (!r.body.includes('"code":402')) problem(`a cross-site login answered ${r.body}`);
      }
      const blocks = await (await fetch(`${child.url}/__admin/blocks`)).text();
      if (blocks !== '{"blocks":[]}') problem(`cross-site logins blocked: ${blocks}`);
      // 7, 13: bodies broken off, over HTTP/1.1 and HTTP/2.
      for (let i = 0; i < 10; i++) await brokenH2(httpsPort);
      for (const s of await rawSockets(
        port,
        10,
        "POST /__admin/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n",
      ))
        s.destroy();
      await sleep(100);
      for (const s of held) s.destroy();
      if (round === 0) {
        fdAfterWarmUp = await settledDescriptors(child.pid);
        rssAfterWarmUpMiB = rssMiB(child.pid);
      }
      log(
        `hostile sockets: round ${round + 1}/${rounds}, ${descriptorCount(child.pid)} descriptors, RSS ${rssMiB(child.pid).toFixed(0)} MiB`,
      );
    }
    const fdAfter = await settledDescriptors(child.pid, fdAfterWarmUp + FD_SLACK);
    const rssAfterMiB = rssMiB(child.pid);
    if (fdAfter > fdAfterWarmUp + FD_SLACK)
      problem(`descriptors grew from ${fdAfterWarmUp} to ${fdAfter} over ${rounds - 1} rounds`);
    if (rssAfterMiB - rssAfterWarmUpMiB > GROWTH_MIB)
      problem(
        `resident memory grew ${(rssAfterMiB - rssAfterWarmUpMiB).toFixed(0)} MiB over ${rounds - 1} rounds`,
      );
    const left = readdirSync(uploads);
    if (left.length > 0) problem(`${left.length} files left in the upload folder`);
    return { rounds, fdAfterWarmUp, fdAfter, rssAfterWarmUpMiB, rssAfterMiB, problems };
  } finally {
    await child.stop();
    rmSync(uploads, { recursive: true, force: true });
  }
}

/** The child's descriptors once the handshake and header limits (10 s) have let go of what they hold. */
function settledDescriptors(pid: number, target = 0): Promise<number> {
  return eventually(
    () => descriptorCount(pid),
    (n) => n <= target,
    15_000,
  );
}
