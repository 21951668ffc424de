/**
 * The hostile-input soak (`npm run soak`): every class of attack of issue 12, at volume, against
 * a spawned emulator in its default set-up (no token, loopback), and its resident memory read
 * from /proc before and after. What must hold: no 5xx, every request answered the way its
 * hardening test says, and memory that does not grow with the number of hostile requests
 * (after a warm-up round, further rounds may add at most `MAX_GROWTH_MIB`).
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { DEFAULT_FIXTURE } from "../../server/config";
import { getJson, login } from "../support/client";
import { spawnEmulator } from "../support/processes";

/** What further rounds may add to the resident set once the first has warmed everything up. */
export const MAX_GROWTH_MIB = 48;

export interface HostileReport {
  readonly requests: number;
  readonly rssAfterWarmUpMiB: number;
  readonly rssAfterMiB: number;
  readonly problems: string[];
}

interface Reply {
  readonly status: number;
  readonly body: string;
}

function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Reply> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (answered) return;
      // A body refused early (413, then the connection closed) can end the write before the answer is read.
      if (err.code === "EPIPE" || err.code === "ECONNRESET") resolve({ status: 0, body: err.code });
      else reject(err);
    });
    req.end(body);
  });
}

const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN) / 1024;

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };
const many = (n: number) => Array.from({ length: n }, (_, i) => `p${i}=x`).join("&");

/** One attack: the request and the status it must get. */
type Attack = (url: string, sid: string) => Promise<{ what: string; reply: Reply; want: number }>;

const ATTACKS: readonly Attack[] = [
  async (url) => ({
    what: "330,000 parameters",
    reply: await send(
      url,
      "POST",
      "/webapi/entry.cgi",
      FORM,
      `api=SYNO.API.Info&version=1&method=query&${many(330_000)}`,
    ),
    want: 413,
  }),
  async (url) => ({
    what: "a 3.9 MB API name",
    reply: await send(
      url,
      "POST",
      "/webapi/entry.cgi",
      FORM,
      `api=SYNO.${"A".repeat(3_900_000)}&version=1&method=list`,
    ),
    want: 200,
  }),
  async (url) => ({
    what: "250 parameters of 4 KB",
    reply: await send(
      url,
      "POST",
      "/webapi/entry.cgi",
      FORM,
      `api=SYNO.API.Info&version=1&method=query&${Array.from({ length: 250 }, (_, i) => `q${i}=${"v".repeat(4000)}`).join("&")}`,
    ),
    want: 200,
  }),
  async (url) => ({
    what: "a login with 1 MB session and device names",
    reply: await send(
      url,
      "POST",
      "/webapi/auth.cgi",
      FORM,
      `api=SYNO.API.Auth&version=7&method=login&account=viewer&passwd=viewer-pass&format=sid&enable_device_token=yes&session=${"s".repeat(1_000_000)}&device_name=${"d".repeat(1_000_000)}`,
    ),
    want: 200,
  }),
  async (url) => ({
    what: "a cross-site form post to /__admin/reset",
    reply: await send(url, "POST", "/__admin/reset", { ...FORM, origin: "http://evil.example" }, "a=b"),
    want: 403,
  }),
  async (url) => ({
    what: "a text/plain post to /__admin/faults",
    reply: await send(
      url,
      "POST",
      "/__admin/faults",
      { "content-type": "text/plain" },
      '{"action":{"type":"reset"}}',
    ),
    want: 415,
  }),
  async (url) => ({
    what: "a rebinding Host",
    reply: await send(url, "GET", "/__admin/state", { host: "attacker.example" }),
    want: 403,
  }),
  async (url) => ({
    what: "a 20,000-deep fault rule",
    reply: await send(
      url,
      "POST",
      "/__admin/faults",
      JSON_TYPE,
      `{"action":{"type":"error","code":500,"errors":${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}}}`,
    ),
    want: 400,
  }),
  async (url) => ({
    what: "a clock advance by MAX_SAFE_INTEGER",
    reply: await send(url, "POST", "/__admin/clock/advance", JSON_TYPE, `{"ms":${Number.MAX_SAFE_INTEGER}}`),
    want: 400,
  }),
  async (url) => ({
    what: "a 2 MiB control-plane body",
    reply: await send(url, "POST", "/__admin/faults", JSON_TYPE, `{"x":"${"x".repeat(2 * 1024 * 1024)}"}`),
    want: 413,
  }),
  async (url, sid) => ({
    what: "HEAD of a delete",
    reply: await send(
      url,
      "HEAD",
      `/webapi/entry.cgi?api=SYNO.Virtualization.API.Guest&version=1&method=delete&guest_name=syno&_sid=${sid}`,
    ),
    want: 200,
  }),
  async (url, sid) => ({
    what: "a lone surrogate in a batch",
    reply: await send(
      url,
      "POST",
      "/webapi/entry.cgi",
      FORM,
      new URLSearchParams({
        api: "SYNO.Entry.Request",
        version: "1",
        method: "request",
        _sid: sid,
        compound: JSON.stringify([
          { api: "SYNO.Virtualization.API.Guest", method: "get", version: 1, guest_name: "\ud800" },
        ]),
      }).toString(),
    ),
    want: 200,
  }),
  async (url) => ({
    what: "a backslash path",
    reply: await send(url, "GET", "/webapi\\query.cgi"),
    want: 400,
  }),
];

/** Runs `rounds` rounds of every attack (the first is the warm-up) and reports memory and problems. */
export async function runHostile(rounds: number, log: (line: string) => void): Promise<HostileReport> {
  const child = await spawnEmulator({ fixture: DEFAULT_FIXTURE, db: ":memory:", timeScale: "instant" });
  const problems: string[] = [];
  let requests = 0;
  let rssAfterWarmUpMiB = 0;
  try {
    const sid = await login(child.url);
    for (let round = 0; round < rounds; round++) {
      for (const attack of ATTACKS) {
        const { what, reply, want } = await attack(child.url, sid);
        requests++;
        const refusedEarly = want === 413 && reply.status === 0;
        if (reply.status !== want && !refusedEarly && problems.length < 50)
          problems.push(`${what}: HTTP ${reply.status}, expected ${want}: ${reply.body.slice(0, 200)}`);
      }
      if (round === 0) rssAfterWarmUpMiB = rssMiB(child.pid);
      if (round % 10 === 9)
        log(`hostile: round ${round + 1}/${rounds}, RSS ${rssMiB(child.pid).toFixed(0)} MiB`);
    }
    const rssAfterMiB = rssMiB(child.pid);
    const guests = (await getJson(`${child.url}/__admin/state`)).body as unknown as {
      guests?: { guest_name: string }[];
    };
    if (!(guests.guests ?? []).some((g) => g.guest_name === "syno"))
      problems.push("HEAD of a delete deleted the guest");
    if (rssAfterMiB - rssAfterWarmUpMiB > MAX_GROWTH_MIB)
      problems.push(
        `resident memory grew ${(rssAfterMiB - rssAfterWarmUpMiB).toFixed(0)} MiB over ${rounds - 1} rounds (more than ${MAX_GROWTH_MIB})`,
      );
    return { requests, rssAfterWarmUpMiB, rssAfterMiB, problems };
  } finally {
    await child.stop();
  }
}
