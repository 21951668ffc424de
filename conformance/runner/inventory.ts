/**
 * The pre-existing inventory, before and after the run. What the run did not create must be
 * unchanged (identity and settings; power state too against the emulator, where nobody else
 * acts), and nothing in the run's prefix may be left over. No global counts are asserted:
 * other users of a NAS may add or remove their own things while the run goes on, which is
 * reported as a change only when it touches what existed before.
 */
import type { Ledger } from "../client/ledger";
import type { VmmPort } from "../client/vmm";

export interface InventorySnapshot {
  readonly items: ReadonlyMap<string, string>;
  readonly prefixed: readonly string[];
}

/** One line per pre-existing object, keyed by kind and id. */
export async function snapshotInventory(
  vmm: VmmPort,
  ledger: Ledger,
  withStatus: boolean,
): Promise<InventorySnapshot> {
  const items = new Map<string, string>();
  const prefixed: string[] = [];
  const [guests, images, hosts, storages, networks] = await Promise.all([
    vmm.listGuests(),
    vmm.listImages(),
    vmm.listHosts(),
    vmm.listStorages(),
    vmm.listNetworks(),
  ]);
  for (const g of guests) {
    if (ledger.inPrefix(g.guest_name)) {
      prefixed.push(`guest ${g.guest_name} (${g.guest_id})`);
      continue;
    }
    const status = withStatus ? ` ${g.status}` : "";
    items.set(
      `guest ${g.guest_id}`,
      `${g.guest_name} "${g.description}" autorun=${g.autorun} vcpu=${g.vcpu_num} ram=${g.vram_size} disks=${g.vdisks.length} nics=${g.vnics.length}${status}`,
    );
  }
  for (const i of images) {
    if (ledger.inPrefix(i.image_name)) {
      prefixed.push(`image ${i.image_name} (${i.image_id})`);
      continue;
    }
    items.set(
      `image ${i.image_id}`,
      `${i.image_name} ${i.type} on ${i.storages
        .map((s) => s.storage_id)
        .sort()
        .join(",")}`,
    );
  }
  for (const h of hosts) items.set(`host ${h.host_id}`, `${h.host_name}${withStatus ? ` ${h.status}` : ""}`);
  for (const s of storages)
    items.set(`storage ${s.storage_id}`, `${s.storage_name}${withStatus ? ` ${s.status}` : ""}`);
  for (const n of networks) items.set(`network ${n.network_id}`, n.network_name);
  return { items, prefixed };
}

/** Lines describing every pre-existing object that changed or disappeared. */
export function inventoryChanges(before: InventorySnapshot, after: InventorySnapshot): string[] {
  const changes: string[] = [];
  for (const [key, was] of before.items) {
    const now = after.items.get(key);
    if (now === undefined) changes.push(`${key} (${was}) is gone`);
    else if (now !== was) changes.push(`${key} changed: ${was} → ${now}`);
  }
  return changes;
}
