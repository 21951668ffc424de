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
 * - Slow clients: the TLS handshake and the headers must arrive within 10 s and a whole body
 *   within 30 s (the deadline starts before anything reads it, chunked bodies and `/__admin`
 *   included), checked every second (Node checks every 30 s by default, which lets a slow-loris
 *   hold a socket far longer than its timeout). Idle keep-alive sockets close after 5 s, and so
 *   do HTTP/2 sessions with no stream open. The same limits hold on the HTTP and HTTPS ports.
 * - A refused connection is let go: after a 400, 408, 413 or 431 that closes the connection the
 *   socket is destroyed once the answer is flushed, or after 2 s if the client does not read it
 *   (a half-closed socket would otherwise stay as long as the client likes).
 * - Encrypted logins: the RSA block of each is opened on a worker thread, at most
 *   `MAX_RSA_WAITING` (32) waiting; beyond, the login is refused unread. A batch carries at most
 *   `MAX_BATCH_CALLS` (256) calls in all, never a batch (however its method is spelled), and at
 *   most `MAX_BATCH_LOGINS` (4) logins; the elements beyond answer 113 (security/rsa-pool.ts,
 *   wire/dispatcher.ts).
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
/** Calls one request may make, counted across the whole request (a batch's elements). */
export const MAX_BATCH_CALLS = 256;
/**
 * Calls with a costly step before their transaction (a login: RSA, a password hash) one batch may
 * carry; no client batches logins, and each costs milliseconds of CPU.
 */
export const MAX_BATCH_LOGINS = 4;
/** A whole request (headers and an ordinary body) must arrive within this. */
export const REQUEST_MS = 30_000;
/** An upload that sends nothing for this long is abandoned (408). */
export const UPLOAD_IDLE_MS = 60_000;

/** The time limits of a connection, the same on both ports; tests pass short ones. */
export interface WireLimits {
  /** The TLS handshake, and then the request line and headers, must arrive within this. */
  readonly headersMs: number;
  /** A whole (non-upload) request body must arrive within this, counted from its headers. */
  readonly requestMs: number;
  /** An idle keep-alive connection, or an HTTP/2 session with no open stream, closes after this. */
  readonly keepAliveMs: number;
  /** An upload that sends nothing for this long is abandoned. */
  readonly uploadIdleMs: number;
  /** How long a refused connection's answer may take to flush before its socket is destroyed. */
  readonly lingerMs: number;
  /** How often Node checks the header and request deadlines. */
  readonly checkMs: number;
}

export const DEFAULT_LIMITS: WireLimits = {
  headersMs: 10_000,
  requestMs: REQUEST_MS,
  keepAliveMs: 5_000,
  uploadIdleMs: UPLOAD_IDLE_MS,
  lingerMs: 2_000,
  checkMs: 1_000,
};

/** Options for `http.createServer`, under `limits`. */
export function serverOptions(limits: WireLimits = DEFAULT_LIMITS): ServerOptions {
  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: limits.headersMs,
    // Node's own request timeout would cut an upload of a few GB; the body deadline is the HTTP
    // layer's instead (requestMs for ordinary bodies, an idle timeout for uploads).
    requestTimeout: 0,
    keepAliveTimeout: limits.keepAliveMs,
    connectionsCheckingInterval: limits.checkMs,
  };
}

/** Options for `http.createServer` (`serve({ serverOptions })` of @hono/node-server). */
export const SERVER_OPTIONS: ServerOptions = serverOptions();

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

/**
 * Answers `refuse(c)` (a 408 that closes the connection) when the request's body is still not
 * whole `ms` after its headers: started before anything reads the body (a size limit counting a
 * chunked body reads it whole first), so a body that dribbles in cannot hold its socket. GET and
 * HEAD, a body already whole, socket-less calls and calls `exempt` names (uploads, limited by
 * their own idle timeout) are not timed. Only the body is: an answer a fault rule holds back
 * comes after the body and is never cut.
 */
export function bodyDeadline(
  ms: number,
  refuse: (c: Context) => Response,
  exempt: (c: Context) => boolean = () => false,
): MiddlewareHandler {
  return async (c, next) => {
    const incoming = (c.env as { incoming?: { complete: boolean } } | undefined)?.incoming;
    if (c.req.method === "GET" || c.req.method === "HEAD" || incoming === undefined || incoming.complete)
      return next();
    if (exempt(c)) return next();
    const running = next();
    const outcome = await new Promise<"done" | "late">((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!incoming.complete) resolve("late");
      }, ms);
      running.then(
        () => {
          clearTimeout(timer);
          resolve("done");
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
    if (outcome === "late") return refuse(c);
  };
}
