/**
 * The one place that writes DSM's answer envelope and headers. Every DSM-level answer,
 * success or error, is HTTP 200 with DSM's content type and no-cache header; clients reject
 * anything else. Keys come in DSM's order (`data`/`error` before `success`).
 */
import type { DsmErrorDetail } from "./errors";

export const DSM_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": 'application/json; charset="UTF-8"',
  "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate",
  Pragma: "no-cache",
  Expires: "0",
  // DSM's own, recorded in Home Assistant's issues; no client reads it.
  P3P: 'CP="IDC DSP COR ADM DEVi TAIi PSA PSD IVAi IVDi CONi HIS OUR IND CNT"',
  "X-Content-Type-Options": "nosniff",
};

/**
 * Answer data already serialised (a cached `Guest list`), written into the envelope as it is:
 * serialising a large list again on every poll was a third of the cost of answering it.
 */
export class RawJson {
  #envelope: Uint8Array | undefined;
  constructor(readonly text: string) {}
  /** The whole success answer around it, UTF-8 encoded once: the server writes it as it is. */
  get envelope(): Uint8Array {
    this.#envelope ??= Buffer.from(`{"data":${this.text},"success":true}`, "utf8");
    return this.#envelope;
  }
  /** For anything that serialises an answer itself (it then gets the same JSON). */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

export function successBody(data: unknown): string | Uint8Array {
  if (data === undefined) return '{"success":true}';
  if (data instanceof RawJson) return data.envelope;
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
