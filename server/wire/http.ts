/**
 * The HTTP face of the WebAPI: DSM's three CGI paths (and the path-info form of entry.cgi),
 * GET query parameters merged with a form-encoded POST body, and the envelope on every answer.
 * Anything the dispatcher did not expect is logged and answered as DSM error 100, never as a
 * stack trace or an HTML page.
 *
 * Fault injection is an explicit hooks argument of the dispatcher: the control plane's verdict
 * is taken after the session check (so rules can match on the account), and this layer then
 * delays, drops or garbles the exchange when the verdict says so.
 */

import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { Hono } from "hono";
import { CGIS, type Cgi, methodSpec } from "../../contract/apis";
import {
  type DispatchEnv,
  type DispatchHooks,
  type DsmAnswer,
  type DsmRequest,
  dispatch,
  type TransportFault,
} from "./dispatcher";
import { answerResponse, dsmResponse, errorBody, RawJson, successBody } from "./envelope";
import { clientLeft } from "./errors";
import { acceptsGzip, gzipped } from "./gzip";
import { bodyDeadline, MAX_PARAMS, requestLimits } from "./limits";
import { printable } from "./printable";
import { sessionExists } from "./session";
import { shapeResponse } from "./shape";
import { readUpload, removeUpload, type Upload, type UploadOptions } from "./upload";

/** One answered call, for the journal and the request log. */
export interface Exchange {
  readonly req: DsmRequest;
  readonly answer: DsmAnswer;
  readonly faultRule: string | undefined;
  readonly transport: TransportFault | undefined;
  readonly durationMs: number;
  /** The answer's body as sent (before any transport fault changes it), for the journal. */
  readonly body?: string | Uint8Array;
  /** Whether it came over HTTPS (the answer then carries HSTS). */
  readonly secure?: boolean;
  /** Whether the answer went gzipped (the request accepted gzip). */
  readonly gzip?: boolean;
}

/** How long a request body may take, and what an upload may be. */
export interface BodyLimits {
  /** A whole (non-upload) request body must arrive within this (else 408). */
  readonly requestMs: number;
  readonly upload: Omit<UploadOptions, "part">;
}

export interface WebApiOptions {
  readonly log: (line: string) => void;
  readonly limits: BodyLimits;
  /** Called with every answer (before any transport fault acts), for the journal and request log. */
  readonly onAnswer?: (exchange: Exchange) => void;
  readonly hooks?: DispatchHooks;
  /** Aborted when the emulator closes: answers held back by a delay or a hang are let go. */
  readonly shutdown?: AbortSignal;
}

export function webApiRoutes(env: DispatchEnv, options: WebApiOptions): Hono {
  const app = new Hono();
  const handle = async (c: Context, cgi: Cgi, pathApi: string | undefined) => {
    // HEAD answers DSM's headers and runs nothing: a HEAD of `method=delete` must not delete.
    if (c.req.method === "HEAD") return dsmResponse("", 200);
    const started = performance.now();
    // An upload's file is kept only for a call whose session exists (upload.ts).
    const mayKeep = (params: Readonly<Record<string, string>>, cookies: Readonly<Record<string, string>>) =>
      sessionExists(env.store, { params, cookies }, env.clock.now(), env.config.sessionTimeout * 1000);
    const req = await readRequest(c, cgi, pathApi, options.limits, mayKeep);
    if (req instanceof Response) return req;
    let answer: DsmAnswer;
    let verdict: Awaited<ReturnType<typeof dispatch>>["verdict"];
    try {
      ({ answer, verdict } = await dispatch(env, req, options.hooks));
    } catch (err) {
      if (clientLeft(err)) return dsmResponse(errorBody(101), 400, new Headers({ Connection: "close" }));
      options.log(
        `unexpected fault in ${printable(req.params.api ?? "?")}.${printable(req.params.method ?? "?")}: ${describe(err)}`,
      );
      answer = { success: false, code: 100, cookies: [] };
    }
    // What a failed call wrote is not kept: a refused upload must not fill the disk.
    if (!answer.success) removeUpload(req.upload);
    const transport = verdict?.transport;
    const body = bodyOf(answer);
    const secure = isSecure(c);
    const how: AnswerHow = {
      secure,
      gzip: acceptsGzip(headerOf(c, "accept-encoding")),
      login: (req.params.api || pathApi) === "SYNO.API.Auth",
    };
    options.onAnswer?.({
      req,
      answer,
      faultRule: verdict?.ruleId,
      transport,
      durationMs: performance.now() - started,
      body,
      secure,
      gzip: how.gzip,
    });
    if (transport === undefined) {
      const shapes = verdict?.shapes ?? [];
      const res = render(answer, how, body);
      return res instanceof Promise ? res.then((r) => shapeResponse(r, shapes)) : shapeResponse(res, shapes);
    }
    return applyTransportFault(c, transport, answer, how, options.shutdown);
  };
  // The body deadline (408) and size limit (413) before any route reads a body (uploads have
  // their own): see limits.ts.
  app.use(
    "/webapi/*",
    bodyDeadline(
      options.limits.requestMs,
      () => dsmResponse(errorBody(101), 408, new Headers({ Connection: "close" })),
      (c) => uploadPartOf(c, pathApiOf(c)) !== undefined,
    ),
  );
  app.use(
    "/webapi/*",
    requestLimits((c) => uploadPartOf(c, pathApiOf(c)) !== undefined),
  );
  for (const cgi of CGIS) {
    app.on(["GET", "POST"], `/webapi/${cgi}`, (c) => handle(c, cgi, undefined));
    // Path-info: `entry.cgi/<API>` names the API. With more segments (`entry.cgi/webapi/auth.cgi`,
    // seen from clients that join URLs badly) only a first segment that is an API name counts.
    app.on(["GET", "POST"], `/webapi/${cgi}/*`, (c) => handle(c, cgi, pathApiOf(c)));
  }
  return app;
}

