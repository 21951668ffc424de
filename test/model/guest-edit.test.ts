import { describe, expect, it } from "vitest";
import { STORAGES } from "../fixture-ids";
import { createGuest, expectDsmError, expectSuccess, fixtureWith, useEmulator } from "../harness";

const t = useEmulator({}, { each: true });
const set = (params: Record<string, string>) => t.emu.vmm(t.sid, "Guest", "set", params);
const get = async (name: string) =>
  expectSuccess(await t.emu.vmm(t.sid, "Guest", "get", { guest_name: name }));
const storageUsed = async () => {
  const storages = expectSuccess(await t.emu.vmm(t.sid, "Storage", "list")).storages as {
    storage_name: string;
    used: number;
  }[];
  return storages.find((s) => s.storage_name === STORAGES.first.name)?.used;
};

describe("Guest set", () => {
  it("changes name, description, autorun, vCPU and memory of a guest that is off", async () => {
    expectSuccess(
      await set({
        guest_name: "syno",
        new_guest_name: "syno-renamed",
        description: "a, b",
        autorun: "2",
        vcpu_num: "2",
        vram_size: "2048",
      }),
    );
    expect(await get("syno-renamed")).toMatchObject({
      description: "a, b",
      autorun: 2,
      vcpu_num: 2,
      vram_size: 2048,
    });
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "get", { guest_name: "syno" }), 401);
  });

  it("answers 403 when the new name is taken, and changes nothing", async () => {
    expectDsmError(await set({ guest_name: "syno", new_guest_name: "win10", description: "changed" }), 403);
    expect((await get("syno")).description).toBe("");
  });

  it("answers 904 to a vCPU or memory change of a running guest, but renames it", async () => {
    expectDsmError(await set({ guest_name: "ubuntu-web", vcpu_num: "4" }), 904);
    expectDsmError(await set({ guest_name: "ubuntu-web", vram_size: "4096" }), 904);
    expectSuccess(
      await set({ guest_name: "ubuntu-web", vcpu_num: "2", description: "same size is no change" }),
    );
    expectSuccess(await set({ guest_name: "ubuntu-web", new_guest_name: "web" }));
    expect((await get("web")).status).toBe("running");
  });

  it("answers 401 for bad values", async () => {
    expectDsmError(await set({ guest_name: "syno", autorun: "3" }), 401);
    expectDsmError(await set({ guest_name: "syno", vcpu_num: "two" }), 401);
    expectDsmError(await set({ guest_name: "syno", vcpu_num: "0" }), 401);
  });

  it("on a cluster whose HA hosts cannot reserve the new size applies the edit and answers 1600", async () => {
    await t.start({
      fixtureData: fixtureWith((f) => {
        f.system.ha_enabled = true;
        f.system.ha_reservation_ok = false;
      }),
    });
    expectDsmError(await set({ guest_name: "syno", vram_size: "2048" }), 1600);
    expect((await get("syno")).vram_size).toBe(2048);
    expectSuccess(await set({ guest_name: "syno", description: "no reservation involved" }));
  });

  it("refuses to edit a guest that is still being created (402)", async () => {
    await createGuest(t.emu, t.sid, "young");
    expectDsmError(await set({ guest_name: "young", description: "x" }), 402);
  });
});

describe("Guest delete", () => {
  it("refuses a running guest with 904", async () => {
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "ubuntu-web" }), 904);
  });

  it("frees the guest's vdisks: storage space and LUNs come back", async () => {
    await t.start({
      fixtureData: fixtureWith((f) => {
        f.system.max_iscsi_luns = 10;
      }),
    });
    const before = await storageUsed();
    await createGuest(t.emu, t.sid, "tmp", {}, { ready: true });
    expect(await storageUsed()).toBe(Number(before) + 1024);
    expectDsmError(
      await t.emu.vmm(t.sid, "Guest", "create", {
        guest_name: "tmp2",
        storage_name: STORAGES.first.name,
        vdisks: '[{"create_type":0,"vdisk_size":1}]',
      }),
      404,
    );
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "tmp" }));
    expect(await storageUsed()).toBe(before);
    expectSuccess(
      await t.emu.vmm(t.sid, "Guest", "create", {
        guest_name: "tmp2",
        storage_name: STORAGES.first.name,
        vdisks: '[{"create_type":0,"vdisk_size":1}]',
      }),
    );
  });

  it("answers 401 for an unknown guest", async () => {
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "nope" }), 401);
  });
});
