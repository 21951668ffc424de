/**
 * Hosts, storages and networks, with the figures DSM derives from the guests:
 * a host's free CPU threads and RAM count every guest placed on it (booting, running,
 * shutting down); a storage's used space counts its vdisks and image copies.
 */
import type { Db } from "./db";

export interface HostRow {
  host_id: string;
  host_name: string;
  status: string;
  total_cpu_core: number;
  total_ram_size: number;
  other_ram_used: number;
  used_cpu: number;
  used_ram: number;
}

export interface StorageRow {
  storage_id: string;
  storage_name: string;
  host_id: string;
  host_name: string;
  host_status: string;
  size: number;
  used: number;
  status: string;
  volume_path: string;
}

export interface NetworkRow {
  network_id: string;
  network_name: string;
}

/** A host DSM cannot reach: its figures are not reported and nothing can run there. */
export const isHostOffline = (status: string): boolean => status === "inaccessible";

const HOSTS = `
  SELECT h.host_id, h.host_name, h.status, h.total_cpu_core, h.total_ram_size, h.other_ram_used,
    COALESCE(SUM(g.vcpu_num), 0) AS used_cpu, COALESCE(SUM(g.vram_size), 0) AS used_ram
  FROM hosts h LEFT JOIN guests g ON g.host_id = h.host_id`;

const STORAGES = `
  SELECT s.storage_id, s.storage_name, s.host_id, h.host_name, h.status AS host_status, s.size, s.status,
    s.volume_path,
    s.other_used
      + COALESCE((SELECT SUM(d.vdisk_size) FROM vdisks d JOIN guests g ON g.guest_id = d.guest_id
                  WHERE g.storage_id = s.storage_id), 0)
      + COALESCE((SELECT SUM(i.size) FROM image_storages x JOIN images i ON i.image_id = x.image_id
                  WHERE x.storage_id = s.storage_id AND x.state != 'failed'), 0) AS used
  FROM storages s JOIN hosts h ON h.host_id = s.host_id`;

export class InventoryStore {
  readonly #hosts;
  readonly #hostById;
  readonly #hostByName;
  readonly #storages;
  readonly #storageById;
  readonly #storageByName;
  readonly #networks;
  readonly #networkById;
  readonly #networkByName;
  readonly #hostHasNetwork;
  readonly #luns;
  constructor(db: Db) {
    this.#hosts = db.prepare<[], HostRow>(`${HOSTS} GROUP BY h.host_id ORDER BY h.seq`);
    this.#hostById = db.prepare<[string], HostRow>(`${HOSTS} WHERE h.host_id = ? GROUP BY h.host_id`);
    this.#hostByName = db.prepare<[string], HostRow>(`${HOSTS} WHERE h.host_name = ? GROUP BY h.host_id`);
    this.#storages = db.prepare<[], StorageRow>(`${STORAGES} ORDER BY s.seq`);
    this.#storageById = db.prepare<[string], StorageRow>(`${STORAGES} WHERE s.storage_id = ?`);
    this.#storageByName = db.prepare<[string], StorageRow>(`${STORAGES} WHERE s.storage_name = ?`);
    this.#networks = db.prepare<[], NetworkRow>("SELECT network_id, network_name FROM networks ORDER BY seq");
    this.#networkById = db.prepare<[string], NetworkRow>(
      "SELECT network_id, network_name FROM networks WHERE network_id = ?",
    );
    this.#networkByName = db.prepare<[string], NetworkRow>(
      "SELECT network_id, network_name FROM networks WHERE network_name = ?",
    );
    this.#hostHasNetwork = db.prepare<[string, string], { n: number }>(
      "SELECT 1 AS n FROM host_networks WHERE host_id = ? AND network_id = ?",
    );
    this.#luns = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM vdisks");
  }
  hosts(): HostRow[] {
    return this.#hosts.all();
  }
  host(ref: { id?: string; name?: string }): HostRow | undefined {
    if (ref.id !== undefined) return this.#hostById.get(ref.id);
    if (ref.name !== undefined) return this.#hostByName.get(ref.name);
    return undefined;
  }
  storages(): StorageRow[] {
    return this.#storages.all();
  }
  storage(ref: { id?: string; name?: string }): StorageRow | undefined {
    if (ref.id !== undefined) return this.#storageById.get(ref.id);
    if (ref.name !== undefined) return this.#storageByName.get(ref.name);
    return undefined;
  }
  networks(): NetworkRow[] {
    return this.#networks.all();
  }
  network(ref: { id?: string; name?: string }): NetworkRow | undefined {
    if (ref.id !== undefined) return this.#networkById.get(ref.id);
    if (ref.name !== undefined) return this.#networkByName.get(ref.name);
    return undefined;
  }
  hostHasNetwork(hostId: string, networkId: string): boolean {
    return this.#hostHasNetwork.get(hostId, networkId) !== undefined;
  }
  /** iSCSI LUNs in use: one per vdisk. */
  lunsInUse(): number {
    return this.#luns.get()?.n ?? 0;
  }
}

/** The status DSM shows for a storage: a storage whose host is unreachable is missing. */
export const storageStatus = (s: StorageRow): string => (isHostOffline(s.host_status) ? "missing" : s.status);