/** What an answer's headers depend on besides the answer. */
export interface AnswerHow {
  /** Over TLS: HSTS. */
  readonly secure: boolean;
  /** The request accepts gzip: the body is gzipped (gzip.ts). */
  readonly gzip: boolean;
  /** A `SYNO.API.Auth` call: DSM adds its P3P header. */
  readonly login: boolean;
}
const PLAIN: AnswerHow = { secure: false, gzip: false, login: false };

/** The envelope's JSON text (or bytes, for a cached list), written once per answer. */
export function bodyOf(answer: DsmAnswer): string | Uint8Array {
  return answer.success ? successBody(answer.data) : errorBody(answer.code, answer.errors);
}

/** The DSM answer: envelope, DSM's headers, gzipped when asked (off the event loop when large). */
export function render(
  answer: DsmAnswer,
  how: AnswerHow = PLAIN,
  body = bodyOf(answer),
): Response | Promise<Response> {
  const headers = { hsts: how.secure, gzip: how.gzip, p3p: how.login };
  if (!how.gzip) return answerResponse(body, headers, answer.cookies);
  // A kept answer (a list polled between changes) is compressed once.
  const zipped = answer.success && answer.data instanceof RawJson ? answer.data.gzipped() : gzipped(body);
  return zipped instanceof Promise
    ? zipped.then((bytes) => answerResponse(bytes, headers, answer.cookies))
    : answerResponse(zipped, headers, answer.cookies);
}

