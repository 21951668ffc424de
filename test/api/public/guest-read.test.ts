import { describe, expect, it } from "vitest";
import { GUESTS } from "../../fixture-ids";
import { expectDsmError, expectSuccess, fixtureWith, useEmulator } from "../../harness";

const WIN10 = GUESTS.win10.id;
const SYNO = GUESTS.syno.id;
const GUEST_KEYS = [
  "autorun",
  "description",
  "guest_id",
  "guest_name",
  "status",
  "storage_id",
  "storage_name",
  "vcpu_num",
  "vdisks",
  "vnics",
  "vram_size",
];

type Guest = Record<string, unknown> & {
  vdisks: Record<string, unknown>[];
  vnics: Record<string, unknown>[];
};

describe("Guest list and get", () => {
  const t = useEmulator({
    // Names that need the guide's escaping, to prove `guest_name` is unescaped.
    fixtureData: fixtureWith((f) => {
      const [first, second] = f.guests.filter(
        (g) => g.guest_name === "big-memory" || g.guest_name === "many-cpu",
      );
      if (first !== undefined) first.guest_name = "web,db";
      if (second !== undefined) second.guest_name = "C:\\vm";
    }),
  });

  const get = (params: Record<string, string>) => t.emu.vmm(t.sid, "Guest", "get", params);

  it("list answers every guest with exactly the guide's keys and types", async () => {
    const data = expectSuccess(await t.emu.vmm(t.sid, "Guest", "list"));
    expect(Object.keys(data)).toEqual(["guests"]);
    const guests = data.guests as Guest[];
    expect(guests.map((g) => g.guest_name)).toEqual([
      "win10",
      "syno",
      "ubuntu-web",
      "legacy-ide",
      "lab-router",
      "db-reserved",
      "archive",
      "web,db",
      "C:\\vm",
    ]);
    for (const g of guests) {
      expect(Object.keys(g)).toEqual(GUEST_KEYS);
      expect(g).toEqual({
        autorun: expect.any(Number),
        description: expect.any(String),
        guest_id: expect.any(String),
        guest_name: expect.any(String),
        status: expect.stringMatching(/^(running|shutdown|inaccessible|crashed)$/),
        storage_id: expect.any(String),
        storage_name: expect.any(String),
        vcpu_num: expect.any(Number),
        vdisks: expect.any(Array),
        vnics: expect.any(Array),
        vram_size: expect.any(Number),
      });
      for (const d of g.vdisks) {
        expect(d).toEqual({
          controller: expect.any(Number),
          unmap: expect.any(Boolean),
          vdisk_id: expect.any(String),
          vdisk_size: expect.any(Number),
        });
      }
      for (const v of g.vnics) {
        expect(Object.keys(v)).toEqual(["mac", "model", "network_id", "network_name", "vnic_id"]);
      }
    }
  });

  it("list shows fixture details: a running guest, unmap true, IDE controller, rtl8139 NIC, autorun 2", async () => {
    const guests = expectSuccess(await t.emu.vmm(t.sid, "Guest", "list")).guests as Guest[];
    const web = guests.find((g) => g.guest_name === "ubuntu-web");
    expect(web).toMatchObject({ status: "running", autorun: 2, description: "web front end" });
    expect(web?.vdisks[0]).toMatchObject({ unmap: true, controller: 1, vdisk_size: 20480 });
    const ide = guests.find((g) => g.guest_name === "legacy-ide");
    expect(ide?.vdisks[0]).toMatchObject({ controller: 2 });
    expect(ide?.vnics[0]).toMatchObject({ model: 3, network_name: "Default VM Network" });
    const noNic = guests.find((g) => g.guest_name === "web,db");
    expect(noNic?.vnics).toEqual([]);
  });

  it("get by guest_id answers the same object as get by guest_name", async () => {
    const byId = expectSuccess(await get({ guest_id: SYNO }));
    const byName = expectSuccess(await get({ guest_name: "syno" }));
    expect(byId).toEqual(byName);
    expect(byId).toMatchObject({ guest_id: SYNO, guest_name: "syno", vcpu_num: 1, vram_size: 1024 });
    expect(Object.keys(byId)).toEqual(GUEST_KEYS);
  });

  it("get answers the same object as the guest's entry in list", async () => {
    const guests = expectSuccess(await t.emu.vmm(t.sid, "Guest", "list")).guests as Guest[];
    expect(expectSuccess(await get({ guest_id: WIN10 }))).toEqual(guests.find((g) => g.guest_id === WIN10));
  });

  it("an unknown guest_id or guest_name answers 401", async () => {
    expectDsmError(await get({ guest_id: "00000000-0000-4000-8000-000000000000" }), 401);
    expectDsmError(await get({ guest_name: "no-such-vm" }), 401);
  });

  it("without guest_id and guest_name answers 401, also when both are empty", async () => {
    expectDsmError(await get({}), 401);
    expectDsmError(await get({ guest_id: "", guest_name: "" }), 401);
  });

  it("`guest_id=&guest_name=win10` (an empty id) means by name", async () => {
    expect(expectSuccess(await get({ guest_id: "", guest_name: "win10" })).guest_id).toBe(WIN10);
  });

  it('a JSON-quoted guest_name (`"win10"`, as Python clients send it) finds win10', async () => {
    expect(expectSuccess(await get({ guest_name: '"win10"' })).guest_id).toBe(WIN10);
  });

  it("with both ids, guest_id wins (a stale name does not pick another guest)", async () => {
    expect(expectSuccess(await get({ guest_id: WIN10, guest_name: "syno" })).guest_name).toBe("win10");
  });

  it("an escaped comma (`web\\,db`) and an escaped backslash (`C:\\\\vm`) name their guests", async () => {
    expect(expectSuccess(await get({ guest_name: "web\\,db" })).guest_name).toBe("web,db");
    expect(expectSuccess(await get({ guest_name: "C:\\\\vm" })).guest_name).toBe("C:\\vm");
  });

  it("`additional` is accepted as a DSM boolean and changes nothing", async () => {
    const plain = expectSuccess(await get({ guest_name: "win10" }));
    for (const additional of ["true", "false", '"true"', ""]) {
      expect(expectSuccess(await get({ guest_name: "win10", additional }))).toEqual(plain);
    }
    const listed = expectSuccess(await t.emu.vmm(t.sid, "Guest", "list", { additional: "true" }));
    expect(listed).toEqual(expectSuccess(await t.emu.vmm(t.sid, "Guest", "list")));
  });

  it.each(["yes", "1", "on"])("`additional=%s` is not a DSM boolean and answers 401", async (additional) => {
    expectDsmError(await get({ guest_name: "win10", additional }), 401);
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "list", { additional }), 401);
  });
});
