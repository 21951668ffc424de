import { beforeEach, describe, expect, it } from "vitest";
import { ACCOUNTS } from "../fixture-ids";
import { useEmulator } from "../harness";
import { controlCall } from "./support";

describe("control plane: journal", () => {
  const t = useEmulator();
  // Each test logs in itself, so that its login is the first entry.
  beforeEach(() => t.emu.admin.clearJournal());

  it("records each DSM call newest last, with passwords, sids and tokens redacted", async () => {
    const sid = await t.emu.login();
    await t.emu.get("entry.cgi", {
      api: "SYNO.Virtualization.API.Guest",
      version: "1",
      method: "get",
      guest_name: "win10",
      _sid: sid,
      SynoToken: "tok",
    });
    await t.emu.post("auth.cgi", {
      api: "SYNO.API.Auth",
      version: "6",
      method: "login",
      account: ACCOUNTS.otp.account,
      passwd: ACCOUNTS.otp.passwd,
      otp_code: "123456",
      device_id: "dev",
      enable_device_token: "yes",
    });
    const entries = await t.emu.admin.journal();
    expect(entries.map((e) => [e.api, e.method])).toEqual([
      ["SYNO.API.Auth", "login"],
      ["SYNO.Virtualization.API.Guest", "get"],
      ["SYNO.API.Auth", "login"],
    ]);
    expect(entries[0]).toMatchObject({
      cgi: "auth.cgi",
      version: 3,
      success: true,
      params: { passwd: "***" },
    });
    expect(entries[1]?.params).toMatchObject({ _sid: "***", SynoToken: "***", guest_name: "win10" });
    expect(entries[2]?.params).toMatchObject({ passwd: "***", otp_code: "***", device_id: "***" });
    expect(entries[2]?.success).toBe(false);
    expect(entries[0]?.seq).toBeLessThan(entries[1]?.seq ?? 0);
    expect(entries[0]?.at).toBe(new Date(t.emu.clock.now()).toISOString());
    expect(entries[0]?.duration_ms).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(entries)).not.toContain(sid);
    expect(JSON.stringify(entries)).not.toContain("synology");
  });

  it("filters by api, method, status and code, and limits to the newest", async () => {
    const sid = await t.emu.login();
    for (const name of ["win10", "nope", "syno", "nope2"]) {
      await t.emu.vmm(sid, "Guest", "get", { guest_name: name });
    }
    const guestApi = "SYNO.Virtualization.API.Guest";
    expect(await t.emu.admin.journal({ api: guestApi })).toHaveLength(4);
    expect(await t.emu.admin.journal({ method: "login" })).toHaveLength(1);
    const errors = await t.emu.admin.journal({ status: "error" });
    expect(errors.map((e) => e.params.guest_name)).toEqual(["nope", "nope2"]);
    expect((await t.emu.admin.journal({ code: errors[0]?.code })).length).toBe(2);
    expect((await t.emu.admin.journal({ api: guestApi, limit: 2 })).map((e) => e.params.guest_name)).toEqual([
      "syno",
      "nope2",
    ]);
    expect((await controlCall(t.emu, "GET", "/journal?status=maybe")).status).toBe(400);
    expect((await controlCall(t.emu, "GET", "/journal?limit=0")).status).toBe(400);
  });

  it("summarises calls to APIs and methods the emulator does not implement", async () => {
    const sid = await t.emu.login();
    await t.emu.get("entry.cgi", {
      api: "SYNO.Virtualization.API.Guest.Snapshot",
      version: "1",
      method: "list",
      _sid: sid,
    });
    await t.emu.get("entry.cgi", {
      api: "SYNO.Virtualization.API.Guest.Snapshot",
      version: "1",
      method: "list",
      _sid: sid,
    });
    await t.emu.vmm(sid, "Guest", "clone", { guest_name: "win10" });
    expect(await t.emu.admin.unimplemented()).toEqual([
      { api: "SYNO.Virtualization.API.Guest.Snapshot", method: "list", count: 2 },
      { api: "SYNO.Virtualization.API.Guest", method: "clone", count: 1 },
    ]);
    await t.emu.admin.clearJournal();
    expect(await t.emu.admin.unimplemented()).toEqual([]);
    expect(await t.emu.admin.journal()).toEqual([]);
  });
});

describe("control plane: journal bounds and request log", () => {
  // Each test starts its own emulator with the option it is about; no admin login, which
  // would be the first entry and the first line.
  const t = useEmulator({}, { each: true, login: false });

  it("keeps only the last journalSize calls", async () => {
    const emu = await t.start({ journalSize: 3 });
    for (let i = 0; i < 5; i++) {
      await emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query", query: `q${i}` });
    }
    const entries = await emu.admin.journal();
    expect(entries.map((e) => e.params.query)).toEqual(["q2", "q3", "q4"]);
    expect(entries.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it("request log lines redact passwords and sids", async () => {
    const lines: string[] = [];
    const emu = await t.start({ logRequests: true, log: (line) => lines.push(line) });
    const sid = await emu.login();
    await emu.vmm(sid, "Guest", "list");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^auth\.cgi SYNO\.API\.Auth\.login v3 .*"passwd":"\*\*\*".* -> ok/);
    expect(lines.join("\n")).not.toContain(sid);
    expect(lines.join("\n")).not.toContain("synology");
  });
});
