/**
 * Abuse limits: what one client can make the emulator hold or do. Shared CI runners start many
 * emulators and many clients; a buggy or hostile client must not stall or exhaust one.
 *
 * - Request line and headers: at most 16 KiB (Node's `maxHeaderSize`), so a GET's query string,
 *   and with it every GET parameter, is bounded; beyond it Node answers 431 and closes.
 * - Parameters: at most `MAX_PARAMS` (256) per request, query and body together; more answer HTTP
 *   413 with the envelope (code 101). The web UI's largest form sends about 30.
 * - Request body: at most `MAX_BODY_BYTES` (4 MiB); beyond it the answer is HTTP 413 with the DSM
 *   error envelope (code 101: the parameters could not be read), and no more than the limit is
 *   ever buffered. The largest valid call (Guest create with 512 vdisks and 64 vNICs) is under
 *   64 KiB; the limit is looser so that the core tests' 2 MB body is still read and answered.
 * - Slow clients: the headers must arrive within 10 s and the whole request within 30 s, checked
 *   every second (Node checks every 30 s by default, which lets a slow-loris hold a socket far
 *   longer than its timeout). Idle keep-alive sockets close after 5 s.
 * - Answers are never cut by a timeout: a fault rule's `hang` or `delay` holds the answer on
 *   purpose, and the client decides how long to wait.
 *
 * Gaps: DSM sits behind nginx with its own limits (1 MiB bodies on stock DSM 7); the emulator's
 * are stricter, and no valid VMM call comes near either.
 */
import type { ServerOptions } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { dsmResponse, errorBody } from "./envelope";

export const MAX_BODY_BYTES = 4 * 1024 * 1024;
export const MAX_PARAMS = 256;
export const MAX_HEADER_BYTES = 16 * 1024;
/** A whole request (headers and an ordinary body) must arrive within this. */
export const REQUEST_MS = 30_000;
/** An upload that sends nothing for this long is abandoned (408). */
export const UPLOAD_IDLE_MS = 60_000;

/** Options for `http.createServer` (`serve({ serverOptions })` of @hono/node-server). */
export const SERVER_OPTIONS: ServerOptions = {
  maxHeaderSize: MAX_HEADER_BYTES,
  headersTimeout: 10_000,
  // Node's own request timeout would cut an upload of a few GB; the body deadline is the HTTP
  // layer's instead (REQUEST_MS for ordinary bodies, an idle timeout for uploads).
  requestTimeout: 0,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
};

/**
 * Refuses bodies over `maxBytes` with HTTP 413 and the DSM envelope, reading no more than that;
 * calls `exempt` says are uploads are limited by the upload rules instead (upload.ts).
 */
export function requestLimits(exempt: (c: Context) => boolean, maxBytes = MAX_BODY_BYTES): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    // The rest of the body is never read: close the connection so no client reuses it mid-body.
    onError: () => dsmResponse(errorBody(101), 413, new Headers({ Connection: "close" })),
  });
  // Only POST bodies are read (http.ts). Looking at a GET's body would make @hono/node-server
  // build a full Request for every call: 10% of a Guest list's time under load.
  return (c, next) => (c.req.method === "POST" && !exempt(c) ? limit(c, next) : next());
}
