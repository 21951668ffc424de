/**
 * `npx tsx bench/gzip.ts [--quick] [--rounds n] [--only text]`: what answering gzip costs (docs/bench.md, "Gzip"). The
 * emulator (50-guest fixture, its own process) answers the same calls with and without
 * `Accept-Encoding: gzip`, in alternating order over several rounds (medians), with autocannon;
 * the server's CPU µs per request are read from /proc, as the stack bench does. The figures
 * that matter are the ratios on one run: this machine is shared and noisy.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import autocannon from "autocannon";
import { request } from "undici";
import { keyReady, login, vmmQuery } from "../test/support/client";
import { spawnEmulator } from "../test/support/processes";
import { writeSyntheticFixture } from "../test/support/synthetic-fixture";
import { cpuTimeUs, fmt, median } from "./load";

const quick = process.argv.includes("--quick");
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
/** `--only <text>`: the scenarios whose name holds it; `--rounds <n>`: more rounds on a noisy machine. */
const only = arg("--only");
const rounds = Number(arg("--rounds") ?? (quick ? 1 : 3));
const seconds = quick ? 2 : 3;
const connections = 10;
const GZIP = { "accept-encoding": "gzip" };

interface Run {
  readonly rps: number;
  readonly cpuUs: number;
  readonly p99: number;
  readonly failures: number;
}

async function load(url: string, pid: number, path: string, headers: Record<string, string>): Promise<Run> {
  const before = cpuTimeUs(pid);
  let failures = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [{ path, headers, onResponse: (status) => void (status !== 200 && failures++) }],
  });
  const requests = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    cpuUs: (cpuTimeUs(pid) - before) / requests,
    p99: result.latency.p99,
    failures: failures + result.errors + result.timeouts,
  };
}

/** The answer's bytes on the wire, plain and gzipped (checked to decompress to the plain one). */
async function sizes(url: string): Promise<{ plain: number; zipped: number }> {
  const plain = Buffer.from(await (await request(url)).body.arrayBuffer());
  const res = await request(url, { headers: GZIP });
  const zipped = Buffer.from(await res.body.arrayBuffer());
  if (res.headers["content-encoding"] !== "gzip" || !gunzipSync(zipped).equals(plain))
    throw new Error(`${url}: the gzipped answer is not the plain one`);
  return { plain: plain.length, zipped: zipped.length };
}

const dir = mkdtempSync(join(tmpdir(), "vmm-gzip-bench-"));
const emulator = await spawnEmulator({
  fixture: writeSyntheticFixture(dir, 50),
  db: ":memory:",
  timeScale: "instant",
  runner: "tsx",
});
try {
  await keyReady(emulator.url);
  const sid = await login(emulator.url);
  const scenarios = [
    {
      name: "Guest get",
      path: `/webapi/entry.cgi?${vmmQuery(sid, "Guest", "get", { guest_name: "bench-20" })}`,
    },
    {
      name: "Guest list additional=true (50 guests)",
      path: `/webapi/entry.cgi?${vmmQuery(sid, "Guest", "list", { additional: "true" })}`,
    },
    {
      name: "internal Guest list v2 (50 guests)",
      path: `/webapi/entry.cgi?${new URLSearchParams({ api: "SYNO.Virtualization.Guest", version: "2", method: "list", _sid: sid })}`,
    },
    { name: "an error answer (119)", path: `/webapi/entry.cgi?${vmmQuery("expired", "Guest", "list")}` },
  ];
  const rows: string[] = [];
  for (const s of scenarios.filter((x) => only === undefined || x.name.includes(only))) {
    const url = `${emulator.url}${s.path}`;
    const bytes = await sizes(url);
    await load(emulator.url, emulator.pid, s.path, {});
    await load(emulator.url, emulator.pid, s.path, GZIP);
    const plain: Run[] = [];
    const zipped: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      const runs: [Run[], Record<string, string>][] =
        round % 2 === 0
          ? [
              [plain, {}],
              [zipped, GZIP],
            ]
          : [
              [zipped, GZIP],
              [plain, {}],
            ];
      for (const [into, headers] of runs) into.push(await load(emulator.url, emulator.pid, s.path, headers));
      process.stderr.write(`  gzip round ${round + 1}/${rounds}: ${s.name}\n`);
    }
    const m = (runs: Run[], key: keyof Run) => median(runs.map((r) => r[key]));
    const failures = [...plain, ...zipped].reduce((n, r) => n + r.failures, 0);
    rows.push(
      `| ${s.name} | ${bytes.plain} / ${bytes.zipped} | ${fmt(m(plain, "rps"))} / ${fmt(m(zipped, "rps"))} | ${fmt(m(zipped, "rps") / m(plain, "rps"), 2)}x | ${fmt(m(plain, "cpuUs"))} / ${fmt(m(zipped, "cpuUs"))} | ${fmt(m(plain, "p99"))} / ${fmt(m(zipped, "p99"))} | ${failures} |`,
    );
  }
  process.stdout.write(
    [
      `${rounds} alternating rounds of ${seconds} s, ${connections} connections, autocannon, medians.`,
      "",
      "| Scenario | Bytes plain / gzip | req/s plain / gzip | gzip / plain | CPU µs per request plain / gzip | p99 ms plain / gzip | Failed |",
      "|---|--:|--:|--:|--:|--:|--:|",
      ...rows,
      "",
    ].join("\n"),
  );
} finally {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
