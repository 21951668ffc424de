import { describe, expect, it } from "vitest";
import { expectDsmError, expectSuccess, fixtureWith, useEmulator } from "../harness";

const { guests, networks } = fixtureWith(() => {});
const GUESTS = guests.length;
const NETWORKS = networks.length;

describe("dispatch errors (101-104), as DSM answers them", () => {
  const t = useEmulator();

  const guestList = { api: "SYNO.Virtualization.API.Guest", version: "1", method: "list" };

  it.each([
    ["api", { version: "1", method: "list" }],
    ["method", { api: "SYNO.Virtualization.API.Guest", version: "1" }],
    ["version", { api: "SYNO.Virtualization.API.Guest", method: "list" }],
    ["api (empty)", { ...guestList, api: "" }],
    ["method (empty)", { ...guestList, method: "" }],
    ["version (empty)", { ...guestList, version: "" }],
  ])("a request without %s answers 101", async (_missing, params) => {
    expectDsmError(await t.emu.get("entry.cgi", { ...params, _sid: t.sid }), 101);
  });

  it("a request with no parameters at all answers 101 on every CGI", async () => {
    for (const cgi of ["query.cgi", "auth.cgi", "entry.cgi"]) {
      const res = await t.emu.get(cgi, {});
      expectDsmError(res, 101);
      expect(res.text).toBe('{"error":{"code":101},"success":false}');
    }
  });

  it("an unknown API answers 102", async () => {
    expectDsmError(await t.emu.get("entry.cgi", { ...guestList, api: "SYNO.Virtualization.API.Nope" }), 102);
  });

  it("an API name that is an Object prototype key answers 102, not a crash", async () => {
    for (const api of ["toString", "__proto__", "constructor", "hasOwnProperty"]) {
      expectDsmError(await t.emu.get("entry.cgi", { ...guestList, api }), 102);
    }
  });

  it("a Virtualization API called on auth.cgi or query.cgi answers 102 (it lives on entry.cgi)", async () => {
    expectDsmError(await t.emu.get("auth.cgi", { ...guestList, _sid: t.sid }), 102);
    expectDsmError(await t.emu.get("query.cgi", { ...guestList, _sid: t.sid }), 102);
  });

  it("SYNO.API.Info on auth.cgi answers 102; SYNO.API.Auth on query.cgi answers 102", async () => {
    expectDsmError(await t.emu.get("auth.cgi", { api: "SYNO.API.Info", version: "1", method: "query" }), 102);
    expectDsmError(
      await t.emu.get("query.cgi", {
        api: "SYNO.API.Auth",
        version: "3",
        method: "login",
        ...{ account: "admin" },
      }),
      102,
    );
  });

  it("an unknown method answers 103", async () => {
    expectDsmError(await t.emu.get("entry.cgi", { ...guestList, method: "explode", _sid: t.sid }), 103);
  });

  it("a method name that is an Object prototype key answers 103", async () => {
    for (const method of ["toString", "constructor", "__proto__"]) {
      expectDsmError(await t.emu.get("entry.cgi", { ...guestList, method, _sid: t.sid }), 103);
    }
  });

  it("a known method of another API answers 103 (methods belong to their API)", async () => {
    expectDsmError(await t.emu.get("entry.cgi", { ...guestList, method: "login", _sid: t.sid }), 103);
  });

  it.each(["0", "2", "7", "-1"])("version %s of a version-1 API answers 104", async (version) => {
    expectDsmError(await t.emu.get("entry.cgi", { ...guestList, version, _sid: t.sid }), 104);
  });

  it.each(["one", "1.0", "1e0", " 1", "0x1", "99999999999999999999999"])(
    "a non-numeric or out-of-range version (%j) answers 104",
    async (version) => {
      expectDsmError(await t.emu.get("entry.cgi", { ...guestList, version, _sid: t.sid }), 104);
    },
  );

  it("SYNO.API.Auth answers version 8 with 104 (DSM 7 stops at 7)", async () => {
    const res = await t.emu.get("entry.cgi", { api: "SYNO.API.Auth", version: "8", method: "login" });
    expectDsmError(res, 104);
  });

  it("dispatch errors come before the session check (no sid still answers 102/103/104)", async () => {
    expectDsmError(await t.emu.get("entry.cgi", { ...guestList, api: "SYNO.Nope" }), 102);
    expectDsmError(await t.emu.get("entry.cgi", { ...guestList, method: "nope" }), 103);
    expectDsmError(await t.emu.get("entry.cgi", { ...guestList, version: "9" }), 104);
    expectDsmError(await t.emu.get("entry.cgi", guestList), 119);
  });

  it("the path-info form /webapi/entry.cgi/<API> names the API when `api` is absent", async () => {
    const res = await t.emu.post("entry.cgi/SYNO.Virtualization.API.Guest", {
      version: "1",
      method: "list",
      _sid: t.sid,
    });
    expect(expectSuccess(res).guests).toHaveLength(GUESTS);
  });

  it("the path-info form with `api` in the body calls that API (the body wins)", async () => {
    const res = await t.emu.post("entry.cgi/SYNO.Virtualization.API.Guest", { ...guestList, _sid: t.sid });
    expect(expectSuccess(res).guests).toHaveLength(GUESTS);
  });

  it("the path-info form with an unknown API answers 102", async () => {
    expectDsmError(
      await t.emu.post("entry.cgi/SYNO.Nope", { version: "1", method: "list", _sid: t.sid }),
      102,
    );
  });

  it("query string and form body are merged (api in the query, the rest in the body)", async () => {
    const res = await t.emu.post(
      `entry.cgi?${new URLSearchParams({ api: "SYNO.Virtualization.API.Network", version: "1" })}`,
      { method: "list", _sid: t.sid },
    );
    expect(expectSuccess(res).networks).toHaveLength(NETWORKS);
  });

  it("a multipart/form-data body is read like a form body", async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({
      ...guestList,
      api: "SYNO.Virtualization.API.Network",
      _sid: t.sid,
    }))
      form.append(k, v);
    const res = await fetch(`${t.emu.url}/webapi/entry.cgi`, { method: "POST", body: form });
    const body = (await res.json()) as { success: boolean };
    expect(body.success).toBe(true);
  });

  it("unknown extra parameters are ignored, never an error", async () => {
    const res = await t.emu.get("entry.cgi", {
      ...guestList,
      _sid: t.sid,
      client: "browser",
      timezone: "+00:00",
      mimeType: "json",
      logintype: "local",
      ik_message: "x",
      additional_junk: "[1,2",
    });
    expect(expectSuccess(res).guests).toHaveLength(GUESTS);
  });
});
