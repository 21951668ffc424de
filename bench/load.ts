/**
 * Load generation with autocannon (in this process) or wrk (a C program, when installed: it
 * costs the machine less per request, so on 2 cores more of the CPU is left to the server), the
 * server's own CPU time per request read from /proc, and the small statistics the tables need.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon, { type RequestSpec } from "autocannon";

export type Generator = "autocannon" | "wrk";

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers that were not DSM successes (or not 2xx), plus socket errors and timeouts. */
  readonly failures: number;
  readonly requests: number;
  /** The server's CPU time (user + system, all its threads) per answered request, in µs. */
  readonly cpuUs: number;
  /**
   * The CPU time of the server's main thread (its event loop) per answered request, in µs: how
   * long each call kept every other call waiting, whatever ran beside it on the thread pool.
   */
  readonly loopUs: number;
}

export interface Step {
  readonly path: string;
  readonly method?: string;
  readonly body?: string;
}

export interface LoadSpec {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  /** The request sequence of connection `i` (each connection loops over its own). */
  readonly sequence: (connection: number) => readonly Step[];
  /** Whether connections differ (then wrk runs one connection per thread, each with its sequence). */
  readonly perConnection?: boolean;
  /** The server's pid, whose CPU time is read before and after. */
  readonly pid: number;
}

const OK_TAIL = '"success":true}';

/** wrk's path, or undefined when it is not installed (`apt-get install wrk` on Debian). */
export function wrkPath(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v wrk"], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path !== "" ? path : undefined;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * A process's CPU time so far (user + system, every thread), in µs, from /proc/<pid>/stat; with
 * `mainThread`, its main thread's alone (/proc/<pid>/task/<pid>/stat).
 */
export function cpuTimeUs(pid: number, mainThread = false): number {
  const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8");
  // The command name may hold spaces and parentheses: fields are counted after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / CLOCK_TICKS) * 1e6;
}

export async function runLoad(spec: LoadSpec, generator: Generator = "autocannon"): Promise<LoadResult> {
  const cpuBefore = cpuTimeUs(spec.pid);
  const loopBefore = cpuTimeUs(spec.pid, true);
  const r = generator === "wrk" ? runWrk(spec) : await runAutocannon(spec);
  const requests = Math.max(1, r.requests);
  const cpuUs = (cpuTimeUs(spec.pid) - cpuBefore) / requests;
  const loopUs = (cpuTimeUs(spec.pid, true) - loopBefore) / requests;
  return { ...r, cpuUs, loopUs };
}

async function runAutocannon(spec: LoadSpec): Promise<Omit<LoadResult, "cpuUs" | "loopUs">> {
  let failures = 0;
  let next = 0;
  const track = (steps: readonly Step[]): RequestSpec[] =>
    steps.map((s) => ({
      path: s.path,
      method: s.method ?? "GET",
      ...(s.body === undefined
        ? {}
        : { body: s.body, headers: { "content-type": "application/x-www-form-urlencoded" } }),
      onResponse: (status: number, body: string) => {
        if (status !== 200 || !body.endsWith(OK_TAIL)) failures++;
      },
    }));
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 10,
    requests: track(spec.sequence(0)),
    setupClient: (client) => client.setRequests(track(spec.sequence(next++))),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: failures + result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

const lua = (s: string) => JSON.stringify(s);

/**
 * wrk with a generated Lua script: each thread loops over its own sequence and counts answers
 * that are not DSM successes; `done` prints one JSON line. Connections that need a sequence of
 * their own (a guest each) get a thread each, since wrk's requests are per thread, not per
 * connection; the others share one thread, wrk's cheapest setting.
 */
function runWrk(spec: LoadSpec): Omit<LoadResult, "cpuUs" | "loopUs"> {
  const wrk = wrkPath();
  if (wrk === undefined) throw new Error("wrk is not installed");
  const threads = spec.perConnection === true ? spec.connections : 1;
  const sequences = Array.from({ length: threads }, (_, i) =>
    spec.sequence(i).map((s) => {
      const body = s.body === undefined ? "nil" : lua(s.body);
      const headers = s.body === undefined ? "nil" : '{["content-type"]="application/x-www-form-urlencoded"}';
      return `{${lua(s.method ?? "GET")}, ${lua(s.path)}, ${headers}, ${body}}`;
    }),
  );
  const script = `
local sequences = { ${sequences.map((steps) => `{ ${steps.join(", ")} }`).join(",\n")} }
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  failures = 0
  step = 0
  requests = {}
  for i, s in ipairs(sequences[(id % #sequences) + 1]) do
    requests[i] = wrk.format(s[1], s[2], s[3], s[4])
  end
end
function request()
  step = step % #requests + 1
  return requests[step]
end
function response(status, headers, body)
  if status ~= 200 or string.sub(body, -${OK_TAIL.length}) ~= ${lua(OK_TAIL)} then
    failures = failures + 1
  end
end
function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + t:get("failures") end
  local e = summary.errors
  io.write(string.format('\\n{"requests":%d,"us":%d,"p50":%f,"p99":%f,"failures":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    failed + e.connect + e.read + e.write + e.timeout))
end
`;
  const dir = mkdtempSync(join(tmpdir(), "vmm-wrk-"));
  try {
    const file = join(dir, "script.lua");
    writeFileSync(file, script);
    const run = spawnSync(
      wrk,
      [
        `-t${threads}`,
        `-c${spec.connections}`,
        `-d${spec.seconds}s`,
        "--timeout",
        "10s",
        "-s",
        file,
        spec.url,
      ],
      { encoding: "utf8", timeout: (spec.seconds + 30) * 1000 },
    );
    const line = run.stdout
      .split("\n")
      .reverse()
      .find((l) => l.startsWith('{"requests"'));
    if (line === undefined) throw new Error(`wrk gave no result: ${run.stderr || run.stdout}`);
    const r = JSON.parse(line) as {
      requests: number;
      us: number;
      p50: number;
      p99: number;
      failures: number;
    };
    return {
      rps: r.requests / (r.us / 1e6),
      p50: r.p50,
      p99: r.p99,
      failures: r.failures,
      requests: r.requests,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The median of each field over several results of the same scenario. */
export function medianResult(results: readonly LoadResult[]): LoadResult {
  return {
    rps: median(results.map((r) => r.rps)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    cpuUs: median(results.map((r) => r.cpuUs)),
    loopUs: median(results.map((r) => r.loopUs)),
  };
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "n/a";
