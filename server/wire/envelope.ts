/**
 * The one place that writes DSM's answer envelope and headers. Every DSM-level answer,
 * success or error, is HTTP 200 with DSM's content type and no-cache header; clients reject
 * anything else. Keys come in DSM's order (`data`/`error` before `success`).
 */
import type { DsmErrorDetail } from "./errors";

/** What a call answers, before the envelope is written: its data or its error, and its cookies. */
export type DsmAnswer =
  | { readonly success: true; readonly data: unknown; readonly cookies: readonly string[] }
  | {
      readonly success: false;
      readonly code: number;
      readonly errors?: DsmErrorDetail;
      readonly cookies: readonly string[];
    };

export const DSM_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": 'application/json; charset="UTF-8"',
  "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate",
  Pragma: "no-cache",
  Expires: "0",
  // DSM's own, recorded in Home Assistant's issues; no client reads it.
  P3P: 'CP="IDC DSP COR ADM DEVi TAIi PSA PSD IVAi IVDi CONi HIS OUR IND CNT"',
  "X-Content-Type-Options": "nosniff",
};

const OPEN = Buffer.from('{"data":');
/** Answers of at most this many characters (or bytes) are written as text (see RawJson.body). */
const SHORT_ANSWER = 16 * 1024;
const CLOSE = Buffer.from(',"success":true}');

/**
 * Answer data already serialised (a cached `Guest list`), written into the envelope as it is:
 * serialising a large list again on every poll was a third of the cost of answering it. The
 * data is JSON text, or its UTF-8 bytes in parts (a list's guests, each encoded once: joining
 * bytes is a copy, where joining and encoding 5 MB of text again after each change was not).
 */
export class RawJson {
  #envelope: Uint8Array | undefined;
  #short: string | undefined;
  readonly #data: string | readonly Uint8Array[];
  constructor(data: string | readonly Uint8Array[]) {
    this.#data = data;
  }
  /** The data's JSON text. */
  get text(): string {
    return typeof this.#data === "string" ? this.#data : Buffer.concat(this.#data).toString("utf8");
  }
  /** The whole success answer around it, UTF-8 encoded once: the server writes it as it is. */
  get envelope(): Uint8Array {
    this.#envelope ??=
      typeof this.#data === "string"
        ? Buffer.from(`{"data":${this.#data},"success":true}`, "utf8")
        : Buffer.concat([OPEN, ...this.#data, CLOSE]);
    return this.#envelope;
  }
  /**
   * What the server writes: a short answer as text, which Node sends in the same write as the
   * headers (bytes go as a second chunk through writev: about 2 µs more a call, measured on a
   * bare Node server); a long one as its bytes, encoded once.
   */
  get body(): string | Uint8Array {
    if (this.#short !== undefined) return this.#short;
    const length =
      typeof this.#data === "string" ? this.#data.length : this.#data.reduce((n, part) => n + part.length, 0);
    if (length > SHORT_ANSWER) return this.envelope;
    this.#short =
      typeof this.#data === "string"
        ? `{"data":${this.#data},"success":true}`
        : Buffer.from(this.envelope.buffer, this.envelope.byteOffset, this.envelope.byteLength).toString(
            "utf8",
          );
    return this.#short;
  }

  /** For anything that serialises an answer itself (it then gets the same JSON). */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * The answer kept for `key` (an array a store hands out unchanged while what it holds is the
 * same), made by `json` the first time: a list polled between changes is serialised once.
 */
export function keptAnswer<K extends object>(kept: WeakMap<K, RawJson>, key: K, json: () => string): RawJson {
  let answer = kept.get(key);
  if (answer === undefined) {
    answer = new RawJson(json());
    kept.set(key, answer);
  }
  return answer;
}

/** UTF-8 parts of a JSON array of `items` (each already encoded), between `open` and `close`. */
export function jsonArrayParts(open: string, items: readonly Uint8Array[], close: string): Uint8Array[] {
  const parts: Uint8Array[] = [Buffer.from(`${open}[`)];
  items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(item);
  });
  parts.push(Buffer.from(`]${close}`));
  return parts;
}
const COMMA = Buffer.from(",");

export function successBody(data: unknown): string | Uint8Array {
  if (data === undefined) return '{"success":true}';
  if (data instanceof RawJson) return data.body;
  return `{"data":${JSON.stringify(data)},"success":true}`;
}

export function errorBody(code: number, errors?: DsmErrorDetail): string {
  const error = errors === undefined ? { code } : { code, errors };
  return `{"error":${JSON.stringify(error)},"success":false}`;
}

export function dsmResponse(body: string | Uint8Array, status = 200, extraHeaders?: Headers): Response {
  if (extraHeaders === undefined) {
    // A plain (fresh: the server adds Content-Length to it) object lets @hono/node-server write
    // the answer without converting a Headers instance on every call.
    return new Response(body, { status, headers: { ...DSM_HEADERS } });
  }
  const headers = new Headers(DSM_HEADERS);
  for (const [k, v] of extraHeaders) headers.append(k, v);
  return new Response(body, { status, headers });
}
