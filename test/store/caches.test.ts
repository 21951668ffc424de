/**
 * What the store keeps between calls (lists, single guests, sessions, hosts, the cluster's
 * rules, the vdisks' space, remembered password checks) is never older than the last change:
 * each test reads, changes through another path, and reads again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_FIXTURE } from "../../server/config";
import { loadFixtureFile } from "../../server/fixture";
import { openDatabase } from "../../server/store/db";
import { Store } from "../../server/store/index";
import { Writes } from "../../server/store/writes";
import { ACCOUNTS, GUESTS, HOSTS, IMAGES, STORAGES } from "../fixture-ids";
import {
  createGuest,
  expectDsmError,
  expectSuccess,
  fixtureWith,
  statusOf,
  TEST_EPOCH,
  useEmulator,
} from "../harness";

type Listed = { guest_name: string; guest_id: string; status: string; description: string };

const t = useEmulator({ timeScale: "instant" }, { reset: true });
const names = async () => {
  const list = expectSuccess(await t.emu.vmm(t.sid, "Guest", "list")).guests as Listed[];
  return list.map((g) => g.guest_name);
};
const act = (method: string, name: string) => t.emu.vmm(t.sid, "Guest.Action", method, { guest_name: name });

describe("answers kept between calls follow every change", () => {
  it("Guest list after a create, a rename and a delete shows each, in creation order", async () => {
    const before = await names();
    await createGuest(t.emu, t.sid, "cache-new");
    expect(await names()).toEqual([...before, "cache-new"]);
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "set", { guest_name: "syno", new_guest_name: "syno-2" }));
    expect(await names()).toEqual([...before.map((n) => (n === "syno" ? "syno-2" : n)), "cache-new"]);
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "win10" }));
    expect(await names()).toEqual([
      ...before.filter((n) => n !== "win10").map((n) => (n === "syno" ? "syno-2" : n)),
      "cache-new",
    ]);
  });

  it("Guest list and Guest get after a power change answer the new status, and after a reset the fixture's", async () => {
    const status = async () => {
      const list = expectSuccess(await t.emu.vmm(t.sid, "Guest", "list")).guests as Listed[];
      return list.find((g) => g.guest_name === "syno")?.status;
    };
    expect(await status()).toBe("shutdown");
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("shutdown");
    expectSuccess(await act("poweron", "syno"));
    expect(await status()).toBe("running");
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("running");
    await t.emu.admin.reset();
    const sid = await t.emu.login();
    const fresh = expectSuccess(await t.emu.vmm(sid, "Guest", "get", { guest_name: "syno" }));
    expect(fresh.status).toBe("shutdown");
  });

  it("a guest crashed through the control plane shows crashed in the next Guest get and list", async () => {
    expect(await statusOf(t.emu, t.sid, "ubuntu-web")).toBe("running");
    await t.emu.admin.crashGuest("ubuntu-web");
    expect(await statusOf(t.emu, t.sid, "ubuntu-web")).toBe("crashed");
    const list = expectSuccess(await t.emu.vmm(t.sid, "Guest", "list")).guests as Listed[];
    expect(list.find((g) => g.guest_name === "ubuntu-web")?.status).toBe("crashed");
  });

  it("a logged-out session answers 119 on its next call", async () => {
    const sid = await t.emu.login();
    expectSuccess(await t.emu.vmm(sid, "Host", "list"));
    expectSuccess(
      await t.emu.get("auth.cgi", { api: "SYNO.API.Auth", version: "3", method: "logout", _sid: sid }),
    );
    expectDsmError(await t.emu.vmm(sid, "Host", "list"), 119);
  });

  it("Host list after a poweron shows the host's CPU and memory taken, and after a control-plane change its new size", async () => {
    const free = async () => {
      const hosts = expectSuccess(await t.emu.vmm(t.sid, "Host", "list")).hosts as Record<
        string,
        number | string
      >[];
      return hosts.find((h) => h.host_id === HOSTS.first.id);
    };
    const before = await free();
    expectSuccess(await act("poweron", "syno"));
    expect((await free())?.free_cpu_core).toBe(Number(before?.free_cpu_core) - 1);
    await t.emu.admin.updateHost(HOSTS.first.id, { total_ram_size: Number(before?.total_ram_size) + 4096 });
    expect((await free())?.total_ram_size).toBe(Number(before?.total_ram_size) + 4096);
  });

  it("a host taken offline through the control plane freezes the cluster at the next change (500)", async () => {
    expectSuccess(await act("poweron", "syno"));
    expectSuccess(await act("poweroff", "syno"));
    await t.emu.admin.updateHost(HOSTS.second.id, { status: "inaccessible" });
    expectDsmError(await act("poweron", "syno"), 500);
  });

  it("a storage's used space follows creates and deletes", async () => {
    const used = async () => {
      const storages = expectSuccess(await t.emu.vmm(t.sid, "Storage", "list")).storages as Record<
        string,
        unknown
      >[];
      return Number(storages.find((s) => s.storage_id === STORAGES.first.id)?.used);
    };
    const before = await used();
    await createGuest(t.emu, t.sid, "cache-disk");
    expect(await used()).toBe(before + 1024);
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "cache-disk" }));
    expect(await used()).toBe(before);
  });

  it("the internal Guest list of a guest that is off shows its host's new memory after a control-plane change", async () => {
    const ram = async () => {
      const res = await t.emu.get("entry.cgi", {
        api: "SYNO.Virtualization.Guest",
        version: "2",
        method: "list",
        _sid: t.sid,
      });
      const guests = expectSuccess(res).guests as Record<string, unknown>[];
      return guests.find((g) => g.guest_id === GUESTS.syno.id)?.host_ram_size;
    };
    const before = Number(await ram());
    await t.emu.admin.updateHost(HOSTS.first.id, { total_ram_size: before / 1024 + 1024 });
    expect(await ram()).toBe(before + 1024 * 1024);
  });

  it("a password changed by a fixture load refuses the old one at once, however often it was right before", async () => {
    for (let i = 0; i < 3; i++) await t.emu.login();
    await t.emu.admin.loadFixture(
      fixtureWith((f) => {
        const admin = f.accounts.find((a) => a.name === ACCOUNTS.admin.account);
        if (admin !== undefined) admin.password = "a new password";
      }),
    );
    const login = (passwd: string) =>
      t.emu.get("auth.cgi", {
        api: "SYNO.API.Auth",
        version: "3",
        method: "login",
        account: ACCOUNTS.admin.account,
        passwd,
        format: "sid",
      });
    expectDsmError(await login(ACCOUNTS.admin.passwd), 400);
    expectSuccess(await login("a new password"));
    await t.emu.admin.loadFixture(fixtureWith(() => {}));
  });
});

describe("a refused change leaves nothing behind", () => {
  const setInternal = (params: Record<string, string>) =>
    t.emu.get("entry.cgi", {
      api: "SYNO.Virtualization.Guest",
      version: "1",
      method: "set",
      _sid: t.sid,
      guest_id: GUESTS.syno.id,
      ...params,
    });
  const rename = { name: "syno-renamed", iso_images: JSON.stringify([IMAGES.disk.id, "unmounted"]) };

  it("a rename refused by its ISO slot after the rename was written answers 906 and renames nothing", async () => {
    expectDsmError(await setInternal(rename), 906);
    expect(await names()).toContain("syno");
    expect(await names()).not.toContain("syno-renamed");
  });

  it("the same, in a call whose tick wrote first (a boot ended), keeps the tick's work", async () => {
    const slow = await t.start({ timeScale: "realtime" });
    const sid = await slow.login();
    expectSuccess(await slow.vmm(sid, "Guest.Action", "poweron", { guest_name: "syno" }));
    slow.clock.advance(3_000);
    // The boot ends at this call's tick, before the set is tried.
    const refused = await slow.get("entry.cgi", {
      api: "SYNO.Virtualization.Guest",
      version: "1",
      method: "set",
      _sid: sid,
      guest_id: GUESTS.syno.id,
      ...rename,
    });
    expectDsmError(refused, 906);
    const list = expectSuccess(await slow.vmm(sid, "Guest", "list")).guests as Listed[];
    expect(list.find((g) => g.guest_id === GUESTS.syno.id)).toMatchObject({
      guest_name: "syno",
      status: "running",
    });
  });
});

describe("the store's caches, below the wire", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const seeded = (path = ":memory:") => {
    const store = new Store(openDatabase(path));
    if (store.isEmpty()) store.seed(loadFixtureFile(DEFAULT_FIXTURE), TEST_EPOCH);
    return store;
  };
  const statusIn = (store: Store, name: string) =>
    store.guests.list().find((g) => g.guest_name === name)?.status;

  it("a change rolled back with its transaction leaves no trace in the list, the guest or the hosts", () => {
    const store = seeded();
    const hostsBefore = store.inventory.hosts();
    expect(statusIn(store, "syno")).toBe("shutdown");
    expect(() =>
      store.immediate(() => {
        store.guests.setPower(GUESTS.syno.id, "running", HOSTS.first.id, null);
        // Read inside the transaction: the caches now hold the change that is about to go.
        expect(statusIn(store, "syno")).toBe("running");
        expect(store.guests.find({ name: "syno" })?.status).toBe("running");
        expect(store.inventory.hosts()).not.toEqual(hostsBefore);
        throw new Error("refused");
      }),
    ).toThrow("refused");
    expect(statusIn(store, "syno")).toBe("shutdown");
    expect(store.guests.find({ name: "syno" })?.status).toBe("shutdown");
    expect(store.inventory.hosts()).toEqual(hostsBefore);
  });

  it("a savepoint rolled back inside a committed transaction undoes only its own change", () => {
    const store = seeded();
    store.immediate(() => {
      store.guests.setPower(GUESTS.win10.id, "running", HOSTS.first.id, null);
      expect(() =>
        store.immediate(() => {
          store.guests.setPower(GUESTS.syno.id, "running", HOSTS.first.id, null);
          expect(statusIn(store, "syno")).toBe("running");
          throw new Error("refused");
        }),
      ).toThrow("refused");
    });
    expect(statusIn(store, "win10")).toBe("running");
    expect(statusIn(store, "syno")).toBe("shutdown");
  });

  it("a change committed by another connection to the same file is seen by the next read", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmm-caches-"));
    dirs.push(dir);
    const file = join(dir, "state.sqlite");
    const first = seeded(file);
    const second = seeded(file);
    expect(statusIn(first, "syno")).toBe("shutdown");
    expect(first.guests.find({ name: "syno" })?.status).toBe("shutdown");
    second.immediate(() => second.guests.setPower(GUESTS.syno.id, "running", HOSTS.first.id, null));
    expect(statusIn(first, "syno")).toBe("running");
    expect(first.guests.find({ name: "syno" })?.status).toBe("running");
    expect(first.deferred(() => statusIn(first, "syno"))).toBe("running");
  });

  it("after a restore and a seed, references are enforced again: a guest's delete takes its vdisks", () => {
    const store = seeded();
    const image = store.databaseImages.capture();
    store.immediate(() => store.guests.setPower(GUESTS.syno.id, "running", HOSTS.first.id, null));
    store.databaseImages.restore(image);
    store.seed(loadFixtureFile(DEFAULT_FIXTURE), TEST_EPOCH);
    const before = store.guests.vdiskUse().count;
    const vdisks = store.guests.list().find((g) => g.guest_id === GUESTS.win10.id)?.vdisks.length ?? 0;
    expect(vdisks).toBeGreaterThan(0);
    store.immediate(() => store.guests.delete(GUESTS.win10.id));
    store.changes.everything();
    expect(store.guests.vdiskUse().count).toBe(before - vdisks);
    expect(() =>
      store.immediate(() => store.guests.setPower(GUESTS.syno.id, "running", "no such host", null)),
    ).toThrow(/FOREIGN KEY/);
  });

  it("a guest's vdisks and vnics, kept across its power changes, are what a fresh read gives, and a guest re-created under the same id shows its new ones", () => {
    const store = seeded();
    const recordOf = () => {
      const row = store.guests.find({ id: GUESTS.syno.id });
      if (row === undefined) throw new Error("syno is gone");
      return store.guests.record(row);
    };
    const first = recordOf();
    expect(first.vnics.length).toBeGreaterThan(0);
    store.immediate(() => store.guests.setPower(GUESTS.syno.id, "running", HOSTS.first.id, null));
    store.immediate(() => store.guests.update(GUESTS.syno.id, { description: "powered" }));
    const after = recordOf();
    expect(after.status).toBe("running");
    expect(after.description).toBe("powered");
    store.changes.everything();
    expect(after).toEqual(recordOf());

    // Deleted and inserted again with the same id: other vdisks and vnics.
    store.immediate(() => {
      store.guests.delete(GUESTS.syno.id);
      store.guests.insert(
        {
          guest_id: first.guest_id,
          guest_name: first.guest_name,
          description: first.description,
          autorun: first.autorun,
          status: "shutdown",
          storage_id: first.storage_id,
          vcpu_num: first.vcpu_num,
          vram_size: first.vram_size,
          uefi: first.uefi,
          cpu_reservation: first.cpu_reservation,
        },
        [{ vdisk_id: "recreated-disk", controller: 1, unmap: 0, vdisk_size: 1024, image_id: null }],
        [],
      );
    });
    const recreated = recordOf();
    expect(recreated.vdisks.map((d) => d.vdisk_id)).toEqual(["recreated-disk"]);
    expect(recreated.vnics).toEqual([]);
  });

  it("a write to the guests' tables the view was not told of drops the kept vdisks and vnics", () => {
    const db = openDatabase(":memory:");
    const store = new Store(db);
    store.seed(loadFixtureFile(DEFAULT_FIXTURE), TEST_EPOCH);
    const record = () => {
      const row = store.guests.find({ id: GUESTS.syno.id });
      if (row === undefined) throw new Error("syno is gone");
      return store.guests.record(row);
    };
    expect(record().vnics.length).toBeGreaterThan(0);
    // A write noted for the guests' group, but not through the guest store (as a bug would be).
    const stray = new Writes(db, store.changes, "guests").prepare("DELETE FROM vnics WHERE guest_id = ?");
    store.immediate(() => {
      stray.write(GUESTS.syno.id);
      store.guests.setPower(GUESTS.syno.id, "running", HOSTS.first.id, null);
    });
    expect(record().vnics).toEqual([]);
  });

  it("a list patched after changes equals the list read from scratch", () => {
    const store = seeded();
    store.guests.list();
    // Changes in place, then a guest gone: both ways of patching.
    store.immediate(() => store.guests.update(GUESTS.syno.id, { description: "in place" }));
    const inPlace = store.guests.list();
    store.changes.everything();
    expect(inPlace).toEqual(store.guests.list());
    store.immediate(() => {
      store.guests.setPower(GUESTS.syno.id, "running", HOSTS.first.id, null);
      store.guests.update(GUESTS.win10.id, { description: "patched" });
      store.guests.delete(GUESTS.archive.id);
    });
    const patched = store.guests.list();
    store.changes.everything();
    expect(store.guests.list()).not.toBe(patched);
    expect(patched).toEqual(store.guests.list());
  });
});
