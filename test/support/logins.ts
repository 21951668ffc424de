/**
 * Helpers of the core tests only: the login shapes real clients send (docs/clients.md), cookie
 * reading, and the envelope check of a raw answer. Everything shared lives in ../harness.ts.
 */
import { expect } from "vitest";
import { type DsmReply, expectSuccess, type RawAnswer, type TestEmulator } from "../harness";

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

/** Asserts a raw answer is DSM's JSON envelope (never HTML, never a stack trace). */
export function expectEnvelope(res: RawAnswer): { success: boolean; error?: { code: number } } {
  expect(res.contentType).toBe('application/json; charset="UTF-8"');
  expect(res.text).not.toMatch(/<html|at .*\.ts:\d+/i);
  const body: unknown = JSON.parse(res.text);
  expect(body).toEqual(expect.objectContaining({ success: expect.any(Boolean) }));
  return body as { success: boolean; error?: { code: number } };
}
