/** Load generation with autocannon, and the small statistics the tables need. */
import autocannon, { type RequestSpec } from "autocannon";

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers that were not DSM successes (or not 2xx), plus socket errors and timeouts. */
  readonly failures: number;
  readonly requests: number;
}

export interface LoadSpec {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  /** The request sequence of connection `i` (each connection loops over its own). */
  readonly sequence: (connection: number) => readonly { path: string; method?: string; body?: string }[];
}

const OK_TAIL = '"success":true}';

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let failures = 0;
  let next = 0;
  const track = (steps: readonly { path: string; method?: string; body?: string }[]): RequestSpec[] =>
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

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The median of each field over several results of the same scenario. */
export function medianResult(results: readonly LoadResult[]): LoadResult {
  return {
    rps: median(results.map((r) => r.rps)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    requests: results.reduce((sum, r) => sum + r.requests, 0),
  };
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "n/a";
