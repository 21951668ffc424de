/**
 * HTTP to DSM on undici: one form-encoded POST per call (the password never lands in a URL or
 * a proxy log), with the TLS policy of the target: verify (default, optionally with an extra
 * CA), a pinned certificate SHA-256 fingerprint (DSM's self-signed certificate, checked before
 * any byte of the request is sent), or insecure (explicit opt-in only).
 */

import { TLSSocket } from "node:tls";
import { gunzipSync } from "node:zlib";
import { Agent, buildConnector, type Dispatcher, request } from "undici";
import { DsmTransportError } from "./errors";

export type TlsPolicy =
  | { readonly mode: "verify"; readonly ca?: string }
  | { readonly mode: "pinned"; readonly sha256: string }
  | { readonly mode: "insecure" };

/** "AB:CD:..." or "abcd..." → "abcd...": how users paste fingerprints varies. */
export function normaliseFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[^0-9a-fA-F]/g, "").toLowerCase();
}

/** An undici dispatcher that applies the TLS policy to every connection. */
export function createDispatcher(tls: TlsPolicy, timeoutMs: number): Dispatcher {
  const common = { connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  if (tls.mode === "verify") {
    return new Agent({ ...common, connect: tls.ca === undefined ? {} : { ca: tls.ca } });
  }
  if (tls.mode === "insecure") return new Agent({ ...common, connect: { rejectUnauthorized: false } });
  const wanted = normaliseFingerprint(tls.sha256);
  if (wanted.length !== 64)
    throw new Error("a pinned certificate fingerprint is 32 bytes of SHA-256 (64 hex)");
  // The chain of a self-signed certificate cannot verify, so the pin replaces chain checking. A
  // resumed TLS session shows no peer certificate, so sessions are never resumed: every
  // connection proves its certificate again.
  const base = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  const connect: buildConnector.connector = (options, callback) => {
    base(options, (err, socket) => {
      if (err !== null) return callback(err, null);
      if (!(socket instanceof TLSSocket)) {
        socket.destroy();
        return callback(new DsmTransportError("a pinned fingerprint needs an https:// URL"), null);
      }
      const got = normaliseFingerprint(socket.getPeerCertificate().fingerprint256 ?? "");
      if (got !== wanted) {
        socket.destroy();
        return callback(new DsmTransportError(`certificate fingerprint ${got} does not match the pin`), null);
      }
      callback(null, socket);
    });
  };
  return new Agent({ ...common, connect });
}

export interface Exchange {
  readonly cgi: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  readonly body: unknown;
  /** The answer's `Set-Cookie` values (UIConfig's `_SSID`, login's `id`). */
  readonly cookies?: readonly string[];
  /** The answer's other headers, names lower-cased, repeated ones joined with ", ". */
  readonly headers?: Readonly<Record<string, string>>;
  /** The answer's `Content-Type`, as sent. */
  readonly contentType?: string;
}

/** A file sent as the `file` part of a multipart body (SYNO.Virtualization.Guest.Image upload_and_create). */
export interface UploadFile {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

export interface Transport {
  send(cgi: string, params: Record<string, string>, headers?: Record<string, string>): Promise<Exchange>;
  /**
   * A multipart POST: the parameters in the query and one `file` part, as go-synology sends an
   * upload (the only client whose upload is known); absent on transports that cannot upload.
   */
  upload?(
    cgi: string,
    params: Record<string, string>,
    file: UploadFile,
    headers?: Record<string, string>,
  ): Promise<Exchange>;
  close(): Promise<void>;
}

/** go-synology's fixed boundary; DSM reads any. */
const BOUNDARY = "AaB03x";

/** The body go-synology writes: one part named `file`, Go's CreateFormFile headers. */
export function multipartBody(file: UploadFile): Buffer {
  const name = file.fileName.replace(/["\r\n]/g, "_");
  const head =
    `--${BOUNDARY}\r\n` +
    `Content-Disposition: form-data; name="file"; filename="${name}"\r\n` +
    "Content-Type: application/octet-stream\r\n\r\n";
  return Buffer.concat([Buffer.from(head), file.bytes, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
}

/** Sends to `<baseUrl>/webapi/<cgi>`; answers the parsed JSON, or throws DsmTransportError. */
export function httpTransport(baseUrl: string, dispatcher: Dispatcher): Transport {
  const root = baseUrl.replace(/\/+$/, "");
  const post = (
    cgi: string,
    params: Record<string, string>,
    url: string,
    headers: Record<string, string>,
    body: string | Buffer,
  ) => exchange(cgi, params, () => request(url, { method: "POST", dispatcher, headers, body }));
  return {
    send: (cgi, params, headers = {}) =>
      post(
        cgi,
        params,
        `${root}/webapi/${cgi}`,
        { "content-type": "application/x-www-form-urlencoded", ...headers },
        new URLSearchParams(params).toString(),
      ),
    upload: (cgi, params, file, headers = {}) =>
      post(
        cgi,
        params,
        `${root}/webapi/${cgi}?${new URLSearchParams(params).toString()}`,
        { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
        multipartBody(file),
      ),
    close: () => dispatcher.close(),
  };

  async function exchange(
    cgi: string,
    params: Record<string, string>,
    send: () => Promise<Dispatcher.ResponseData>,
  ): Promise<Exchange> {
    let res: Dispatcher.ResponseData;
    try {
      res = await send();
    } catch (err) {
      throw new DsmTransportError(`cannot reach ${root}: ${(err as Error).message}`, undefined, {
        cause: err,
      });
    }
    // DSM's nginx gzips the JSON when the request accepts gzip (spec 7.2); the text is the JSON either way.
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const text = (res.headers["content-encoding"] === "gzip" ? gunzipSync(bytes) : bytes).toString("utf8");
    // Clients reject anything but HTTP 200 with JSON; DSM sends its errors inside a 200.
    if (res.statusCode !== 200) {
      // The body of a non-200 answer says why (DSM's own error page, a proxy's): keep its start.
      const what = params.api === undefined ? cgi : `${params.api} ${params.method ?? "?"} (${cgi})`;
      throw new DsmTransportError(
        `HTTP ${res.statusCode} from ${what} where the emulator answers 200; body: ${JSON.stringify(text.slice(0, 300))}`,
        res.statusCode,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new DsmTransportError(`${cgi} answered something that is not JSON`, res.statusCode);
    }
    const raw = res.headers["set-cookie"];
    const cookies = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers))
      if (name !== "set-cookie" && value !== undefined)
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    const contentType = headers["content-type"] ?? "";
    return { cgi, params, status: res.statusCode, body, cookies, headers, contentType };
  }
}
