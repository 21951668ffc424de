/**
 * Shared test helpers: an emulator on port 0 with in-memory state and a virtual clock, a
 * minimal WebAPI caller over real HTTP, and `expectDsmError`.
 */
import { request as httpRequest } from "node:http";
import { expect } from "vitest";
import { VirtualClock } from "../server/clock";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../server/emulator";

export interface TestEmulator extends RunningEmulator {
  readonly clock: VirtualClock;
  /** GET a CGI with the given parameters; answers the parsed JSON and the raw response. */
  get(cgi: string, params: Record<string, string>, init?: RequestInit): Promise<DsmReply>;
  /** POST a form body to `path` (e.g. `entry.cgi/SYNO.Virtualization.API.Guest`). */
  post(path: string, params: Record<string, string>, init?: RequestInit): Promise<DsmReply>;
  /** Logs in `account` (default admin/synology) and answers the sid. */
  login(account?: string, passwd?: string): Promise<string>;
  /** Calls a Virtualization API method at version 1 on entry.cgi with a sid. */
  vmm(sid: string, api: string, method: string, params?: Record<string, string>): Promise<DsmReply>;
}

export interface DsmReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    success: boolean;
    data?: Record<string, unknown>;
    error?: { code: number; errors?: unknown };
  };
  readonly text: string;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const clock = new VirtualClock(Date.UTC(2026, 10, 1, 9, 0, 0));
  const emulator = await startEmulator({
    clock,
    db: ":memory:",
    port: 0,
    timeScale: "realtime",
    log: () => {},
    ...options,
  });
  const reply = async (res: Response): Promise<DsmReply> => {
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
  };
  const get: TestEmulator["get"] = async (cgi, params, init) =>
    reply(await fetch(`${emulator.url}/webapi/${cgi}?${new URLSearchParams(params)}`, init));
  const post: TestEmulator["post"] = async (path, params, init) =>
    reply(
      await fetch(`${emulator.url}/webapi/${path}`, {
        method: "POST",
        ...init,
        headers: { "content-type": "application/x-www-form-urlencoded", ...(init?.headers ?? {}) },
        body: new URLSearchParams(params).toString(),
      }),
    );
  const login: TestEmulator["login"] = async (account = "admin", passwd = "synology") => {
    const res = await get("auth.cgi", {
      api: "SYNO.API.Auth",
      version: "3",
      method: "login",
      account,
      passwd,
      format: "sid",
      session: "test",
    });
    if (!res.body.success) throw new Error(`login of ${account} failed: ${res.text}`);
    return String(res.body.data?.sid);
  };
  const vmm: TestEmulator["vmm"] = (sid, api, method, params = {}) =>
    get("entry.cgi", { api: `SYNO.Virtualization.API.${api}`, version: "1", method, _sid: sid, ...params });
  return Object.assign(emulator, { clock, get, post, login, vmm });
}

/** Asserts the DSM error envelope with `code`, HTTP 200 and DSM's content type. */
export function expectDsmError(res: DsmReply, code: number): void {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe('application/json; charset="UTF-8"');
  expect(res.body).toMatchObject({ success: false, error: { code } });
}

/** Asserts a DSM success envelope and answers its data. */
export function expectSuccess(res: DsmReply): Record<string, unknown> {
  expect(res.status).toBe(200);
  expect(res.body.success, res.text).toBe(true);
  return res.body.data ?? {};
}

export interface RawAnswer {
  status: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  text: string;
}

/** One HTTP exchange with nothing normalised (method, path and body bytes exactly as given). */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"],
            cacheControl: res.headers["cache-control"],
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
