import { describe, expect, it } from "vitest";
import { ACCOUNTS } from "../../fixture-ids";
import { expectDsmError, expectSuccess, useEmulator } from "../../harness";
import { goLogin, loginData, pythonLogin, setCookie } from "../../support/logins";

const ADMIN = ACCOUNTS.admin;

describe("the login shapes real clients send (docs/clients.md)", () => {
  const t = useEmulator();

  describe("legacy: GET auth.cgi version 3 (guide, npm syno)", () => {
    it("answers only the sid, with no cookie for format=sid", async () => {
      const res = await t.emu.get("auth.cgi", {
        api: "SYNO.API.Auth",
        version: "3",
        method: "login",
        ...ADMIN,
        session: "DiskStationManager",
        format: "sid",
      });
      const data = loginData(res);
      expect(Object.keys(data)).toEqual(["sid"]);
      expect(res.text).toBe(`{"data":{"sid":"${data.sid}"},"success":true}`);
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it.each(["1", "2"])("version %s on auth.cgi is served as well", async (version) => {
      const res = await t.emu.get("auth.cgi", { api: "SYNO.API.Auth", version, method: "login", ...ADMIN });
      loginData(res);
    });

    it("format=cookie (the default) also sets cookie id=<sid>;expires=..;max-age=604800;path=/;HttpOnly", async () => {
      const res = await t.emu.get("auth.cgi", {
        api: "SYNO.API.Auth",
        version: "3",
        method: "login",
        ...ADMIN,
      });
      const { sid } = loginData(res);
      const id = setCookie(res, "id");
      expect(id?.value).toBe(sid);
      expect(id?.attributes).toEqual([
        expect.stringMatching(/^expires=[A-Z][a-z]{2}, \d{2}-[A-Z][a-z]{2}-\d{4} [\d:]{8} GMT$/),
        "max-age=604800",
        "path=/",
        "HttpOnly",
      ]);
    });

    it("the sid works as `_sid` on entry.cgi", async () => {
      const sid = await t.emu.login();
      expectSuccess(await t.emu.vmm(sid, "Guest", "get", { guest_name: "win10" }));
    });
  });

  describe("Go client: GET entry.cgi version 7 with enable_syno_token=yes", () => {
    it("answers account, is_portal_port, sid and synotoken, both non-empty", async () => {
      const res = await goLogin(t.emu, ADMIN.account, ADMIN.passwd);
      const data = loginData(res);
      expect(data).toEqual({
        account: "admin",
        is_portal_port: false,
        sid: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/),
        synotoken: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
      });
      expect(Object.keys(data)).toEqual(["account", "is_portal_port", "sid", "synotoken"]);
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it("without enable_syno_token answers synotoken '--------', as DSM 7 did (a placeholder no session checks)", async () => {
      const res = await goLogin(t.emu, ADMIN.account, ADMIN.passwd, { enable_syno_token: "no" });
      expect(loginData(res).synotoken).toBe("--------");
    });

    it("the sid then works as `_sid` without the token (the token guards cookie sessions)", async () => {
      const { sid } = loginData(await goLogin(t.emu, ADMIN.account, ADMIN.passwd));
      expectSuccess(await t.emu.vmm(sid, "Host", "list"));
    });

    it("the sid also works with the token sent as X-SYNO-TOKEN, as the Go client sends it", async () => {
      const data = loginData(await goLogin(t.emu, ADMIN.account, ADMIN.passwd));
      const res = await t.emu.get(
        "entry.cgi",
        { api: "SYNO.Virtualization.API.Host", version: "1", method: "list", _sid: data.sid },
        { headers: { "X-SYNO-TOKEN": String(data.synotoken) } },
      );
      expectSuccess(res);
    });
  });

  describe("Python clients: form POST to auth.cgi, then entry.cgi/<API> with cookie id and X-SYNO-TOKEN", () => {
    it("login with format=cookie, otp_code= (empty) and extra parameters sets cookie id (HttpOnly)", async () => {
      const res = await pythonLogin(t.emu, ADMIN.account, ADMIN.passwd);
      const data = loginData(res);
      expect(data.synotoken).toEqual(expect.any(String));
      expect(data.account).toBe("admin");
      expect(data.is_portal_port).toBe(false);
      const id = setCookie(res, "id");
      expect(id?.value).toBe(data.sid);
      expect(id?.attributes).toContain("HttpOnly");
      expect(setCookie(res, "did")).toBeUndefined();
    });

    async function cookieSession() {
      const data = loginData(await pythonLogin(t.emu, ADMIN.account, ADMIN.passwd));
      return { cookie: `id=${data.sid}`, token: String(data.synotoken) };
    }

    it("POST entry.cgi/SYNO.Virtualization.API.Guest with only cookie id and X-SYNO-TOKEN succeeds", async () => {
      const { cookie, token } = await cookieSession();
      const res = await t.emu.post(
        "entry.cgi/SYNO.Virtualization.API.Guest",
        { api: "SYNO.Virtualization.API.Guest", version: "1", method: "get", guest_name: '"win10"' },
        { headers: { cookie, "X-SYNO-TOKEN": token } },
      );
      expect(expectSuccess(res).guest_name).toBe("win10");
    });

    it("the cookie without X-SYNO-TOKEN answers 119 (DSM's CSRF guard)", async () => {
      const { cookie } = await cookieSession();
      const res = await t.emu.post(
        "entry.cgi/SYNO.Virtualization.API.Guest",
        { api: "SYNO.Virtualization.API.Guest", version: "1", method: "list" },
        { headers: { cookie } },
      );
      expectDsmError(res, 119);
    });

    it("the cookie with a wrong X-SYNO-TOKEN answers 119", async () => {
      const { cookie } = await cookieSession();
      const res = await t.emu.post(
        "entry.cgi/SYNO.Virtualization.API.Guest",
        { api: "SYNO.Virtualization.API.Guest", version: "1", method: "list" },
        { headers: { cookie, "X-SYNO-TOKEN": "wrong-token" } },
      );
      expectDsmError(res, 119);
    });

    it("the token sent as the SynoToken parameter (query or body) works too", async () => {
      const { cookie, token } = await cookieSession();
      const inBody = await t.emu.post(
        "entry.cgi",
        { api: "SYNO.Virtualization.API.Guest", version: "1", method: "list", SynoToken: token },
        { headers: { cookie } },
      );
      expectSuccess(inBody);
      const inQuery = await t.emu.get(
        "entry.cgi",
        { api: "SYNO.Virtualization.API.Network", version: "1", method: "list", SynoToken: token },
        { headers: { cookie } },
      );
      expectSuccess(inQuery);
    });

    it("a cookie session opened without enable_syno_token needs no token", async () => {
      const res = await pythonLogin(t.emu, ADMIN.account, ADMIN.passwd, { enable_syno_token: "no" });
      const { sid } = loginData(res);
      const list = await t.emu.get(
        "entry.cgi",
        { api: "SYNO.Virtualization.API.Network", version: "1", method: "list" },
        { headers: { cookie: `id=${sid}` } },
      );
      expectSuccess(list);
    });

    it("a POST login to entry.cgi/SYNO.API.Auth (path-info form) works as well", async () => {
      const res = await t.emu.post("entry.cgi/SYNO.API.Auth", {
        version: "7",
        method: "login",
        ...ADMIN,
        format: "sid",
        enable_syno_token: "yes",
      });
      expect(loginData(res).synotoken).toEqual(expect.any(String));
    });

    it("SYNO.DSM.Info getinfo right after login, with the cookie and token, answers model and serial", async () => {
      const { cookie, token } = await cookieSession();
      const res = await t.emu.post(
        "entry.cgi",
        { api: "SYNO.DSM.Info", version: "2", method: "getinfo" },
        { headers: { cookie, "X-SYNO-TOKEN": token } },
      );
      expect(expectSuccess(res)).toMatchObject({ model: "DS1621+", serial: "2150PDN000001" });
    });
  });
});