/** Whether the request came over TLS (the HTTPS port). */
function isSecure(c: Context): boolean {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return (incoming?.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
}

/**
 * A request header. Under @hono/node-server the raw Node headers are read directly: touching
 * `c.req.header()` builds a whole `Headers` object on each call, a measurable share of a
 * small answer's cost. Socket-less (`app.fetch`) calls have no Node request and use Hono's.
 */
export function headerOf(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming === undefined) return c.req.header(name);
  // HTTP/2 has no Host header: its :authority is the same thing.
  const value = incoming.headers[name] ?? (name === "host" ? incoming.headers[":authority"] : undefined);
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * Path-info: `entry.cgi/<API>` names the API. With more segments (`entry.cgi/webapi/auth.cgi`,
 * seen from clients that join URLs badly) only a first segment that is an API name counts.
 */
function pathApiOf(c: Context): string | undefined {
  const [, , , first = ""] = c.req.path.split("/");
  if (!first.startsWith("SYNO.")) return undefined;
  try {
    return decodeURIComponent(first);
  } catch {
    // Not an API name DSM has (a broken escape): 102, as any unknown API.
    return first;
  }
}

/** Raised when a request carries more than MAX_PARAMS parameters. */
class TooManyParameters extends Error {}

/** Adds `pairs` to `params` (a repeated name keeps its last value), at most MAX_PARAMS names in all. */
function collect(params: Record<string, string>, pairs: Iterable<[string, string]>): void {
  let count = Object.keys(params).length;
  for (const [k, v] of pairs) {
    if (!(k in params) && ++count > MAX_PARAMS) throw new TooManyParameters();
    params[k] = v;
  }
}

/** The query's parameters (a repeated name keeps its last value). */
export function queryOf(href: string): Record<string, string> {
  const params: Record<string, string> = {};
  const q = href.indexOf("?");
  if (q >= 0) collect(params, queryPairs(href.slice(q + 1)));
  return params;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, control characters included
const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * The query's name-value pairs, as URLSearchParams reads them. The adapter's URL is ASCII (the
 * URL parser escapes everything else), so a query with no `%` or `+` decodes to itself and is
 * split directly; building a URLSearchParams and iterating it was about 3 µs of every call
 * (bench/profile.ts). Anything else, or a query URLSearchParams trims (a leading `?`), goes
 * through URLSearchParams itself.
 */
export function queryPairs(query: string): Iterable<[string, string]> {
  if (query.includes("%") || query.includes("+") || query.startsWith("?") || NOT_ASCII.test(query))
    return new URLSearchParams(query);
  const pairs: [string, string][] = [];
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    pairs.push(eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  return pairs;
}

/** The multipart part a call uploads its file in, when it names an upload method (spec `upload`). */
export function uploadPartOf(c: Context, pathApi: string | undefined): string | undefined {
  let query: Record<string, string>;
  try {
    query = queryOf(c.req.url);
  } catch {
    return undefined; // too many parameters: refused when the request is read
  }
  const api = query.api || pathApi;
  return api === undefined || query.method === undefined ? undefined : methodSpec(api, query.method)?.upload;
}

/**
 * The request: query and body parameters merged (the body's win), cookies, address. A body
 * that takes longer than the request deadline answers 408; an upload that fails its limits
 * answers its status; both close the connection.
 */
async function readRequest(
  c: Context,
  cgi: Cgi,
  pathApi: string | undefined,
  limits: BodyLimits,
  mayKeep: KeepCheck,
): Promise<DsmRequest | Response> {
  try {
    return await readParams(c, cgi, pathApi, limits, mayKeep);
  } catch (err) {
    if (!(err instanceof TooManyParameters)) throw err;
    return dsmResponse(errorBody(101), 413, new Headers({ Connection: "close" }));
  }
}

type KeepCheck = (
  params: Readonly<Record<string, string>>,
  cookies: Readonly<Record<string, string>>,
) => boolean;

async function readParams(
  c: Context,
  cgi: Cgi,
  pathApi: string | undefined,
  limits: BodyLimits,
  mayKeep: KeepCheck,
): Promise<DsmRequest | Response> {
  const params = queryOf(c.req.url);
  const cookies = parseCookies(headerOf(c, "cookie"));
  let upload: Upload | undefined;
  if (c.req.method === "POST") {
    const type = headerOf(c, "content-type") ?? "";
    const part = type.startsWith("multipart/form-data") ? uploadPartOf(c, pathApi) : undefined;
    if (part !== undefined) {
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      const body = incoming ?? c.req.raw.body;
      const read =
        body === null
          ? { ok: true as const, fields: {}, upload: undefined }
          : await readUpload(body, type, {
              part,
              ...limits.upload,
              mayKeep: (fields) => mayKeep({ ...params, ...fields }, cookies),
            });
      if (!read.ok)
        return dsmResponse(errorBody(read.code), read.status, new Headers({ Connection: "close" }));
      collect(params, Object.entries(read.fields));
      upload = read.upload;
    } else {
      // A body DSM cannot read is no parameters, not a fault: the query may still be complete.
      collect(params, Object.entries(await readBody(c, type)));
    }
  }
  return {
    cgi,
    pathApi,
    params,
    cookies,
    address: addressOf(c),
    upload,
    header: (name) => headerOf(c, name.toLowerCase()),
  };
}

async function readBody(c: Context, type: string): Promise<Record<string, string>> {
  const params: Record<string, string> = {};
  try {
    // DSM reads form bodies; a body without a content type is read the same way (curl -d does that).
    if (type === "" || type.startsWith("application/x-www-form-urlencoded")) {
      collect(params, new URLSearchParams(await c.req.text()));
    } else if (type.startsWith("multipart/form-data")) {
      const form = await c.req.formData();
      collect(
        params,
        [...form].filter((e): e is [string, string] => typeof e[1] === "string"),
      );
    }
  } catch (err) {
    if (err instanceof TooManyParameters) throw err;
    // unreadable body: answered from the query parameters alone
  }
  return params;
}

/** The client's address, as Node's socket gives it ("unknown" for socket-less `app.fetch` use). */
function addressOf(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? "unknown";
}

/** `a=1; b=2` to `{a: "1", b: "2"}`; a malformed pair is skipped, as browsers and DSM do. */
function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

async function applyTransportFault(
  c: Context,
  fault: TransportFault,
  answer: DsmAnswer,
  how: AnswerHow,
  shutdown: AbortSignal | undefined,
): Promise<Response> {
  switch (fault.type) {
    case "delay":
      await held(c.req.raw.signal, shutdown, fault.ms);
      return render(answer, how);
    case "malformed": {
      // Valid headers and status, a body cut mid-way: what a proxy dying mid-answer produces.
      const body = bodyOf(answer);
      return dsmResponse(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
    }
    case "hang":
      await held(c.req.raw.signal, shutdown, Number.POSITIVE_INFINITY);
      return dropConnection(c);
    case "reset":
      return dropConnection(c);
  }
}

/** Resolves after `ms`, or as soon as the client gives up or the emulator closes. */
function held(request: AbortSignal, shutdown: AbortSignal | undefined, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const signals = shutdown === undefined ? [request] : [request, shutdown];
    if (signals.some((s) => s.aborted)) return resolve();
    const done = () => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    for (const s of signals) s.addEventListener("abort", done, { once: true });
  });
}

/**
 * Destroys the client's socket (the client sees a connection reset). Without a socket, as in
 * socket-less `app.fetch` use, the closest thing is a network-error Response.
 */
function dropConnection(c: Context): Response {
  const env: unknown = c.env;
  const incoming =
    typeof env === "object" && env !== null && "incoming" in env
      ? (env as { incoming: unknown }).incoming
      : null;
  const socket =
    typeof incoming === "object" && incoming !== null && "socket" in incoming
      ? (incoming as { socket: { destroy(): void } | null }).socket
      : null;
  if (socket === null) return Response.error();
  socket.destroy();
  return new Response(null, { status: 500 });
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
