import { describe, expect, it } from "vitest";
import { expectDsmError, expectSuccess, useEmulator } from "./harness";

describe("the guide's worked example (chapter 2), verbatim", () => {
  const t = useEmulator();

  it("logs in with admin/synology, gets win10 by name, and logs out", async () => {
    const login = await t.emu.get("auth.cgi", {
      api: "SYNO.API.Auth",
      method: "login",
      version: "3",
      account: "admin",
      passwd: "synology",
      format: "sid",
      session: "dsm_info",
    });
    const { sid } = expectSuccess(login) as { sid: string };
    expect(sid).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(login.headers.get("set-cookie")).toBeNull();

    const guest = await t.emu.get("entry.cgi", {
      api: "SYNO.Virtualization.API.Guest",
      version: "1",
      method: "get",
      _sid: sid,
      guest_name: "win10",
    });
    expect(expectSuccess(guest)).toEqual({
      autorun: 0,
      description: "",
      guest_id: "89f5bde5-9230-417e-b597-f2fd4f4ebd54",
      guest_name: "win10",
      status: "shutdown",
      storage_id: "a5428b34-0fdb-456f-8339-f16224e4c860",
      storage_name: "Synology - VM Storage 1",
      vcpu_num: 2,
      vdisks: [
        { controller: 1, unmap: false, vdisk_id: "07342e0e-14eb-4583-aba6-b1448f1bd13b", vdisk_size: 25600 },
      ],
      vnics: [
        {
          mac: "02:11:32:2c:2f:7b",
          model: 2,
          network_id: "bfffe844-3dee-46fd-a1cc-00d2cae7b767",
          network_name: "Default VM Network",
          vnic_id: "34e8d21f-fdd6-41cd-bcae-a23b002cb873",
        },
      ],
      vram_size: 2048,
    });

    const noName = await t.emu.get("entry.cgi", {
      api: "SYNO.Virtualization.API.Guest",
      version: "1",
      method: "get",
      _sid: sid,
    });
    expectDsmError(noName, 401);
    expect(noName.text).toBe('{"error":{"code":401},"success":false}');

    const logout = await t.emu.get("auth.cgi", {
      api: "SYNO.API.Auth",
      method: "logout",
      version: "3",
      _sid: sid,
    });
    expect(logout.text).toBe('{"success":true}');
    const after = await t.emu.vmm(sid, "Guest", "get", { guest_name: "win10" });
    expectDsmError(after, 119);
  });
});
