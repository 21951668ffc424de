/**
 * A typed DSM WebAPI client: discovery through SYNO.API.Info (each API is then called at the
 * path and version Info advertised), login with a sid and SynoToken, and one `call` that every
 * method goes through, so the safety guard sees every request before it is sent.
 *
 * Client quirks reproduced on purpose: the SynoToken travels both as `SynoToken` and as the
 * `X-SYNO-TOKEN` header (DSM accepts either); plain text values are escaped per the guide
 * (`\,` and `\\`), passwords and JSON-typed values never are.
 */
import { type ApiName, apiSpec, type MethodOf, methodSpec } from "../../contract/apis";
import { DsmApiError, type DsmErrorDetail, DsmTransportError } from "./errors";
import { Ledger, newRunId } from "./ledger";
import { SafetyGuard, SafetyRefusal } from "./safety";
import { type ApiInfo, apiInfo, type DsmInfo, loginData } from "./shapes";
import {
  createDispatcher,
  type Exchange,
  httpTransport,
  type TlsPolicy,
  type Transport,
  type UploadFile,
} from "./transport";

export type DsmEnvelope =
  | { readonly success: true; readonly data?: unknown }
  | { readonly success: false; readonly error: { readonly code: number; readonly errors?: DsmErrorDetail } };

export interface DsmClientOptions {
  /** e.g. `https://nas.local:5001` (no `/webapi`). */
  readonly baseUrl: string;
  readonly tls?: TlsPolicy;
  /** Per request (connect, headers, body); default 30 s. */
  readonly timeoutMs?: number;
  /** Absent: a readonly guard with an empty ledger (the safe default). */
  readonly guard?: SafetyGuard;
  /** Sees every exchange (recording, journals). Secrets are in it: scrub before storing. */
  readonly onExchange?: (exchange: Exchange) => void;
  /** Replaces HTTP (tests). */
  readonly transport?: Transport;
  /** Where sids, tokens and passwords this client handles are collected, for redaction. */
  readonly secrets?: Set<string>;
  /** Where differences of the wire itself (a content type) are collected, shared by siblings. */
  readonly differences?: string[];
  /**
   * At most this many refused logins in any 5 minutes (shared by siblings): one more is refused
   * before it is sent. DSM's default auto-block bans an address after 10 in 5 minutes.
   */
  readonly loginBudget?: number;
  /** When the refused logins happened (ms), shared by siblings. */
  readonly failedLogins?: number[];
}

/** DSM's default auto-block window: failed logins older than this no longer count. */
export const AUTO_BLOCK_WINDOW_MS = 5 * 60_000;

export interface RequestOptions {
  /** CGI to use instead of the advertised one (e.g. `auth.cgi` for legacy login). */
  readonly cgi?: string;
  /** Send the session (default true when logged in). */
  readonly withSession?: boolean;
  /** Extra request headers (a `Cookie` for a cookie session, a front-door probe's `Accept-Encoding`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the emulator (and DSM, as recorded) sends as the content type of every answer. */
export const DSM_CONTENT_TYPE = 'application/json; charset="UTF-8"';

const PLAIN_TEXT = new Set([
  "guest_name",
  "new_guest_name",
  "description",
  "image_name",
  "storage_name",
  "host_name",
]);

/** The guide's escaping for multi-element parameters: `\` → `\\`, `,` → `\,`. */
export function escapeValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/,/g, "\\,");
}

export class DsmClient {
  readonly guard: SafetyGuard;
  readonly #transport: Transport;
  readonly #onExchange: ((exchange: Exchange) => void) | undefined;
  #apis: ApiInfo = {};
  #closed = false;
  #sid: string | undefined;
  #synotoken: string | undefined;
  /** Every password, sid and token this client handled, for report redaction. */
  readonly secrets: Set<string>;
  /** Differences of the wire seen so far (each once): the runner fails the scenario that saw one. */
  readonly differences: string[];
  /** When each login the target refused happened (ms). */
  readonly failedLogins: number[];

  constructor(options: DsmClientOptions) {
    this.guard = options.guard ?? new SafetyGuard("readonly", newReadonlyLedger());
    this.#transport =
      options.transport ??
      httpTransport(
        options.baseUrl,
        createDispatcher(options.tls ?? { mode: "verify" }, options.timeoutMs ?? 30_000),
      );
    this.#onExchange = options.onExchange;
    this.secrets = options.secrets ?? new Set();
    this.differences = options.differences ?? [];
    this.failedLogins = options.failedLogins ?? [];
    this.#options = options;
  }

