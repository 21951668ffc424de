/**
 * Where a guest can boot, and why it cannot. The checks follow VMM's rules: a host must be
 * online and reach the guest's storage, whose own host must be up; booting away from the
 * storage's host ("remotely") needs a VirtIO boot disk and no UEFI and, being multi-host
 * placement, VMM Pro; the host needs the guest's networks and enough free threads for its
 * reservation, its vCPUs and its memory, counting every guest already placed there (booting,
 * running, shutting down).
 *
 * By design: with an explicit target the target's own reason is given; with auto-select (VMM
 * Pro) every online host is tried in the cluster's order and `no_host_fits` is given when none
 * fits (without Pro only the storage's host is a candidate, so its own reason is given).
 */
import type { GuestRecord } from "../store/guests";
import type { Store } from "../store/index";
import type { HostRow } from "../store/inventory";
import { type Reason, refuse } from "./refusal";
import { isHostOffline } from "./status";

type PlacementReason =
  | "no_network"
  | "remote_boot_disk"
  | "remote_uefi"
  | "cpu_reservation"
  | "cpu"
  | "memory";

/** Free CPU threads and MiB of RAM on a host, counting every guest placed there. */
export const freeCpu = (h: HostRow): number => h.total_cpu_core - h.used_cpu;
export const freeRam = (h: HostRow): number => h.total_ram_size - h.other_ram_used - h.used_ram;

/** Why `guest` cannot boot on `host`, or undefined when it can. */
export function refusalOn(
  store: Store,
  guest: GuestRecord,
  host: HostRow,
  storageHostId: string,
): PlacementReason | undefined {
  for (const vnic of guest.vnics) {
    if (vnic.network_id !== null && !store.inventory.hostHasNetwork(host.host_id, vnic.network_id))
      return "no_network";
  }
  if (host.host_id !== storageHostId) {
    const bootDisk = guest.vdisks[0];
    if (bootDisk !== undefined && bootDisk.controller !== 1) return "remote_boot_disk";
    if (guest.uefi === 1) return "remote_uefi";
  }
  if (guest.cpu_reservation > 0 && guest.cpu_reservation > freeCpu(host)) return "cpu_reservation";
  if (guest.vcpu_num > freeCpu(host)) return "cpu";
  if (guest.vram_size > freeRam(host)) return "memory";
  return undefined;
}

/** Picks the host a guest boots on, or refuses with the reason none can take it. */
export function chooseHost(store: Store, guest: GuestRecord, target: HostRow | undefined): HostRow {
  const storage = store.inventory.storage({ id: guest.storage_id });
  if (target !== undefined && isHostOffline(target.status)) refuse("host_offline");
  if (storage === undefined || isHostOffline(storage.host_status)) refuse("no_storage_host");
  const system = store.system.get();
  const pro = system.pro_licence === 1;

  if (target !== undefined) {
    if (target.host_id !== storage.host_id && !pro) refuse("needs_pro");
    const reason = refusalOn(store, guest, target, storage.host_id);
    if (reason !== undefined) refuse(reason);
    return target;
  }

  const online = store.inventory.hosts().filter((h) => !isHostOffline(h.status));
  const storageHost = online.find((h) => h.host_id === storage.host_id);
  const candidates = pro
    ? ordered(online, storage.host_id, system.auto_select_host)
    : storageHost
      ? [storageHost]
      : [];
  let last: Reason | undefined;
  for (const host of candidates) {
    const reason = refusalOn(store, guest, host, storage.host_id);
    if (reason === undefined) return host;
    last = reason;
  }
  if (candidates.length === 1 && last !== undefined) refuse(last);
  refuse("no_host_fits");
}

function ordered(hosts: HostRow[], storageHostId: string, policy: string): HostRow[] {
  if (policy === "most_free_memory") return [...hosts].sort((a, b) => freeRam(b) - freeRam(a));
  if (policy === "storage_host") {
    return [...hosts].sort(
      (a, b) => Number(b.host_id === storageHostId) - Number(a.host_id === storageHostId),
    );
  }
  return hosts;
}
