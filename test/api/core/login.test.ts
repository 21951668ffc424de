/**
 * Login as DSM 7 answers it, and DSM 7's auth rules: the answer's keys per version, real-looking
 * sids, the id cookie and its re-issue, expired sessions (119 by default, 106 by option),
 * auto-block (407) lifted by expiry or the control plane, a 2-step code used once per window,
 * the factors a 403 lists, and 405-411 from the account's state.
 */
import { describe, expect, it } from "vitest";
import { totp } from "../../../server/security/totp";
import { ACCOUNTS } from "../../fixture-ids";
import { expectDsmError, expectSuccess, fixtureWith, type TestEmulator, useEmulator } from "../../harness";
import { DSM7_ACCOUNTS } from "../../support/dsm7";

const login = (emu: TestEmulator, version: string, extra: Record<string, string> = {}) =>
  emu.get("entry.cgi", {
    api: "SYNO.API.Auth",
    version,
    method: "login",
    account: ACCOUNTS.admin.account,
    passwd: ACCOUNTS.admin.passwd,
    ...extra,
  });

describe("the login answer per version", () => {
  const t = useEmulator({ autoBlockAttempts: "off" });

  it("version 7 answers account, device_id, is_portal_port, an 86-character sid and synotoken", async () => {
    const data = expectSuccess(
      await login(t.emu, "7", {
        enable_syno_token: "yes",
        enable_device_token: "yes",
        device_name: "ci",
        format: "sid",
      }),
    );
    expect(Object.keys(data).sort()).toEqual(["account", "device_id", "is_portal_port", "sid", "synotoken"]);
    expect(data).toMatchObject({ account: "admin", is_portal_port: false });
    expect(data.sid).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });

  it("version 6 answers the device token as did, and version 3 the sid alone (26 characters)", async () => {
    const six = expectSuccess(await login(t.emu, "6", { enable_device_token: "yes", format: "sid" }));
    expect(Object.keys(six).sort()).toEqual(["account", "did", "is_portal_port", "sid"]);
    const three = expectSuccess(await login(t.emu, "3", { format: "sid" }));
    expect(Object.keys(three)).toEqual(["sid"]);
    expect(three.sid).toMatch(/^[A-Za-z0-9_-]{26}$/);
  });

  it("answers synotoken '--------' to a version 7 login that asked for none, and the session takes it back", async () => {
    const data = expectSuccess(await login(t.emu, "7"));
    expect(data.synotoken).toBe("--------");
    const sid = String(data.sid);
    expectSuccess(
      await t.emu.get("entry.cgi", {
        api: "SYNO.DSM.Info",
        version: "2",
        method: "getinfo",
        _sid: sid,
        SynoToken: "--------",
      }),
    );
  });

  it("sets the id cookie as DSM does and re-issues it on later entry.cgi answers of a cookie session", async () => {
    const res = await login(t.emu, "7", { format: "cookie" });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("id="));
    expect(cookie).toMatch(
      /^id=[A-Za-z0-9_-]{86};expires=[A-Z][a-z]{2}, \d{2}-[A-Z][a-z]{2}-\d{4} [\d:]{8} GMT;max-age=604800;path=\/;HttpOnly$/,
    );
    const sid = String(expectSuccess(res).sid);
    const later = await t.emu.get(
      "entry.cgi",
      { api: "SYNO.Virtualization.API.Host", version: "1", method: "list" },
      { headers: { cookie: `id=${sid}` } },
    );
    expectSuccess(later);
    expect(later.headers.getSetCookie()).toEqual([
      // Recorded on DSM 7.2 (HA issue #148837): the same attributes as the login's.
      expect.stringMatching(
        new RegExp(
          `^id=${sid};expires=[A-Z][a-z]{2}, \\d{2}-[A-Z][a-z]{2}-\\d{4} [\\d:]{8} GMT;max-age=604800;path=/;HttpOnly$`,
        ),
      ),
    ]);
    // With the sid as a parameter nothing is re-issued.
    const bySid = await t.emu.vmm(sid, "Host", "list");
    expect(bySid.headers.getSetCookie()).toEqual([]);
  });

  it("ignores a stale _sid and SynoToken sent with a login (hass-synovmm), keeping the old session", async () => {
    const old = String(expectSuccess(await login(t.emu, "7")).sid);
    const fresh = String(expectSuccess(await login(t.emu, "7", { _sid: old, SynoToken: "--------" })).sid);
    expect(fresh).not.toBe(old);
    expectSuccess(await t.emu.vmm(old, "Host", "list"));
    expectSuccess(await t.emu.vmm(fresh, "Host", "list"));
  });
});

describe("expired sessions", () => {
  const t = useEmulator();

  it("answer 119 by default, as DSM 7 does", async () => {
    const sid = await t.emu.login();
    t.emu.clock.advance(901_000);
    expectDsmError(await t.emu.vmm(sid, "Host", "list"), 119);
  });

  it("answer the guide's 106 with --session-expired-code 106 (once; then the sid is gone: 119)", async () => {
    const emu = await t.start({ sessionExpiredCode: 106 });
    const sid = await emu.login();
    emu.clock.advance(901_000);
    expectDsmError(await emu.vmm(sid, "Host", "list"), 106);
    expectDsmError(await emu.vmm(sid, "Host", "list"), 119);
  });
});

