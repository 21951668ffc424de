/**
 * The internal dialect's presenter: the model's records in the shapes DSM's web UI reads, key
 * for key (alphabetical, as DSM writes them), memory in KiB. The guest object follows the one
 * recorded answer there is (DSM 7.2, py-synologydsm-api's fixture): every key, including those
 * only a running guest has. Values DSM knows and the emulator does not model are constants, the
 * recorded ones (no HA, no guest agent, no USB devices, VirtIO-era defaults).
 */
import { guestHealth, hostHealth, storageHealth } from "../../model/health";
import { imageBytes, shownCopies } from "../../model/images";
import { freeCpu, freeRam } from "../../model/placement";
import { isHostOffline, ONLINE, storageStatus } from "../../model/status";
import { type Usage, usageOf } from "../../model/telemetry";
import { bytesFromMib, gibFromMib, kibFromMib } from "../../model/units";
import type { GuestRecord } from "../../store/guests";
import type { ImageRecord } from "../../store/images";
import type { HostRow, StorageRow } from "../../store/inventory";

/** What a guest's presentation needs of the inventory, read once per answer. */
export interface Inventory {
  readonly hosts: ReadonlyMap<string, HostRow>;
  readonly storages: ReadonlyMap<string, StorageRow>;
}

export function inventoryOf(hosts: readonly HostRow[], storages: readonly StorageRow[]): Inventory {
  return {
    hosts: new Map(hosts.map((h) => [h.host_id, h])),
    storages: new Map(storages.map((s) => [s.storage_id, s])),
  };
}

const UNMOUNTED = "unmounted";

/** The host a guest is shown on: the one it runs on, or, while it is off, its storage's (repo's). */
function hostOf(g: GuestRecord, inv: Inventory): HostRow | undefined {
  const storage = inv.storages.get(g.storage_id);
  return inv.hosts.get(g.host_id ?? storage?.host_id ?? "");
}

/** A running guest's usage figures at `now` (what of its presentation moves with the clock). */
export function usageIn(g: GuestRecord, inv: Inventory, now: number): Usage | undefined {
  if (!ONLINE.has(g.status)) return undefined;
  return usageOf(g.guest_id, g.vcpu_num, g.vram_size, hostOf(g, inv)?.total_cpu_core ?? 1, now);
}

export function presentGuest(g: GuestRecord, inv: Inventory, now: number, usage = usageIn(g, inv, now)) {
  const host = hostOf(g, inv);
  const online = ONLINE.has(g.status);
  return {
    autorun: g.autorun,
    birth_info: { desc: "", from: "vmm", method: "create" },
    boot_from: "disk",
    can_ha: true,
    cpu_passthru: true,
    cpu_pin_num: 0,
    cpu_weight: 256,
    desc: g.description,
    dsm_version: "",
    guest_id: g.guest_id,
    ha_status: "",
    ha_status_detail: "",
    ha_status_type: "",
    ...(online ? { has_agent: false } : {}),
    host_id: host?.host_id ?? "",
    host_name: host?.host_name ?? "",
    ...(online ? { host_net_ifs: [`${host?.host_id ?? ""}_bond0`] } : {}),
    host_ram_size: kibFromMib(host?.total_ram_size ?? 0),
    http_port: 5000,
    https_enable: false,
    https_port: 5001,
    https_redirect: false,
    hyperv_enlighten: true,
    ip: "",
    is_acting: false,
    is_general_vm: true,
    is_online: online,
    is_replica_support: true,
    is_rs_install: true,
    iso_images: [g.iso_1 ?? UNMOUNTED, g.iso_2 ?? UNMOUNTED],
    kb_layout: "Default",
    ...(online ? { max_disk_latency: 0 } : {}),
    name: g.guest_name,
    ram_used: usage === undefined ? 0 : kibFromMib(usage.ramUsed),
    repo_id: g.storage_id,
    repo_name: g.storage_name,
    snap_num: 0,
    status: g.status,
    status_desc: "",
    status_type: guestHealth(g.status),
    ...(online
      ? { total_disk_iops: 0, total_disk_throughput: 0, total_net_receive: 0, total_net_send: 0 }
      : {}),
    usb_device_name: null,
    usbs: [UNMOUNTED, UNMOUNTED, UNMOUNTED, UNMOUNTED],
    use_ovmf: g.uefi === 1,
    vcpu_num: g.vcpu_num,
    vcpu_usage: usage === undefined ? "" : usage.cpuPerMille,
    vdisk_num: g.vdisks.length,
    video_card: "vmvga",
    vram_size: kibFromMib(g.vram_size),
  };
}