  readonly #options: DsmClientOptions;

  /** Another client for the same target (its own session), sharing guard, hooks and secrets. */
  sibling(): DsmClient {
    const other = new DsmClient({
      ...this.#options,
      guard: this.guard,
      secrets: this.secrets,
      differences: this.differences,
      failedLogins: this.failedLogins,
    });
    other.#apis = this.#apis;
    return other;
  }

  get apis(): ApiInfo {
    return this.#apis;
  }

  get sid(): string | undefined {
    return this.#sid;
  }

  /**
   * Where and at which version to call an API (or one of its methods), from discovery
   * (entry.cgi / 1 when unknown).
   */
  endpoint(api: string, method?: string): { cgi: string; version: number } {
    const info = this.#apis[api];
    if (info === undefined) return { cgi: api === "SYNO.API.Info" ? "query.cgi" : "entry.cgi", version: 1 };
    // The kit knows the shapes of the versions the spec lists (per method where a method serves
    // fewer, as internal Guest set v1 does); a newer advertised maximum is capped.
    const narrowed = method === undefined ? undefined : methodSpec(api, method)?.versions?.[1];
    const cap = narrowed ?? apiSpec(api)?.maxVersion ?? info.maxVersion;
    return { cgi: info.path, version: Math.max(info.minVersion, Math.min(info.maxVersion, cap)) };
  }

  /**
   * SYNO.API.Info on query.cgi (answered by DSM 6 and 7) for Auth, DSM.Info, every VMM API and
   * the system APIs Home Assistant reads.
   */
  async discover(): Promise<ApiInfo> {
    const data = await this.call("SYNO.API.Info", "query", {
      query: [
        "SYNO.API.",
        "SYNO.DSM.Info",
        "SYNO.DSM.Network",
        "SYNO.Core.NormalUser",
        "SYNO.Core.System",
        "SYNO.Core.System.Utilization",
        "SYNO.Storage.CGI.Storage",
        "SYNO.Core.SecurityScan.Status",
        "SYNO.Core.Upgrade.Server",
        "SYNO.Core.ExternalDevice.Storage.USB",
        "SYNO.Entry.Request",
        "SYNO.Virtualization.",
      ].join(","),
    });
    this.#apis = apiInfo.parse(data);
    return this.#apis;
  }

  isAdvertised(api: string): boolean {
    return this.#apis[api] !== undefined;
  }

  /** Logs in with `format=sid` and `enable_syno_token=yes`; keeps the sid and token. */
  async login(account: string, passwd: string, otpCode?: string): Promise<void> {
    this.secrets.add(passwd);
    const data = await this.call(
      "SYNO.API.Auth",
      "login",
      {
        account,
        passwd,
        session: "VirtualizationConformance",
        format: "sid",
        enable_syno_token: "yes",
        ...(otpCode === undefined ? {} : { otp_code: otpCode }),
      },
      { withSession: false },
    );
    const parsed = loginData.parse(data);
    this.#sid = parsed.sid;
    this.#synotoken = parsed.synotoken;
    this.secrets.add(parsed.sid);
    if (parsed.synotoken !== undefined) this.secrets.add(parsed.synotoken);
    if (parsed.did !== undefined) this.secrets.add(parsed.did);
    if (parsed.device_id !== undefined) this.secrets.add(parsed.device_id);
  }

  /** Ends the session (DSM answers success even without one). */
  async logout(): Promise<void> {
    await this.call("SYNO.API.Auth", "logout", { session: "VirtualizationConformance" });
    this.#sid = undefined;
    this.#synotoken = undefined;
  }

  async dsmInfo(): Promise<DsmInfo> {
    return (await this.call("SYNO.DSM.Info", "getinfo", {})) as DsmInfo;
  }

  /** Calls `api.method` and answers `data` (undefined for an empty success); throws DsmApiError. */
  async call<A extends ApiName>(
    api: A,
    method: MethodOf<A>,
    params: Record<string, string | number | boolean | undefined>,
    options: RequestOptions = {},
  ): Promise<unknown> {
    const { cgi, version } = this.endpoint(api, method);
    const envelope = await this.request(
      { api, method, version: String(version), ...params },
      { ...options, cgi: options.cgi ?? cgi },
    );
    if (!envelope.success) throw new DsmApiError(api, method, envelope.error.code, envelope.error.errors);
    return envelope.data;
  }

