/**
 * The internal dialect's answers in the recorded shapes, as expected key sets: the guest of
 * DSM 7.2's recorded `SYNO.Virtualization.Guest list` (py-synologydsm-api's fixture), running
 * and off; the Host list recorded on DSM 7.1.1; the Cluster get keys. Units are KiB, checked
 * against the same guest through the guide's API (MB).
 */
import { describe, expect, it } from "vitest";
import { GUESTS } from "../../fixture-ids";
import { expectSuccess, useEmulator } from "../../harness";

/** Every key of the recorded running guest (lnx_test), in DSM's order. */
const RUNNING_KEYS = [
  "autorun",
  "birth_info",
  "boot_from",
  "can_ha",
  "cpu_passthru",
  "cpu_pin_num",
  "cpu_weight",
  "desc",
  "dsm_version",
  "guest_id",
  "ha_status",
  "ha_status_detail",
  "ha_status_type",
  "has_agent",
  "host_id",
  "host_name",
  "host_net_ifs",
  "host_ram_size",
  "http_port",
  "https_enable",
  "https_port",
  "https_redirect",
  "hyperv_enlighten",
  "ip",
  "is_acting",
  "is_general_vm",
  "is_online",
  "is_replica_support",
  "is_rs_install",
  "iso_images",
  "kb_layout",
  "max_disk_latency",
  "name",
  "ram_used",
  "repo_id",
  "repo_name",
  "snap_num",
  "status",
  "status_desc",
  "status_type",
  "total_disk_iops",
  "total_disk_throughput",
  "total_net_receive",
  "total_net_send",
  "usb_device_name",
  "usbs",
  "use_ovmf",
  "vcpu_num",
  "vcpu_usage",
  "vdisk_num",
  "video_card",
  "vram_size",
];
/** The keys only a running guest has. */
const RUNNING_ONLY = [
  "has_agent",
  "host_net_ifs",
  "max_disk_latency",
  "total_disk_iops",
  "total_disk_throughput",
  "total_net_receive",
  "total_net_send",
];

