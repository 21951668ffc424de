/**
 * Hosts, storages and networks (and which host has which network), with the figures DSM
 * derives from the guests: a host's used CPU threads and RAM count every guest placed on it
 * (booting, running, shutting down); a storage's used space counts its vdisks and image copies.
 *
 * By design: a control-plane change touches one row and leaves the derived figures to the
 * queries that compute them, so the DSM answers follow without further work.
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

export interface HostChanges {
  status?: string;
  total_cpu_core?: number;
  total_ram_size?: number;
  other_ram_used?: number;
}

export interface StorageChanges {
  status?: string;
  size?: number;
  other_used?: number;
}

/** Absent fields become NULL, which COALESCE turns into "keep the current value". */
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

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
  readonly #hostIdByRef;
  readonly #storageIdByRef;
  readonly #networkHosts;
  readonly #updateHost;
  readonly #updateStorage;
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
    // Ids win over names, as DSM's own `*_id` / `*_name` pairs do.
    this.#hostIdByRef = db
      .prepare<[string, string], string>(
        "SELECT host_id FROM hosts WHERE host_id = ? UNION ALL SELECT host_id FROM hosts WHERE host_name = ? LIMIT 1",
      )
      .pluck();
    this.#storageIdByRef = db
      .prepare<[string, string], string>(
        `SELECT storage_id FROM storages WHERE storage_id = ?
         UNION ALL SELECT storage_id FROM storages WHERE storage_name = ? LIMIT 1`,
      )
      .pluck();
    this.#networkHosts = db.prepare<[], { network_id: string; host_id: string }>(
      `SELECT x.network_id, x.host_id FROM host_networks x JOIN hosts h ON h.host_id = x.host_id
       ORDER BY h.seq`,
    );
    this.#updateHost = db.prepare(
      `UPDATE hosts SET status = COALESCE(@status, status),
        total_cpu_core = COALESCE(@total_cpu_core, total_cpu_core),
        total_ram_size = COALESCE(@total_ram_size, total_ram_size),
        other_ram_used = COALESCE(@other_ram_used, other_ram_used)
       WHERE host_id = @host_id`,
    );
    this.#updateStorage = db.prepare(
      `UPDATE storages SET status = COALESCE(@status, status), size = COALESCE(@size, size),
        other_used = COALESCE(@other_used, other_used)
       WHERE storage_id = @storage_id`,
    );
  }
  hosts(): HostRow[] {
    return this.#hosts.all();
  }
  host(ref: { id?: string | undefined; name?: string | undefined }): HostRow | undefined {
    if (ref.id !== undefined) return this.#hostById.get(ref.id);
    if (ref.name !== undefined) return this.#hostByName.get(ref.name);
    return undefined;
  }
  storages(): StorageRow[] {
    return this.#storages.all();
  }
  storage(ref: { id?: string | undefined; name?: string | undefined }): StorageRow | undefined {
    if (ref.id !== undefined) return this.#storageById.get(ref.id);
    if (ref.name !== undefined) return this.#storageByName.get(ref.name);
    return undefined;
  }
  networks(): NetworkRow[] {
    return this.#networks.all();
  }
  network(ref: { id?: string | undefined; name?: string | undefined }): NetworkRow | undefined {
    if (ref.id !== undefined) return this.#networkById.get(ref.id);
    if (ref.name !== undefined) return this.#networkByName.get(ref.name);
    return undefined;
  }
  hostHasNetwork(hostId: string, networkId: string): boolean {
    return this.#hostHasNetwork.get(hostId, networkId) !== undefined;
  }
  /** A host by a value that is either its id or its name (the control plane's `:ref`). */
  hostIdOf(ref: string): string | undefined {
    return this.#hostIdByRef.get(ref, ref);
  }
  storageIdOf(ref: string): string | undefined {
    return this.#storageIdByRef.get(ref, ref);
  }
  /** Network id → the hosts that have it, in host order. */
  networkHosts(): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const { network_id, host_id } of this.#networkHosts.all()) {
      const list = map.get(network_id);
      if (list === undefined) map.set(network_id, [host_id]);
      else list.push(host_id);
    }
    return map;
  }
  updateHost(hostId: string, c: HostChanges): void {
    this.#updateHost.run({
      host_id: hostId,
      status: orNull(c.status),
      total_cpu_core: orNull(c.total_cpu_core),
      total_ram_size: orNull(c.total_ram_size),
      other_ram_used: orNull(c.other_ram_used),
    });
  }
  updateStorage(storageId: string, c: StorageChanges): void {
    this.#updateStorage.run({
      storage_id: storageId,
      status: orNull(c.status),
      size: orNull(c.size),
      other_used: orNull(c.other_used),
    });
  }
}