  /** Calls `api.method` with `file` as the multipart `file` part (parameters in the query). */
  async upload<A extends ApiName>(
    api: A,
    method: MethodOf<A>,
    params: Record<string, string | number | boolean | undefined>,
    file: UploadFile,
  ): Promise<unknown> {
    const { cgi, version } = this.endpoint(api, method);
    const { envelope } = await this.exchange(
      { api, method, version: String(version), ...params },
      { cgi },
      file,
    );
    if (!envelope.success) throw new DsmApiError(api, method, envelope.error.code, envelope.error.errors);
    return envelope.data;
  }

  /**
   * Sends raw parameters (probes may leave out api, method or version) and answers DSM's
   * envelope without throwing on DSM errors. The guard checks it first.
   */
  async request(
    raw: Record<string, string | number | boolean | undefined>,
    options: RequestOptions = {},
  ): Promise<DsmEnvelope> {
    return (await this.exchange(raw, options)).envelope;
  }

  /** Like `request`, and also answers the `Set-Cookie` values and the other headers the answer carried. */
  async exchange(
    raw: Record<string, string | number | boolean | undefined>,
    options: RequestOptions = {},
    file?: UploadFile,
  ): Promise<{
    envelope: DsmEnvelope;
    cookies: readonly string[];
    headers: Readonly<Record<string, string>>;
  }> {
    const plain: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (v !== undefined) plain[k] = String(v);
    this.guard.check(plain.api, plain.method, plain);
    const login = plain.api === "SYNO.API.Auth" && plain.method === "login";
    const budget = this.#options.loginBudget;
    if (login && budget !== undefined) {
      const recent = this.failedLogins.filter((t) => Date.now() - t < AUTO_BLOCK_WINDOW_MS).length;
      if (recent >= budget)
        throw new SafetyRefusal(
          "SYNO.API.Auth",
          "login",
          `${recent} logins were refused in the last 5 minutes; one more could trip DSM's auto-block (10 in 5 minutes)`,
        );
    }
    const { ledger } = this.guard;
    ledger.beforeSend(plain);
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(plain)) params[k] = PLAIN_TEXT.has(k) ? escapeValue(v) : v;
    const headers: Record<string, string> = { ...options.headers };
    if (options.withSession !== false && this.#sid !== undefined) {
      params._sid = this.#sid;
      if (this.#synotoken !== undefined) {
        params.SynoToken = this.#synotoken;
        headers["X-SYNO-TOKEN"] = this.#synotoken;
      }
    }
    const cgi = options.cgi ?? (params.api === undefined ? "entry.cgi" : this.endpoint(params.api).cgi);
    const exchange = await this.#send(cgi, params, headers, file);
    this.#onExchange?.(exchange);
    if (exchange.contentType !== undefined && exchange.contentType !== DSM_CONTENT_TYPE) {
      const difference = `${plain.api ?? cgi} ${plain.method ?? ""}: Content-Type ${JSON.stringify(exchange.contentType)} where the emulator sends ${JSON.stringify(DSM_CONTENT_TYPE)}`;
      if (!this.differences.includes(difference)) this.differences.push(difference);
    }
    const envelope = readEnvelope(exchange.body, cgi);
    if (login && !envelope.success) this.failedLogins.push(Date.now());
    if (envelope.success) ledger.observe(plain, envelope.data);
    else ledger.observeFailure(plain);
    return { envelope, cookies: exchange.cookies ?? [], headers: exchange.headers ?? {} };
  }

  #send(cgi: string, params: Record<string, string>, headers: Record<string, string>, file?: UploadFile) {
    if (file === undefined) return this.#transport.send(cgi, params, headers);
    if (this.#transport.upload === undefined)
      throw new DsmTransportError("this transport cannot upload files");
    return this.#transport.upload(cgi, params, file, headers);
  }

  /** Releases the connection pool; closing again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#transport.close();
  }
}

function readEnvelope(body: unknown, cgi: string): DsmEnvelope {
  if (typeof body === "object" && body !== null && "success" in body) {
    const b = body as { success: unknown; data?: unknown; error?: unknown };
    if (b.success === true) return { success: true, data: b.data };
    if (b.success === false && typeof b.error === "object" && b.error !== null) {
      const e = b.error as { code?: unknown; errors?: unknown };
      if (typeof e.code === "number") {
        const errors =
          typeof e.errors === "object" && e.errors !== null ? (e.errors as DsmErrorDetail) : undefined;
        return { success: false, error: errors === undefined ? { code: e.code } : { code: e.code, errors } };
      }
    }
  }
  throw new DsmTransportError(`${cgi} answered JSON that is not DSM's envelope`);
}

function newReadonlyLedger(): Ledger {
  return new Ledger(newRunId());
}