describe("auto-block", () => {
  // DSM's defaults: 10 failures within 5 minutes, no expiry (the harness switches it off).
  const t = useEmulator(
    { autoBlockAttempts: 10, autoBlockWindow: 5, autoBlockExpiry: "never" },
    { each: true },
  );
  const wrong = (emu: TestEmulator) => login(emu, "7", { passwd: "wrong" });

  it("blocks an address after 10 failed logins within 5 minutes: 407, even with the right password", async () => {
    for (let i = 0; i < 9; i++) expectDsmError(await wrong(t.emu), 400);
    expectDsmError(await wrong(t.emu), 400);
    expectDsmError(await login(t.emu, "7"), 407);
    expect(await t.emu.admin.blocks()).toEqual([
      expect.objectContaining({ address: "127.0.0.1", until: null }),
    ]);
  });

  it("does not block failures spread beyond the window, and a success clears the count", async () => {
    for (let i = 0; i < 9; i++) expectDsmError(await wrong(t.emu), 400);
    t.emu.clock.advance(5 * 60_000 + 1);
    for (let i = 0; i < 9; i++) expectDsmError(await wrong(t.emu), 400);
    expectSuccess(await login(t.emu, "7"));
    for (let i = 0; i < 9; i++) expectDsmError(await wrong(t.emu), 400);
    expectSuccess(await login(t.emu, "7"));
  });

  it("is lifted by the control plane, or by its expiry when one is set", async () => {
    for (let i = 0; i < 10; i++) await wrong(t.emu);
    expectDsmError(await login(t.emu, "7"), 407);
    expect(await t.emu.admin.unblock("127.0.0.1")).toEqual({ lifted: 1 });
    expectSuccess(await login(t.emu, "7"));

    const emu = await t.start({ autoBlockAttempts: 3, autoBlockExpiry: 10 });
    for (let i = 0; i < 3; i++) await wrong(emu);
    expectDsmError(await login(emu, "7"), 407);
    emu.clock.advance(10 * 60_000);
    expectSuccess(await login(emu, "7"));
  });

  it("counts wrong 2-step codes, and can be switched off", async () => {
    const otp = (code: string) =>
      t.emu.get("entry.cgi", {
        api: "SYNO.API.Auth",
        version: "7",
        method: "login",
        account: ACCOUNTS.otp.account,
        passwd: ACCOUNTS.otp.passwd,
        otp_code: code,
      });
    for (let i = 0; i < 10; i++) expectDsmError(await otp("000000"), 404);
    expectDsmError(await otp(totp(ACCOUNTS.otp.secret, t.emu.clock.now())), 407);

    const emu = await t.start({ autoBlockAttempts: "off" });
    for (let i = 0; i < 20; i++) expectDsmError(await wrong(emu), 400);
    expectSuccess(await login(emu, "7"));
  });
});

describe("2-step verification and account states", () => {
  const t = useEmulator({ autoBlockAttempts: "off" });
  const as = (account: string, passwd: string, extra: Record<string, string> = {}) =>
    t.emu.get("entry.cgi", {
      api: "SYNO.API.Auth",
      version: "7",
      method: "login",
      account,
      passwd,
      ...extra,
    });

  it("takes a code once per window: the same code again answers 404, the next window's works", async () => {
    const now = t.emu.clock.now();
    const code = totp(ACCOUNTS.otp.secret, now);
    expectSuccess(await as(ACCOUNTS.otp.account, ACCOUNTS.otp.passwd, { otp_code: code }));
    expectDsmError(await as(ACCOUNTS.otp.account, ACCOUNTS.otp.passwd, { otp_code: code }), 404);
    t.emu.clock.advance(30_000);
    const next = totp(ACCOUNTS.otp.secret, t.emu.clock.now());
    expectSuccess(await as(ACCOUNTS.otp.account, ACCOUNTS.otp.passwd, { otp_code: next }));
  });

  it("lists every factor the account has in the 403 detail", async () => {
    const emu = await t.start({
      autoBlockAttempts: "off",
      fixtureData: fixtureWith((f) => {
        const account = f.accounts.find((a) => a.name === ACCOUNTS.otp.account);
        if (account !== undefined) account.second_factors = ["otp", "fido", "authenticator"];
      }),
    });
    const res = await emu.get("entry.cgi", {
      api: "SYNO.API.Auth",
      version: "7",
      method: "login",
      account: ACCOUNTS.otp.account,
      passwd: ACCOUNTS.otp.passwd,
    });
    expectDsmError(res, 403);
    expect(res.body.error?.errors).toEqual({
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
      types: [{ type: "authenticator" }, { type: "fido" }, { type: "otp" }],
    });
  });

  it.each<[{ account: string; passwd: string }, number, string]>([
    [DSM7_ACCOUNTS.enforced, 406, "2-step verification enforced but not set up"],
    [DSM7_ACCOUNTS.frozen, 408, "password expired and may not be changed"],
    [DSM7_ACCOUNTS.expired, 409, "password expired"],
    [DSM7_ACCOUNTS.newhire, 410, "password must be changed"],
    [DSM7_ACCOUNTS.locked, 411, "account locked"],
  ])("%o answers %i (%s)", async (account, code) => {
    const emu = await t.start({ autoBlockAttempts: "off" });
    expectDsmError(
      await emu.get("entry.cgi", { api: "SYNO.API.Auth", version: "7", method: "login", ...account }),
      code,
    );
    // The state is checked after the password: a wrong one still answers 400.
    expectDsmError(
      await emu.get("entry.cgi", {
        api: "SYNO.API.Auth",
        version: "7",
        method: "login",
        ...account,
        passwd: "x",
      }),
      400,
    );
  });
});
