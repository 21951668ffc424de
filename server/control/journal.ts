/**
 * The journal: the last N DSM calls and their answers, newest last, in a ring buffer, plus a
 * running count of calls answered 102 (no such API) or 103 (no such method), which is what a
 * real client uses that the emulator does not implement.
 *
 * By design: answers produced by a fault rule carry `fault_rule` and are left out of the
 * unimplemented summary, so an injected 102 is never mistaken for a missing API.
 */
import { redactParams } from "./redact";

export interface JournalEntry {
  /** 1, 2, 3, ... for the life of the emulator (a cleared journal keeps counting). */
  seq: number;
  /** When the call was answered, on the emulator's clock (ISO 8601). */
  at: string;
  cgi: string;
  api: string | null;
  method: string | null;
  version: number | null;
  params: Record<string, string>;
  success: boolean;
  code?: number;
  fault_rule?: string;
  /** What a fault rule did to the HTTP exchange (delay, reset, hang, malformed). */
  transport?: string;
  /** Wall-clock time spent answering (not counting an injected delay or hang). */
  duration_ms: number;
}

export interface JournalFilter {
  limit?: number;
  api?: string;
  method?: string;
  status?: "success" | "error";
  code?: number;
}

export interface UnimplementedCall {
  api: string;
  method: string;
  count: number;
}

/**
 * Distinct API/method pairs the summary keeps; a client sending garbage cannot grow it for ever
 * (with names cut to MAX_JOURNAL_NAME, about 256 KiB at most).
 */
const MAX_UNIMPLEMENTED = 1000;

/** Longest parameter value kept: 1,000 entries of 4 MiB bodies would otherwise hold 4 GiB. */
export const MAX_JOURNAL_VALUE = 1024;
/** Parameters kept per entry (a request may carry up to 256); with the value bound, 64 KiB an entry at most. */
export const MAX_JOURNAL_PARAMS = 64;
/** Longest API or method name kept, in the entries and in the unimplemented summary. */
export const MAX_JOURNAL_NAME = 128;

/**
 * A copy of the first `max` characters that shares nothing with `text`. V8's `slice` of a long
 * string keeps the whole string alive behind the short one: a journal of cut 4 MB names would
 * still hold the 4 MB names.
 */
function head(text: string, max: number): string {
  return Buffer.from(text.slice(0, max), "utf16le").toString("utf16le");
}

const cut = (name: string | null): string | null =>
  name === null || name.length <= MAX_JOURNAL_NAME ? name : `${head(name, MAX_JOURNAL_NAME)}…`;

/**
 * What the ring buffer holds: the call as answered. Redaction and the ISO time are applied
 * when the journal is read, not on every call (a hot path: every DSM call records one).
 */
type StoredEntry = Omit<JournalEntry, "at" | "params" | "code" | "fault_rule" | "transport"> & {
  atMs: number;
  params: Readonly<Record<string, string>>;
  // Always present (undefined when absent), so that every entry has one shape: a hot path.
  code: number | undefined;
  fault_rule: string | undefined;
  transport: string | undefined;
};

/** What a caller records: the stored entry before its sequence number. */
export type JournalRecord = Omit<StoredEntry, "seq">;

/**
 * The request's own parameters when they are few, with short names and values (no copy, the
 * common case), else a copy of the first MAX_JOURNAL_PARAMS, each name and value cut, and a
 * `…` entry saying how many were left out.
 */
function bounded(params: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const keys = Object.keys(params);
  const count = keys.length;
  let long = false;
  for (let i = 0; i < count && !long; i++) {
    const key = keys[i] as string;
    long = key.length > MAX_JOURNAL_NAME || (params[key]?.length ?? 0) > MAX_JOURNAL_VALUE;
  }
  if (!long && count <= MAX_JOURNAL_PARAMS) return params;
  const out: Record<string, string> = {};
  let kept = 0;
  for (const [key, value] of Object.entries(params)) {
    if (kept++ === MAX_JOURNAL_PARAMS) break;
    out[cut(key) ?? key] =
      value.length > MAX_JOURNAL_VALUE
        ? `${head(value, MAX_JOURNAL_VALUE)}… (${value.length - MAX_JOURNAL_VALUE} more characters)`
        : value;
  }
  if (count > MAX_JOURNAL_PARAMS) out["…"] = `${count - MAX_JOURNAL_PARAMS} more parameters`;
  return out;
}

export class Journal {
  readonly #capacity: number;
  #entries: StoredEntry[] = [];
  #start = 0;
  #seq = 0;
  readonly #unimplemented = new Map<string, UnimplementedCall>();
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  record(entry: JournalRecord): void {
    const full: StoredEntry = {
      seq: ++this.#seq,
      atMs: entry.atMs,
      cgi: entry.cgi,
      api: cut(entry.api),
      method: cut(entry.method),
      version: entry.version,
      params: bounded(entry.params),
      success: entry.success,
      code: entry.code,
      fault_rule: entry.fault_rule,
      transport: entry.transport,
      duration_ms: entry.duration_ms,
    };
    if (this.#entries.length < this.#capacity) this.#entries.push(full);
    else {
      this.#entries[this.#start] = full;
      this.#start = (this.#start + 1) % this.#capacity;
    }
    if ((entry.code === 102 || entry.code === 103) && entry.fault_rule === undefined)
      this.#countMissing(full);
  }

  entries(filter: JournalFilter = {}): JournalEntry[] {
    const ordered = [...this.#entries.slice(this.#start), ...this.#entries.slice(0, this.#start)];
    const kept = ordered.filter(
      (e) =>
        (filter.api === undefined || e.api === filter.api) &&
        (filter.method === undefined || e.method === filter.method) &&
        (filter.status === undefined || e.success === (filter.status === "success")) &&
        (filter.code === undefined || e.code === filter.code),
    );
    const limited = filter.limit === undefined ? kept : kept.slice(Math.max(0, kept.length - filter.limit));
    return limited.map((e) => ({
      seq: e.seq,
      at: new Date(e.atMs).toISOString(),
      cgi: e.cgi,
      api: e.api,
      method: e.method,
      version: e.version,
      params: redactParams(e.params),
      success: e.success,
      ...(e.code === undefined ? {} : { code: e.code }),
      ...(e.fault_rule === undefined ? {} : { fault_rule: e.fault_rule }),
      ...(e.transport === undefined ? {} : { transport: e.transport }),
      duration_ms: e.duration_ms,
    }));
  }

  unimplemented(): UnimplementedCall[] {
    return [...this.#unimplemented.values()].sort((a, b) => b.count - a.count || a.api.localeCompare(b.api));
  }

  clear(): void {
    this.#entries = [];
    this.#start = 0;
    this.#unimplemented.clear();
  }

  #countMissing(entry: { api: string | null; method: string | null }): void {
    const api = entry.api ?? "";
    const method = entry.method ?? "";
    const key = `${api}\n${method}`;
    const known = this.#unimplemented.get(key);
    if (known !== undefined) known.count++;
    else if (this.#unimplemented.size < MAX_UNIMPLEMENTED)
      this.#unimplemented.set(key, { api, method, count: 1 });
  }
}
