import { describe, expect, it } from "vitest";
import { HOSTS, STORAGES } from "../fixture-ids";
import { createGuest, expectDsmError, expectSuccess, guestParams, useEmulator } from "../harness";
import { controlCall } from "./support";

const HOST_1 = HOSTS.first.name;
const HOST_2 = HOSTS.second.name;

describe("control plane: out-of-band changes", () => {
  const t = useEmulator({}, { reset: true });

  it("a host set offline answers 601 to a power-on aimed at it", async () => {
    // Synology-3 is offline in the fixture: bring it back so one host down is not a majority.
    await t.emu.admin.updateHost(HOSTS.offline.name, { status: "running" });
    const host = await t.emu.admin.updateHost(HOST_2, { status: "inaccessible" });
    expect(host.status).toBe("inaccessible");
    expectDsmError(
      await t.emu.vmm(t.sid, "Guest.Action", "poweron", { guest_name: "win10", host_name: HOST_2 }),
      601,
    );
    await t.emu.admin.updateHost(HOST_2, { status: "running" });
    expectSuccess(
      await t.emu.vmm(t.sid, "Guest.Action", "poweron", { guest_name: "syno", host_name: HOST_2 }),
    );
  });

  it("with more than half of the hosts offline every change answers 500, reads still work", async () => {
    const hostId = (await t.emu.admin.state()).hosts.find((h) => h.host_name === HOST_2)?.host_id ?? "";
    await t.emu.admin.updateHost(hostId, { status: "inaccessible" });
    expectDsmError(await t.emu.vmm(t.sid, "Guest.Action", "poweron", { guest_name: "win10" }), 500);
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "list"));
  });

  it("cluster modes answer 501 (incompatible) and 600 (not ready) to changes", async () => {
    const system = await t.emu.admin.updateCluster({ cluster_status: "incompatible" });
    expect(system.cluster_status).toBe("incompatible");
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "win10" }), 501);
    await t.emu.admin.updateCluster({ cluster_status: "not_ready" });
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "win10" }), 600);
    await t.emu.admin.updateCluster({ cluster_status: "normal" });
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "win10" }));
  });

  it("without the Pro licence a power-on on another host than the storage's answers 1001", async () => {
    await t.emu.admin.updateCluster({ pro_licence: false });
    expectDsmError(
      await t.emu.vmm(t.sid, "Guest.Action", "poweron", { guest_name: "win10", host_name: HOST_2 }),
      1001,
    );
    expect((await t.emu.admin.state()).system.pro_licence).toBe(false);
  });

  it("a crashed storage answers 700 to a guest created on it", async () => {
    const storage = await t.emu.admin.updateStorage(STORAGES.first.name, { status: "crashed" });
    expect(storage.status).toBe("crashed");
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "create", guestParams("on-crashed")), 700);
  });

  it("the LUN limit lowered at run time answers 404 to a new disk", async () => {
    await t.emu.admin.updateCluster({ max_iscsi_luns: 0 });
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "create", guestParams("no-lun")), 404);
  });

  it("host CPU and memory change at run time and the free figures follow", async () => {
    await t.emu.admin.updateHost(HOST_1, { total_cpu_core: 2, total_ram_size: 4096, other_ram_used: 1024 });
    const hosts = expectSuccess(await t.emu.vmm(t.sid, "Host", "list")).hosts as Record<string, unknown>[];
    const host = hosts.find((h) => h.host_name === HOST_1);
    // ubuntu-web runs there with 2 vCPUs and 2048 MB.
    expect(host).toMatchObject({
      total_cpu_core: 2,
      free_cpu_core: 0,
      total_ram_size: 4096,
      free_ram_size: 1024,
    });
    expectDsmError(
      await t.emu.vmm(t.sid, "Guest.Action", "poweron", { guest_name: "win10", host_name: HOST_1 }),
      902,
    );
  });

  it("a crashed guest is shown crashed and frees its host's CPU and memory", async () => {
    const guest = await t.emu.admin.crashGuest("ubuntu-web");
    expect(guest).toMatchObject({ guest_name: "ubuntu-web", status: "crashed", host_id: null });
    expect(expectSuccess(await t.emu.vmm(t.sid, "Guest", "get", { guest_name: "ubuntu-web" })).status).toBe(
      "crashed",
    );
    const host = (await t.emu.admin.state()).hosts.find((h) => h.host_name === HOST_1);
    expect(host).toMatchObject({ used_cpu: 0, used_ram: 0 });
  });

  it("a guest still being created cannot crash (409)", async () => {
    await createGuest(t.emu, t.sid, "in-creation");
    const res = await controlCall(t.emu, "POST", "/guests/in-creation/crash");
    expect(res.status).toBe(409);
  });

  it("unknown hosts, storages and guests answer 404", async () => {
    expect((await controlCall(t.emu, "PATCH", "/hosts/nope", { status: "running" })).status).toBe(404);
    expect((await controlCall(t.emu, "PATCH", "/storages/nope", { status: "online" })).status).toBe(404);
    expect((await controlCall(t.emu, "POST", "/guests/nope/crash")).status).toBe(404);
    expect((await controlCall(t.emu, "GET", "/no-such-endpoint")).status).toBe(404);
  });

  it("bad input answers 400 naming the field and changes nothing", async () => {
    const before = await t.emu.admin.state();
    const cases: [string, string, unknown, string][] = [
      ["PATCH", `/hosts/${HOST_1}`, { status: "offline" }, "status"],
      ["PATCH", `/hosts/${HOST_1}`, { status: "inaccessible", total_cpu_core: 0 }, "total_cpu_core"],
      ["PATCH", `/hosts/${HOST_1}`, { cpu: 4 }, "cpu"],
      ["PATCH", `/storages/${STORAGES.first.name}`, { size: -1 }, "size"],
      ["PATCH", "/cluster", { pro_licence: "yes" }, "pro_licence"],
      ["PATCH", "/cluster", { auto_select_host: "random" }, "auto_select_host"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await controlCall(t.emu, method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(String(res.body.error)).toContain(field);
    }
    expect((await controlCall(t.emu, "PATCH", "/cluster", "not json")).status).toBe(400);
    expect(await t.emu.admin.state()).toEqual(before);
  });
});
