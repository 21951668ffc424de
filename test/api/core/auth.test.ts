import { describe, expect, it } from "vitest";
import { fixtureAccount } from "../../../server/fixture";
import { totp } from "../../../server/security/totp";
import { ACCOUNTS } from "../../fixture-ids";
import { expectDsmError, expectSuccess, fixtureWith, useEmulator } from "../../harness";
import { goLogin, loginData, pythonLogin, setCookie } from "../../support/logins";

const { admin: ADMIN, disabled: DISABLED, otp: OTP_ADMIN, viewer: VIEWER } = ACCOUNTS;

describe("SYNO.API.Auth login errors use the Auth table (400-404)", () => {
  const t = useEmulator();

  const legacy = (params: Record<string, string>) =>
    t.emu.get("auth.cgi", { api: "SYNO.API.Auth", version: "3", method: "login", format: "sid", ...params });

  it("a wrong password answers 400", async () => {
    expectDsmError(await legacy({ account: "admin", passwd: "wrong" }), 400);
  });

  it("an unknown account answers 400 (the same as a wrong password: no account probing)", async () => {
    const res = await legacy({ account: "nobody", passwd: "synology" });
    expectDsmError(res, 400);
    expect(res.text).toBe('{"error":{"code":400},"success":false}');
  });

  it("a missing account or password answers 400", async () => {
    expectDsmError(await legacy({ passwd: "synology" }), 400);
    expectDsmError(await legacy({ account: "admin" }), 400);
    expectDsmError(await legacy({ account: "", passwd: "" }), 400);
  });

  it("a password is compared as sent, never unescaped or unquoted", async () => {
    expectDsmError(await legacy({ account: "admin", passwd: '"synology"' }), 400);
    expectDsmError(await legacy({ account: "admin", passwd: "synology " }), 400);
  });

  it("a disabled account answers 401 with the right password", async () => {
    expectDsmError(await legacy(DISABLED), 401);
    expectDsmError(await goLogin(t.emu, DISABLED.account, DISABLED.passwd), 401);
  });

  it("a disabled account with a wrong password answers 400", async () => {
    expectDsmError(await legacy({ account: DISABLED.account, passwd: "nope" }), 400);
  });

  it("login errors answer with the Auth codes on entry.cgi as well (v7)", async () => {
    expectDsmError(await goLogin(t.emu, "admin", "wrong"), 400);
  });

  it("a failed login sets no cookie", async () => {
    const res = await pythonLogin(t.emu, "admin", "wrong");
    expectDsmError(res, 400);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  describe("2-step verification (RFC 6238 TOTP)", () => {
    it("without a code answers 403 with errors {token, types:[{type:'otp'}]}", async () => {
      const res = await legacy({ account: OTP_ADMIN.account, passwd: OTP_ADMIN.passwd });
      expectDsmError(res, 403);
      const errors = res.body.error?.errors as { token: unknown; types: { type: string }[] };
      expect(errors.types[0]?.type).toBe("otp");
      expect(errors.types).toEqual([{ type: "otp" }]);
      expect(errors.token).toEqual(expect.stringMatching(/^[0-9a-f]{16,}$/));
    });

    it("an empty otp_code (Python clients always send it) also answers 403", async () => {
      expectDsmError(await pythonLogin(t.emu, OTP_ADMIN.account, OTP_ADMIN.passwd), 403);
    });

    it("the 2-step question is only asked after the password is right (wrong password: 400)", async () => {
      expectDsmError(await legacy({ account: OTP_ADMIN.account, passwd: "wrong" }), 400);
    });

    it("a wrong code answers 404", async () => {
      const right = totp(OTP_ADMIN.secret, t.emu.clock.now());
      const wrong = right === "000000" ? "111111" : "000000";
      expectDsmError(
        await legacy({ account: OTP_ADMIN.account, passwd: OTP_ADMIN.passwd, otp_code: wrong }),
        404,
      );
      expectDsmError(
        await legacy({ account: OTP_ADMIN.account, passwd: OTP_ADMIN.passwd, otp_code: "abc" }),
        404,
      );
    });

    // DSM takes a code once per 30 s window: each test that logs in with one moves to a fresh window.
    it("the code of the emulator's (virtual) clock logs in", async () => {
      t.emu.clock.advance(30_000);
      const otp_code = totp(OTP_ADMIN.secret, t.emu.clock.now());
      const res = await legacy({ account: OTP_ADMIN.account, passwd: OTP_ADMIN.passwd, otp_code });
      expectSuccess(await t.emu.vmm(loginData(res).sid, "Host", "list"));
    });

    it("the code of one 30 s step before is still accepted (clock drift), two steps before is not", async () => {
      t.emu.clock.advance(60_000);
      const now = t.emu.clock.now();
      const previous = totp(OTP_ADMIN.secret, now - 30_000);
      const stale = totp(OTP_ADMIN.secret, now - 90_000);
      loginData(await legacy({ account: OTP_ADMIN.account, passwd: OTP_ADMIN.passwd, otp_code: previous }));
      if (![previous, totp(OTP_ADMIN.secret, now), totp(OTP_ADMIN.secret, now + 30_000)].includes(stale)) {
        expectDsmError(
          await legacy({ account: OTP_ADMIN.account, passwd: OTP_ADMIN.passwd, otp_code: stale }),
          404,
        );
      }
    });

    it("a code read off the wall clock is wrong when the emulator's clock is elsewhere", async () => {
      // The test emulator's virtual clock is fixed at 2026-11-01; the real clock is not.
      const wallCode = totp(OTP_ADMIN.secret, Date.now());
      const virtualCodes = [-1, 0, 1].map((d) => totp(OTP_ADMIN.secret, t.emu.clock.now() + d * 30_000));
      if (virtualCodes.includes(wallCode)) return;
      const res = await legacy({ account: OTP_ADMIN.account, passwd: OTP_ADMIN.passwd, otp_code: wallCode });
      expectDsmError(res, 404);
    });
  });

  describe("device tokens (trusted devices skip 2-step verification)", () => {
    it("enable_device_token=yes answers the token (device_id on version 7) and sets cookie did; a later login with it skips the code", async () => {
      t.emu.clock.advance(30_000);
      const first = await pythonLogin(t.emu, OTP_ADMIN.account, OTP_ADMIN.passwd, {
        otp_code: totp(OTP_ADMIN.secret, t.emu.clock.now()),
        enable_device_token: "yes",
        device_name: "ci-runner",
      });
      const data = loginData(first);
      expect(data.device_id).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/));
      expect(Object.keys(data)).toEqual(["account", "device_id", "is_portal_port", "sid", "synotoken"]);
      expect(setCookie(first, "did")?.value).toBe(data.device_id);
      expect(setCookie(first, "did")?.attributes).toContain("HttpOnly");

      const again = await pythonLogin(t.emu, OTP_ADMIN.account, OTP_ADMIN.passwd, {
        device_id: String(data.device_id),
      });
      const second = loginData(again);
      expect(second.sid).not.toBe(data.sid);
      expect(second).not.toHaveProperty("device_id");
    });

    it("the Go client's shape (format=sid, version 7) answers the token as device_id, without cookies", async () => {
      const res = await goLogin(t.emu, ADMIN.account, ADMIN.passwd, { enable_device_token: "yes" });
      expect(loginData(res).device_id).toEqual(expect.any(String));
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it("an unknown device_id still needs the code (403)", async () => {
      expectDsmError(
        await pythonLogin(t.emu, OTP_ADMIN.account, OTP_ADMIN.passwd, { device_id: "not-a-device" }),
        403,
      );
    });

    it("a device token of another account does not skip the code", async () => {
      const { device_id } = loginData(
        await goLogin(t.emu, ADMIN.account, ADMIN.passwd, { enable_device_token: "yes" }),
      );
      expectDsmError(
        await pythonLogin(t.emu, OTP_ADMIN.account, OTP_ADMIN.passwd, { device_id: String(device_id) }),
        403,
      );
    });

    it("a trusted device does not bypass the password", async () => {
      t.emu.clock.advance(30_000);
      const { device_id } = loginData(
        await goLogin(t.emu, OTP_ADMIN.account, OTP_ADMIN.passwd, {
          otp_code: totp(OTP_ADMIN.secret, t.emu.clock.now()),
          enable_device_token: "yes",
        }),
      );
      expectDsmError(
        await pythonLogin(t.emu, OTP_ADMIN.account, "wrong", { device_id: String(device_id) }),
        400,
      );
    });
  });

  describe("an account DSM's application privileges deny", () => {
    const denied = useEmulator({
      fixtureData: fixtureWith((f) => {
        f.accounts.push(
          fixtureAccount({
            name: "denied",
            password: "denied-pass",
            admin: false,
            disabled: false,
            login_denied: true,
          }),
        );
      }),
    });

    const login = (passwd: string) =>
      denied.emu.get("auth.cgi", {
        api: "SYNO.API.Auth",
        version: "3",
        method: "login",
        account: "denied",
        passwd,
      });

    it("answers 402 (Permission denied) with the right password", async () => {
      expectDsmError(await login("denied-pass"), 402);
    });

    it("answers 400 with a wrong password (the password is checked first)", async () => {
      expectDsmError(await login("wrong"), 400);
    });
  });

  describe("a non-administrator", () => {
    it("logs in, but every Virtualization API answers 105", async () => {
      const sid = await t.emu.login(VIEWER.account, VIEWER.passwd);
      for (const [api, method] of [
        ["Host", "list"],
        ["Storage", "list"],
        ["Network", "list"],
        ["Guest", "list"],
        ["Guest.Image", "list"],
        ["Task.Info", "list"],
      ] as const) {
        expectDsmError(await t.emu.vmm(sid, api, method), 105);
      }
      expectDsmError(await t.emu.vmm(sid, "Guest", "get", { guest_name: "win10" }), 105);
    });

    it("can still call SYNO.DSM.Info getinfo, SYNO.API.Info and logout", async () => {
      const sid = await t.emu.login(VIEWER.account, VIEWER.passwd);
      const info = await t.emu.get("entry.cgi", {
        api: "SYNO.DSM.Info",
        version: "2",
        method: "getinfo",
        _sid: sid,
      });
      expect(expectSuccess(info).model).toBe("DS1621+");
      expectSuccess(
        await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query", _sid: sid }),
      );
      const out = await t.emu.get("auth.cgi", {
        api: "SYNO.API.Auth",
        version: "3",
        method: "logout",
        _sid: sid,
      });
      expect(out.text).toBe('{"success":true}');
    });
  });
});
