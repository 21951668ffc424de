/**
 * The journal: the last N DSM calls and their answers, newest last, in a ring buffer, plus a
 * running count of calls answered 102 (no such API) or 103 (no such method), which is what a
 * real client uses that the emulator does not implement.
 *
 * By design: answers produced by a fault rule carry `fault_rule` and are left out of the
 * unimplemented summary, so an injected 102 is never mistaken for a missing API.
 */
import { DSM_HEADERS, HSTS, P3P } from "../wire/envelope";
import { redactBody, redactCookie, redactParams } from "./redact";

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
  /** The answer as sent (before a transport fault), secrets redacted; absent for calls recorded without one. */
  response?: JournalResponse;
}

export interface JournalResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** The first MAX_JOURNAL_BODY characters of the body. */
  body: string;
  /** How many characters of the body were left out. */
  truncated?: number;
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
 * Longest answer body kept: 16 KiB, so 1,000 entries hold 16 MiB of bodies at most (a list of a
 * few dozen guests fits whole; a larger one is cut, and says by how much).
 */
export const MAX_JOURNAL_BODY = 16 * 1024;

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
type StoredEntry = Omit<JournalEntry, "at" | "params" | "code" | "fault_rule" | "transport" | "response"> & {
  atMs: number;
  params: Readonly<Record<string, string>>;
  // Always present (undefined when absent), so that every entry has one shape: a hot path.
  code: number | undefined;
  fault_rule: string | undefined;
  transport: string | undefined;
  body: string | undefined;
  /** The body redacted, made on its first read and kept (a regex over 16 KiB is not free; entries never change). */
  redacted: string | undefined;
  /** Characters of the body left out. */
  cut: number;
  cookies: readonly string[] | undefined;
  secure: boolean;
  /** Sent gzipped (the request accepted gzip); the journal keeps the JSON text. */
  gzip: boolean;
};

/** What a caller records: the call and, when it has one, the answer as sent. */
export type JournalRecord = Omit<
  StoredEntry,
  "seq" | "body" | "redacted" | "cut" | "cookies" | "secure" | "gzip"
> & {
  body?: string | Uint8Array | undefined;
  cookies?: readonly string[] | undefined;
  secure?: boolean | undefined;
  gzip?: boolean | undefined;
};

/** A body's kept part and cut, by its bytes. */
interface KeptBody {
  readonly text: string | undefined;
  readonly cut: number;
}

/**
 * What the journal keeps of each answer sent as bytes (a kept Guest list's envelope, the same
 * bytes on every poll until the list changes): decoding and copying its head on every call was
 * a quarter of a 50-guest Guest list's CPU (bench/profile.ts guest-list).
 */
const keptHeads = new WeakMap<Uint8Array, KeptBody>();

/**
 * The body kept: the answer's own string when it is short (no copy: the common case), else a
 * copy of its head that shares nothing with it; bytes (a cached list) decoded head only, once.
 */
function keptBody(body: string | Uint8Array | undefined): KeptBody {
  if (body === undefined) return { text: undefined, cut: 0 };
  if (typeof body === "string") {
    if (body.length <= MAX_JOURNAL_BODY) return { text: body, cut: 0 };
    return { text: head(body, MAX_JOURNAL_BODY), cut: body.length - MAX_JOURNAL_BODY };
  }
  let kept = keptHeads.get(body);
  if (kept === undefined) {
    kept = bytesHead(body);
    keptHeads.set(body, kept);
  }
  return kept;
}

function bytesHead(body: Uint8Array): KeptBody {
  // UTF-8: a character is at most 4 bytes, so this many bytes hold the characters kept.
  const bytes = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, MAX_JOURNAL_BODY * 4));
  const text = bytes.toString("utf8");
  if (body.byteLength <= bytes.byteLength && text.length <= MAX_JOURNAL_BODY) return { text, cut: 0 };
  // The rest is counted in bytes, not decoded: an estimate of what was left out is enough.
  const kept = text.slice(0, MAX_JOURNAL_BODY);
  return { text: head(kept, MAX_JOURNAL_BODY), cut: Math.max(1, body.byteLength - Buffer.byteLength(kept)) };
}

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

/** The answer's headers as the emulator sent them, and its body, secrets redacted. */
function response(e: StoredEntry): JournalResponse {
  // DSM's header set as answerResponse writes it (wire/envelope.ts); the body is shown as JSON
  // text even when it went gzipped.
  const headers: Record<string, string | string[]> = { ...DSM_HEADERS, Vary: "Accept-Encoding" };
  if (e.api === "SYNO.API.Auth") headers.P3P = P3P;
  if (e.cookies !== undefined && e.cookies.length > 0) headers["Set-Cookie"] = e.cookies.map(redactCookie);
  if (e.secure) headers["Strict-Transport-Security"] = HSTS;
  if (e.gzip) headers["Content-Encoding"] = "gzip";
  if (e.redacted === undefined) e.redacted = redactBody(e.body ?? "");
  return {
    status: 200,
    headers,
    body: e.redacted,
    ...(e.cut > 0 ? { truncated: e.cut } : {}),
  };
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
    const kept = keptBody(entry.body);
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
      body: kept.text,
      redacted: undefined,
      cut: kept.cut,
      cookies: entry.cookies,
      secure: entry.secure === true,
      gzip: entry.gzip === true,
    };
    if (this.#entries.length < this.#capacity) this.#entries.push(full);
    else {
      this.#entries[this.#start] = full;
      this.#start = (this.#start + 1) % this.#capacity;
    }
    if ((entry.code === 102 || entry.code === 103) && entry.fault_rule === undefined)
      this.#countMissing(full);
  }

  /** How many calls it holds now. */
  get size(): number {
    return this.#entries.length;
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
      ...(e.body === undefined ? {} : { response: response(e) }),
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
