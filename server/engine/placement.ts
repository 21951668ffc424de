/**
 * Where a guest can boot, and the DSM code when it cannot. The checks follow VMM's rules:
 * a host must be online (601) and reach the guest's storage, whose own host must be up (901);
 * booting away from the storage's host ("remotely") needs a VirtIO boot disk (910) and no UEFI
 * (911) and, being multi-host placement, VMM Pro (1001); the host needs the guest's networks
 * (909) and enough free threads for its reservation (908), its vCPUs (902) and memory (903),
 * counting every guest already placed there (booting, running, shutting down).
 *
 * By design: with an explicit target the target's own code is answered; with auto-select
 * (VMM Pro) every online host is tried in the cluster's order and 900 answers when none fits
 * (without Pro only the storage's host is a candidate, so its own code is answered).
 */
import { DsmError } from "../dsm/errors";
import type { GuestRecord } from "../store/guests";
import type { Store } from "../store/index";
import { type HostRow, isHostOffline } from "../store/inventory";

type PlacementCode = 902 | 903 | 908 | 909 | 910 | 911;

/** Why `guest` cannot boot on `host`, or undefined when it can. */
export function refusalOn(
  store: Store,
  guest: GuestRecord,
  host: HostRow,
  storageHostId: string,
): PlacementCode | undefined {
  for (const vnic of guest.vnics) {
    if (vnic.network_id !== null && !store.inventory.hostHasNetwork(host.host_id, vnic.network_id))
      return 909;
  }
  if (host.host_id !== storageHostId) {
    const bootDisk = guest.vdisks[0];
    if (bootDisk !== undefined && bootDisk.controller !== 1) return 910;
    if (guest.uefi === 1) return 911;
  }
  const freeCpu = host.total_cpu_core - host.used_cpu;
  const freeRam = host.total_ram_size - host.other_ram_used - host.used_ram;
  if (guest.cpu_reservation > 0 && guest.cpu_reservation > freeCpu) return 908;
  if (guest.vcpu_num > freeCpu) return 902;
  if (guest.vram_size > freeRam) return 903;
  return undefined;
}

/** Picks the host a guest boots on, or throws the DSM code that explains why none can take it. */
export function chooseHost(store: Store, guest: GuestRecord, target: HostRow | undefined): HostRow {
  const storage = store.inventory.storage({ id: guest.storage_id });
  if (target !== undefined && isHostOffline(target.status)) throw new DsmError(601);
  if (storage === undefined || isHostOffline(storage.host_status)) throw new DsmError(901);
  const system = store.system.get();
  const pro = system.pro_licence === 1;

  if (target !== undefined) {
    if (target.host_id !== storage.host_id && !pro) throw new DsmError(1001);
    const code = refusalOn(store, guest, target, storage.host_id);
    if (code !== undefined) throw new DsmError(code);
    return target;
  }

  const online = store.inventory.hosts().filter((h) => !isHostOffline(h.status));
  const storageHost = online.find((h) => h.host_id === storage.host_id);
  const candidates = pro
    ? ordered(online, storage.host_id, system.auto_select_host)
    : storageHost
      ? [storageHost]
      : [];
  let lastCode: PlacementCode | undefined;
  for (const host of candidates) {
    const code = refusalOn(store, guest, host, storage.host_id);
    if (code === undefined) return host;
    lastCode = code;
  }
  if (candidates.length === 1 && lastCode !== undefined) throw new DsmError(lastCode);
  throw new DsmError(900);
}

function ordered(hosts: HostRow[], storageHostId: string, policy: string): HostRow[] {
  const free = (h: HostRow) => h.total_ram_size - h.other_ram_used - h.used_ram;
  if (policy === "most_free_memory") return [...hosts].sort((a, b) => free(b) - free(a));
  if (policy === "storage_host") {
    return [...hosts].sort(
      (a, b) => Number(b.host_id === storageHostId) - Number(a.host_id === storageHostId),
    );
  }
  return hosts;
}