describe("the internal dialect's shapes", () => {
  const t = useEmulator();
  const call = (api: string, method: string, version = "1", params: Record<string, string> = {}) =>
    t.emu.get("entry.cgi", { api, version, method, _sid: t.sid, ...params });

  it("Guest list answers canHA, canMove, guests and is_freeze, each guest with the recorded keys", async () => {
    const data = expectSuccess(await call("SYNO.Virtualization.Guest", "list", "2"));
    expect(Object.keys(data)).toEqual(["canHA", "canMove", "guests", "is_freeze"]);
    const guests = data.guests as Record<string, unknown>[];
    const running = guests.find((g) => g.guest_id === GUESTS.running.id);
    const off = guests.find((g) => g.guest_id === GUESTS.syno.id);
    expect(Object.keys(running ?? {})).toEqual(RUNNING_KEYS);
    expect(Object.keys(off ?? {})).toEqual(RUNNING_KEYS.filter((k) => !RUNNING_ONLY.includes(k)));
    expect(off).toMatchObject({
      is_online: false,
      ram_used: 0,
      vcpu_usage: "",
      status: "shutdown",
      usb_device_name: null,
    });
    expect(running).toMatchObject({ is_online: true, status: "running", status_type: "healthy" });
    expect(typeof running?.vcpu_usage).toBe("number");
    expect(running?.iso_images).toEqual(["unmounted", "unmounted"]);
    expect(running?.usbs).toEqual(["unmounted", "unmounted", "unmounted", "unmounted"]);
  });

  it("counts memory in KiB where the guide's API counts MB, for the same guest and host", async () => {
    const internalGuest = expectSuccess(
      await call("SYNO.Virtualization.Guest", "get", "2", { guest_id: GUESTS.running.id }),
    );
    const publicGuest = expectSuccess(
      await t.emu.vmm(t.sid, "Guest", "get", { guest_id: GUESTS.running.id }),
    );
    expect(internalGuest.vram_size).toBe(Number(publicGuest.vram_size) * 1024);
    expect(internalGuest.name).toBe(publicGuest.guest_name);
    expect(internalGuest.repo_id).toBe(publicGuest.storage_id);
    const ramUsed = Number(internalGuest.ram_used);
    expect(ramUsed).toBeGreaterThan(0);
    expect(ramUsed).toBeLessThanOrEqual(Number(internalGuest.vram_size));
  });

  it("derives vcpu_usage and ram_used from the clock: the same instant gives the same figures, later ones move", async () => {
    const read = async () =>
      expectSuccess(await call("SYNO.Virtualization.Guest", "get", "2", { guest_id: GUESTS.running.id }));
    const first = await read();
    expect(await read()).toMatchObject({ vcpu_usage: first.vcpu_usage, ram_used: first.ram_used });
    t.emu.clock.advance(4 * 60_000);
    const later = await read();
    expect([later.vcpu_usage, later.ram_used]).not.toEqual([first.vcpu_usage, first.ram_used]);
  });

  it("Host list answers the recorded host keys (KiB), is_freeze and max_host_num", async () => {
    const data = expectSuccess(await call("SYNO.Virtualization.Host", "list", "2"));
    expect(Object.keys(data)).toEqual(["hosts", "is_freeze", "max_host_num"]);
    const host = (data.hosts as Record<string, unknown>[])[0] ?? {};
    expect(Object.keys(host)).toEqual([
      "cpu_commit_ratio",
      "cpu_num",
      "cpu_num_physical",
      "cpu_pin_num",
      "cpu_usage",
      "cpu_vendor",
      "free_cpu_core",
      "free_cpu_ghz",
      "free_cpu_pin",
      "free_ram_size",
      "free_ram_size_for_guest",
      "host_id",
      "http_port",
      "https_port",
      "ip",
      "ipList",
      "model",
      "name",
      "package_version",
      "rs_package_version",
      "status",
      "status_type",
      "sys_reserved_ram_size",
      "total_cpu_num",
      "total_ram_size",
      "version",
      "vm_reserved_ram_size",
      "vm_save_repo",
    ]);
    const publicHost =
      (expectSuccess(await t.emu.vmm(t.sid, "Host", "list")).hosts as Record<string, unknown>[])[0] ?? {};
    expect(host.total_ram_size).toBe(Number(publicHost.total_ram_size) * 1024);
    expect(host.free_ram_size).toBe(Number(publicHost.free_ram_size) * 1024);
  });

  it("Cluster get answers the recorded summary keys, derived from the state", async () => {
    const data = expectSuccess(await call("SYNO.Virtualization.Cluster", "get", "2"));
    expect(Object.keys(data)).toEqual([
      "cluster_status",
      "guest_summ",
      "host_summ",
      "license_summ",
      "reasons",
      "repo_summ",
    ]);
    expect(Object.keys(data.guest_summ as object)).toEqual(["error", "healthy", "running", "warning"]);
    expect((data.guest_summ as { running: number }).running).toBe(1);
    expect(data.host_summ).toEqual({ error: 1, healthy: 2, warning: 0 });
  });

  it("Cluster get_guest lists every guest keyed by id with its usage", async () => {
    const data = expectSuccess(await call("SYNO.Virtualization.Cluster", "get_guest", "2"));
    const guests = data.guests as { id: string; cpu_usage: number; ram_usage: number }[];
    expect(guests.map((g) => g.id)).toContain(GUESTS.syno.id);
    expect(guests.find((g) => g.id === GUESTS.running.id)?.cpu_usage).toBeGreaterThan(0);
    expect(guests.find((g) => g.id === GUESTS.syno.id)).toMatchObject({ cpu_usage: 0, ram_usage: 0 });
  });

  it("Network, Repo and Guest.Image lists answer the same inventory as the guide's API", async () => {
    const networks = expectSuccess(await call("SYNO.Virtualization.Network", "list", "2"))
      .networks as unknown[];
    const repos = expectSuccess(await call("SYNO.Virtualization.Repo", "list", "2")).repos as {
      repo_id: string;
    }[];
    const images = expectSuccess(await call("SYNO.Virtualization.Guest.Image", "list", "2")).images as {
      image_id: string;
      used_size: number;
    }[];
    const publicStorages = expectSuccess(await t.emu.vmm(t.sid, "Storage", "list")).storages as {
      storage_id: string;
    }[];
    const publicImages = expectSuccess(await t.emu.vmm(t.sid, "Guest.Image", "list")).images as {
      image_id: string;
      used_size: number;
    }[];
    expect(networks).toHaveLength(2);
    expect(repos.map((r) => r.repo_id)).toEqual(publicStorages.map((s) => s.storage_id));
    expect(images.map((i) => [i.image_id, i.used_size])).toEqual(
      publicImages.map((i) => [i.image_id, i.used_size]),
    );
  });
});