/**
 * A guest's settings, as `get_setting` answers them (the web UI's edit form). Gaps: DSM's
 * answer is not recorded; these are the fields the web UI's `set` sends back, in its units
 * (memory in KiB, vdisk sizes in GiB as its create form takes them).
 */
export function presentSetting(g: GuestRecord) {
  return {
    autorun: g.autorun,
    boot_from: "disk",
    cpu_pin_num: 0,
    cpu_weight: 256,
    desc: g.description,
    guest_id: g.guest_id,
    iso_images: [g.iso_1 ?? UNMOUNTED, g.iso_2 ?? UNMOUNTED],
    kb_layout: "Default",
    name: g.guest_name,
    usbs: [UNMOUNTED, UNMOUNTED, UNMOUNTED, UNMOUNTED],
    use_ovmf: g.uefi === 1,
    vcpu_num: g.vcpu_num,
    vdisks: g.vdisks.map((d) => ({
      controller: d.controller,
      unmap: d.unmap === 1,
      vdisk_id: d.vdisk_id,
      vdisk_size: gibFromMib(d.vdisk_size),
    })),
    video_card: "vmvga",
    vnics: g.vnics.map((v) => ({
      mac: v.mac,
      model: v.model,
      network_id: v.network_id ?? "",
      network_name: v.network_name ?? "",
      vnic_id: v.vnic_id,
    })),
    vram_size: kibFromMib(g.vram_size),
  };
}

/** A host as the internal `Host list` records it (DSM 7.1.1, VMM 2.6.1): memory in KiB. */
export function presentHost(
  h: HostRow,
  system: { model: string; dsm_version: string; vmm_version: string },
  cpuUsage: number,
) {
  const offline = isHostOffline(h.status);
  const used = offline ? 0 : h.used_cpu;
  return {
    cpu_commit_ratio: h.total_cpu_core === 0 ? 0 : Math.round((used / h.total_cpu_core) * 100) / 100,
    cpu_num: h.total_cpu_core,
    cpu_num_physical: Math.max(1, Math.floor(h.total_cpu_core / 2)),
    cpu_pin_num: 0,
    cpu_usage: offline ? 0 : cpuUsage,
    cpu_vendor: "Intel",
    free_cpu_core: offline ? 0 : freeCpu(h),
    free_cpu_ghz: offline ? 0 : Math.round(freeCpu(h) * 2.2 * 10) / 10,
    free_cpu_pin: 0,
    free_ram_size: offline ? 0 : kibFromMib(freeRam(h)),
    free_ram_size_for_guest: offline ? 0 : kibFromMib(freeRam(h)),
    host_id: h.host_id,
    http_port: 5000,
    https_port: 5001,
    ip: "",
    ipList: [],
    model: system.model,
    name: h.host_name,
    package_version: system.vmm_version,
    rs_package_version: "",
    status: h.status,
    status_type: hostHealth(h.status),
    sys_reserved_ram_size: kibFromMib(h.other_ram_used),
    total_cpu_num: h.total_cpu_core,
    total_ram_size: kibFromMib(h.total_ram_size),
    version: system.dsm_version,
    vm_reserved_ram_size: kibFromMib(offline ? 0 : h.used_ram),
    vm_save_repo: "",
  };
}

/** A storage as the web UI calls it: a repo. Gaps: not recorded; sizes in bytes. */
export function presentRepo(s: StorageRow) {
  const status = storageStatus(s);
  return {
    free_size: bytesFromMib(Math.max(0, s.size - s.used)),
    host_id: s.host_id,
    host_name: s.host_name,
    name: s.storage_name,
    repo_id: s.storage_id,
    status,
    status_type: storageHealth(status),
    total_size: bytesFromMib(s.size),
    volume_path: s.volume_path,
  };
}

/** An image as the internal `Guest.Image list` answers it. Gaps: not recorded; sizes in bytes. */
export function presentImage(im: ImageRecord) {
  return {
    image_id: im.image_id,
    name: im.image_name,
    repos: shownCopies(im).map(({ copy, status }) => ({
      repo_id: copy.storage_id,
      repo_name: copy.storage_name,
      status,
    })),
    type: im.type,
    used_size: imageBytes(im),
  };
}
