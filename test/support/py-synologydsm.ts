/**
 * py-synologydsm-api (Home Assistant's Synology DSM library) as it sends requests, for replays:
 * discovery at query.cgi, a GET login at Info's Auth path and version with a device token, then
 * every call at Info's path and maxVersion with `_sid` and `SynoToken` in the query string,
 * Storage with `action=<method>` too, and POSTs with the form in the body (docs/clients.md).
 */
import { expect } from "vitest";

/** The library's urlencode(..., safe="?/:@-._~!$'()*,", quote_via=quote). */
export function pyQuery(params: [string, string][]): string {
  const safe = /[A-Za-z0-9?/:@\-._~!$'()*,]/;
  const quote = (s: string) =>
    Array.from(Buffer.from(s, "utf8"))
      .map((b) =>
        safe.test(String.fromCharCode(b))
          ? String.fromCharCode(b)
          : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
      )
      .join("");
  return params.map(([k, v]) => `${quote(k)}=${quote(v)}`).join("&");
}

interface ApiInfo {
  path: string;
  minVersion: number;
  maxVersion: number;
}

export interface PyAnswer {
  success: boolean;
  data?: Record<string, unknown>;
  error?: { code: number };
}

/** One logged-in library instance against `base` (`http://host:port`). */
export class PyDsm {
  readonly sent: string[] = [];
  #apis: Record<string, ApiInfo> = {};
  #sid = "";
  #token = "";
  constructor(readonly base: string) {}

  async #fetch(url: string, init?: RequestInit): Promise<PyAnswer> {
    this.sent.push(url.replace(this.base, ""));
    const res = await fetch(url, init);
    expect(res.status).toBe(200);
    return (await res.json()) as PyAnswer;
  }

  /** Discovery, then login (both as the library sends them). */
  async login(account = "admin", passwd = "synology"): Promise<void> {
    const info = await this.#fetch(`${this.base}/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query`);
    this.#apis = info.data as Record<string, ApiInfo>;
    const auth = this.#apis["SYNO.API.Auth"];
    if (auth === undefined) throw new Error("Info does not list SYNO.API.Auth");
    const login = await this.#fetch(
      `${this.base}/webapi/${auth.path}?${pyQuery([
        ["account", account],
        ["passwd", passwd],
        ["enable_device_token", "yes"],
        ["device_name", "homeassistant"],
        ["api", "SYNO.API.Auth"],
        ["version", String(auth.maxVersion)],
        ["method", "login"],
      ])}`,
    );
    expect(login.success).toBe(true);
    const data = login.data as { sid: string; synotoken: string };
    this.#sid = data.sid;
    this.#token = data.synotoken;
  }

  /** The library refuses an API Info does not list (SynologyDSMAPINotExistsException). */
  #url(api: string, method: string): string {
    const info = this.#apis[api];
    if (info === undefined) throw new Error(`SynologyDSMAPINotExistsException: ${api}`);
    const params: [string, string][] = [
      ["api", api],
      ["version", String(info.maxVersion)],
      ["method", method],
    ];
    if (api === "SYNO.Storage.CGI.Storage") params.push(["action", method]);
    params.push(["_sid", this.#sid], ["SynoToken", this.#token]);
    return `${this.base}/webapi/${info.path}?${pyQuery(params)}`;
  }

  /** `data` of a successful GET (the library raises on anything else). */
  async get(api: string, method: string): Promise<Record<string, unknown>> {
    const answer = await this.#fetch(this.#url(api, method));
    expect(answer, `${api} ${method}`).toMatchObject({ success: true });
    return answer.data ?? {};
  }

  async post(api: string, method: string, form: Record<string, string>): Promise<Record<string, unknown>> {
    const answer = await this.#fetch(this.#url(api, method), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    expect(answer, `${api} ${method}`).toMatchObject({ success: true });
    return answer.data ?? {};
  }
}
