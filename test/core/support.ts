/**
 * Helpers shared by the core tests: the login shapes real clients send (spec section 6), cookie
 * reading, raw HTTP for requests `fetch` would refuse or normalise, and fixture variants.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { DEFAULT_FIXTURE } from "../../server/config";
import { type Fixture, loadFixtureFile } from "../../server/fixture";
import { type DsmReply, expectSuccess, type RawAnswer, type TestEmulator } from "../helpers";

export const ADMIN = { account: "admin", passwd: "synology" } as const;
export const VIEWER = { account: "viewer", passwd: "viewer-pass" } as const;
export const DISABLED = { account: "former", passwd: "former-pass" } as const;
export const OTP_ADMIN = { account: "otpadmin", passwd: "otp-pass", secret: "JBSWY3DPEHPK3PXP" } as const;

/** The Go client's login: `GET entry.cgi` version 7 with `enable_syno_token=yes` and `format=sid`. */
export function goLogin(
  emu: TestEmulator,
  account: string,
  passwd: string,
  extra: Record<string, string> = {},
): Promise<DsmReply> {
  return emu.get("entry.cgi", {
    api: "SYNO.API.Auth",
    version: "7",
    method: "login",
    account,
    passwd,
    enable_syno_token: "yes",
    format: "sid",
    timezone: "+00:00",
    ...extra,
  });
}

/** The Python clients' login: a form POST to `auth.cgi` version 7 with their extra parameters. */
export function pythonLogin(
  emu: TestEmulator,
  account: string,
  passwd: string,
  extra: Record<string, string> = {},
): Promise<DsmReply> {
  return emu.post("auth.cgi", {
    api: "SYNO.API.Auth",
    version: "7",
    method: "login",
    account,
    passwd,
    session: "webui",
    format: "cookie",
    enable_syno_token: "yes",
    client: "browser",
    rememberme: "0",
    logintype: "local",
    enable_device_token: "no",
    otp_code: "",
    ...extra,
  });
}

/** The value of cookie `name` among the answer's `Set-Cookie` headers, with its attributes. */
export function setCookie(res: DsmReply, name: string): { value: string; attributes: string[] } | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair = "", ...attributes] = line.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    if (pair.slice(0, eq) === name) return { value: pair.slice(eq + 1), attributes };
  }
  return undefined;
}

/** Answers `data` of a successful login and checks the sid is there. */
export function loginData(res: DsmReply): Record<string, unknown> & { sid: string } {
  const data = expectSuccess(res);
  expect(typeof data.sid).toBe("string");
  return data as Record<string, unknown> & { sid: string };
}

/** Calls `api`/`method` at `version` on entry.cgi with a sid and answers the reply. */
export function call(
  emu: TestEmulator,
  sid: string,
  api: string,
  method: string,
  version = "1",
  params: Record<string, string> = {},
): Promise<DsmReply> {
  return emu.get("entry.cgi", { api, version, method, _sid: sid, ...params });
}

/** Asserts a raw answer is DSM's JSON envelope (never HTML, never a stack trace). */
export function expectEnvelope(res: RawAnswer): { success: boolean; error?: { code: number } } {
  expect(res.contentType).toBe('application/json; charset="UTF-8"');
  expect(res.text).not.toMatch(/<html|at .*\.ts:\d+/i);
  const body: unknown = JSON.parse(res.text);
  expect(body).toEqual(expect.objectContaining({ success: expect.any(Boolean) }));
  return body as { success: boolean; error?: { code: number } };
}

/** The default fixture, changed by `edit` (a fresh copy each call). */
export function defaultFixtureWith(edit: (f: Fixture) => void): Fixture {
  const fixture = loadFixtureFile(DEFAULT_FIXTURE);
  edit(fixture);
  return fixture;
}

/** The default fixture as raw JSON, for parseFixture tests that break it. */
export function rawDefaultFixture(): RawFixture {
  return JSON.parse(readFileSync(DEFAULT_FIXTURE, "utf8")) as RawFixture;
}

/** The parts of the fixture's JSON the tests break on purpose. */
export interface RawFixture {
  [key: string]: unknown;
  system: Record<string, unknown>;
  accounts: Record<string, unknown>[];
  hosts: Record<string, unknown>[];
  storages: Record<string, unknown>[];
  networks: Record<string, unknown>[];
  images: Record<string, unknown>[];
  guests: (Record<string, unknown> & {
    vdisks: Record<string, unknown>[];
    vnics: Record<string, unknown>[];
  })[];
}

export { type RawAnswer, rawRequest } from "../helpers";
