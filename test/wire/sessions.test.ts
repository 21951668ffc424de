import { describe, expect, it } from "vitest";
import { ACCOUNTS } from "../fixture-ids";
import { expectDsmError, expectSuccess, useEmulator } from "../harness";
import { loginData, pythonLogin } from "../support/logins";

const ADMIN = ACCOUNTS.admin;

describe("sessions: 119 without or with an unknown sid; with --session-expired-code 106, 106 once idle past the timeout", () => {
  // A short timeout keeps the arithmetic readable; the default is 900 s. The guide's 106 is an
  // option (DSM 7 answers 119 by default: test/api/core/login.test.ts).
  const TIMEOUT_S = 60;
  // One emulator for the file: each test logs in afresh, so moving the clock in one test
  // cannot expire a session another test still uses.
  const t = useEmulator({ sessionTimeout: TIMEOUT_S, sessionExpiredCode: 106 });

  const hostList = (params: Record<string, string>, init?: RequestInit) =>
    t.emu.get(
      "entry.cgi",
      { api: "SYNO.Virtualization.API.Host", version: "1", method: "list", ...params },
      init,
    );

  it("a Virtualization call without a sid answers 119", async () => {
    expectDsmError(await hostList({}), 119);
  });

  it("an empty _sid answers 119", async () => {
    expectDsmError(await hostList({ _sid: "" }), 119);
  });

  it("an unknown sid answers 119, as _sid or as cookie id", async () => {
    expectDsmError(await hostList({ _sid: "AAAAAAAAAAAAAAAAAAAAAAAA" }), 119);
    expectDsmError(await hostList({}, { headers: { cookie: "id=AAAAAAAAAAAAAAAAAAAAAAAA" } }), 119);
  });

  it("SYNO.DSM.Info getinfo also needs a session (119)", async () => {
    expectDsmError(
      await t.emu.get("entry.cgi", { api: "SYNO.DSM.Info", version: "2", method: "getinfo" }),
      119,
    );
  });

  it("_sid in a form body is read like _sid in the query", async () => {
    const sid = await t.emu.login();
    const res = await t.emu.post("entry.cgi", {
      api: "SYNO.Virtualization.API.Host",
      version: "1",
      method: "list",
      _sid: sid,
    });
    expectSuccess(res);
  });

  it("a session idle past --session-timeout answers 106 once, then 119", async () => {
    const sid = await t.emu.login();
    t.emu.clock.advance(TIMEOUT_S * 1000 + 1);
    expectDsmError(await hostList({ _sid: sid }), 106);
    expectDsmError(await hostList({ _sid: sid }), 119);
  });

  it("a session idle exactly the timeout is still alive", async () => {
    const sid = await t.emu.login();
    t.emu.clock.advance(TIMEOUT_S * 1000);
    expectSuccess(await hostList({ _sid: sid }));
  });

  it("an expired cookie session answers 106 too", async () => {
    const data = loginData(await pythonLogin(t.emu, ADMIN.account, ADMIN.passwd));
    t.emu.clock.advance(TIMEOUT_S * 1000 + 1);
    const res = await hostList(
      {},
      { headers: { cookie: `id=${data.sid}`, "X-SYNO-TOKEN": String(data.synotoken) } },
    );
    expectDsmError(res, 106);
  });

  it("activity keeps a session alive past the timeout counted from login", async () => {
    const sid = await t.emu.login();
    for (let i = 0; i < 4; i++) {
      t.emu.clock.advance((TIMEOUT_S * 1000) / 2);
      expectSuccess(await hostList({ _sid: sid }));
    }
    // Two full timeouts since login, but never idle longer than half of one.
    t.emu.clock.advance(TIMEOUT_S * 1000 + 1);
    expectDsmError(await hostList({ _sid: sid }), 106);
  });

  it("a call that fails (401) still counts as activity", async () => {
    const sid = await t.emu.login();
    t.emu.clock.advance((TIMEOUT_S * 1000) / 2 + 1000);
    expectDsmError(await t.emu.vmm(sid, "Guest", "get"), 401);
    t.emu.clock.advance((TIMEOUT_S * 1000) / 2 + 1000);
    expectSuccess(await hostList({ _sid: sid }));
  });

  it("an expired session does not block a new login", async () => {
    const old = await t.emu.login();
    t.emu.clock.advance(TIMEOUT_S * 1000 + 1);
    const fresh = await t.emu.login();
    expect(fresh).not.toBe(old);
    expectSuccess(await hostList({ _sid: fresh }));
  });

  it("logout ends the session (119 afterwards); other sessions of the account live on", async () => {
    const sid = await t.emu.login();
    const other = await t.emu.login();
    const out = await t.emu.get("auth.cgi", {
      api: "SYNO.API.Auth",
      version: "3",
      method: "logout",
      _sid: sid,
    });
    expect(out.text).toBe('{"success":true}');
    expectDsmError(await hostList({ _sid: sid }), 119);
    expectSuccess(await hostList({ _sid: other }));
  });

  it("logout on entry.cgi v7 with cookie id and X-SYNO-TOKEN ends the cookie session", async () => {
    const data = loginData(await pythonLogin(t.emu, ADMIN.account, ADMIN.passwd));
    const headers = { cookie: `id=${data.sid}`, "X-SYNO-TOKEN": String(data.synotoken) };
    const out = await t.emu.post(
      "entry.cgi",
      { api: "SYNO.API.Auth", version: "7", method: "logout" },
      { headers },
    );
    expectSuccess(out);
    expectDsmError(await hostList({ _sid: data.sid }), 119);
  });

  it("logout through the cookie without the session's token succeeds but leaves the session open (CSRF guard)", async () => {
    const data = loginData(await pythonLogin(t.emu, ADMIN.account, ADMIN.passwd));
    const out = await t.emu.post(
      "entry.cgi",
      { api: "SYNO.API.Auth", version: "7", method: "logout" },
      { headers: { cookie: `id=${data.sid}` } },
    );
    expectSuccess(out);
    expectSuccess(await hostList({ _sid: data.sid }));
  });

  it("logout without a sid succeeds (Python clients send logout&session=webui)", async () => {
    const res = await t.emu.get("auth.cgi", {
      api: "SYNO.API.Auth",
      version: "7",
      method: "logout",
      session: "webui",
    });
    expect(res.text).toBe('{"success":true}');
  });

  it("logout with an unknown or expired sid succeeds", async () => {
    expectSuccess(
      await t.emu.get("auth.cgi", { api: "SYNO.API.Auth", version: "3", method: "logout", _sid: "nope" }),
    );
    const sid = await t.emu.login();
    t.emu.clock.advance(TIMEOUT_S * 1000 + 1);
    expectSuccess(
      await t.emu.get("auth.cgi", { api: "SYNO.API.Auth", version: "3", method: "logout", _sid: sid }),
    );
  });

  it("sids are unique and carry at least 128 bits (base64url of 16+ random bytes)", async () => {
    const sids = await Promise.all(Array.from({ length: 20 }, () => t.emu.login()));
    expect(new Set(sids).size).toBe(sids.length);
    for (const sid of sids) {
      expect(sid).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(sid, "base64url").length).toBeGreaterThanOrEqual(16);
    }
  });

  it("synotokens and device tokens (device_id on version 7) are unique per login", async () => {
    const tokens = await Promise.all(
      Array.from({ length: 10 }, async () =>
        loginData(await pythonLogin(t.emu, ADMIN.account, ADMIN.passwd, { enable_device_token: "yes" })),
      ),
    );
    expect(new Set(tokens.map((t) => t.synotoken)).size).toBe(10);
    expect(new Set(tokens.map((t) => t.device_id)).size).toBe(10);
  });
});
