/**
 * The one place that writes DSM's answer envelope and headers. Every DSM-level answer,
 * success or error, is HTTP 200 with DSM's content type and no-cache header; clients reject
 * anything else. Keys come in DSM's order (`data`/`error` before `success`).
 *
 * The headers are DSM 7's on `entry.cgi`, as Home Assistant's debug logs recorded them (issues
 * #54238, #64867, #148837 in home-assistant/core): nginx's `Server`, the CGI's content type,
 * `nosniff`, `X-XSS-Protection` and the no-cache trio; `Vary` on the answers nginx may gzip.
 * `Date`, `Connection` and `Keep-Alive` are Node's own (see docs/differences.md).
 */
import type { DsmErrorDetail } from "./errors";
import { gzipped } from "./gzip";

/** What a call answers, before the envelope is written: its data or its error, and its cookies. */
export type DsmAnswer =
  | { readonly success: true; readonly data: unknown; readonly cookies: readonly string[] }
  | {
      readonly success: false;
      readonly code: number;
      readonly errors?: DsmErrorDetail;
      readonly cookies: readonly string[];
    };

const SERVER = "nginx";
const CONTENT_TYPE = 'application/json; charset="UTF-8"';
const XSS = "1; mode=block";
const NO_CACHE = "max-age=0, no-cache, no-store, must-revalidate";

/** On every answer, the envelope's and the ones Node writes itself (400, 408, 413, 417, 431). */
export const DSM_HEADERS: Readonly<Record<string, string>> = {
  Server: SERVER,
  "Content-Type": CONTENT_TYPE,
  "X-Content-Type-Options": "nosniff",
  "X-XSS-Protection": XSS,
  "Cache-Control": NO_CACHE,
  Pragma: "no-cache",
  Expires: "0",
};

/** DSM's privacy policy header, recorded on login answers (and DSM 6's query.cgi); no client reads it. */
export const P3P = 'CP="IDC DSP COR ADM DEVi TAIi PSA PSD IVAi IVDi CONi HIS OUR IND CNT"';

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
  #gzipped: Uint8Array | Promise<Uint8Array> | undefined;
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

  /** The success answer gzipped, compressed once however often it is asked for (a polled list). */
  gzipped(): Uint8Array | Promise<Uint8Array> {
    if (this.#gzipped === undefined) {
      const made = gzipped(this.envelope);
      this.#gzipped = made;
      // A failed compression is not kept: the next answer tries again.
      if (made instanceof Promise) made.catch(() => (this.#gzipped = undefined));
    }
    return this.#gzipped;
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

/** DSM's HSTS on HTTPS, as recorded (HA issue #54238; DSM sends it when its HSTS option is on). */
export const HSTS = "max-age=15768000; includeSubdomains; preload";

/** What a DSM answer's headers add to DSM_HEADERS. */
export interface AnswerHeaders {
  /** Over TLS. */
  readonly hsts: boolean;
  /** The body is gzipped (gzip.ts). */
  readonly gzip: boolean;
  /** A login (`SYNO.API.Auth`) answer. */
  readonly p3p: boolean;
}

/**
 * A DSM answer (HTTP 200): DSM_HEADERS, `Vary` (nginx may gzip it), `Content-Length` and the
 * answer's own headers and cookies. The headers are built as an object literal with the length
 * already in it: a spread copy of DSM_HEADERS, to which the adapter then added
 * `Content-Length`, cost about 6 µs an answer (V8 gives such copies a slow shape), more than
 * gzipping a short answer does.
 */
export function answerResponse(
  body: string | Uint8Array,
  how: AnswerHeaders,
  cookies: readonly string[],
): Response {
  const headers: Record<string, string> = {
    Server: SERVER,
    "Content-Type": CONTENT_TYPE,
    Vary: "Accept-Encoding",
    "X-Content-Type-Options": "nosniff",
    "X-XSS-Protection": XSS,
    "Cache-Control": NO_CACHE,
    Pragma: "no-cache",
    Expires: "0",
    "Content-Length": String(typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.byteLength),
  };
  if (how.p3p) headers.P3P = P3P;
  if (how.hsts) headers["Strict-Transport-Security"] = HSTS;
  if (how.gzip) headers["Content-Encoding"] = "gzip";
  if (cookies.length === 0) return new Response(body, { status: 200, headers });
  const all = new Headers(headers);
  for (const cookie of cookies) all.append("Set-Cookie", cookie);
  return new Response(body, { status: 200, headers: all });
}
