/**
 * Hosts, storages and networks (and which host has which network), with the figures DSM
 * derives from the guests: a host's used CPU threads and RAM count every guest placed on it
 * (booting, running, shutting down); a storage's used space counts its vdisks and image copies.
 *
 * By design: a control-plane change touches one row and leaves the derived figures to the
 * queries that compute them, so the DSM answers follow without further work. Hosts are read on
 * every change (the cluster's rules, placement) and kept until a host or a guest changes; the
 * vdisks' share of a storage's used space comes from the guest store's running sums.
 */
import { type Changes, type Group, Kept } from "./changes";
import type { Db } from "./db";
import type { GuestStore } from "./guests";
import { Writes } from "./writes";

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

/** `used` without the vdisks, which `withVdisks` adds (GuestStore keeps their sums). */
const STORAGES = `
  SELECT s.storage_id, s.storage_name, s.host_id, h.host_name, h.status AS host_status, s.size, s.status,
    s.volume_path,
    s.other_used
      + COALESCE((SELECT SUM(i.size) FROM image_storages x JOIN images i ON i.image_id = x.image_id
                  WHERE x.storage_id = s.storage_id AND x.state != 'failed'), 0) AS used
  FROM storages s JOIN hosts h ON h.host_id = s.host_id`;

const HOSTS_AND_GUESTS: readonly Group[] = ["inventory", "guests"];
const STORAGES_AND_IMAGES: readonly Group[] = ["inventory", "images"];
const INVENTORY: readonly Group[] = ["inventory"];

export class InventoryStore {
  readonly #changes: Changes;
  readonly #guests: GuestStore;
  readonly #keptHosts: Kept<HostRow[]>;
  readonly #keptStatuses: Kept<string[]>;
  #keptStorages: { stamp: number; rows: StorageRow[] } | undefined;
  #keptHostNetworks: { stamp: number; pairs: Set<string> } | undefined;
  readonly #hosts;
  readonly #statuses;
  readonly #storages;
  readonly #networks;
  readonly #networkById;
  readonly #networkByName;
  readonly #hostIdByRef;
  readonly #storageIdByRef;
  readonly #networkHosts;
  readonly #updateHost;
  readonly #updateStorage;
  constructor(db: Db, changes: Changes, guests: GuestStore) {
    this.#keptHosts = new Kept(changes, HOSTS_AND_GUESTS);
    this.#keptStatuses = new Kept(changes, INVENTORY);
    this.#changes = changes;
    this.#guests = guests;
    const writes = new Writes(db, changes, "inventory");
    this.#hosts = db.prepare<[], HostRow>(`${HOSTS} GROUP BY h.host_id ORDER BY h.seq`);
    this.#statuses = db.prepare<[], string>("SELECT status FROM hosts ORDER BY seq").pluck();
    this.#storages = db.prepare<[], StorageRow>(`${STORAGES} ORDER BY s.seq`);
    this.#networks = db.prepare<[], NetworkRow>("SELECT network_id, network_name FROM networks ORDER BY seq");
    this.#networkById = db.prepare<[string], NetworkRow>(
      "SELECT network_id, network_name FROM networks WHERE network_id = ?",
    );
    this.#networkByName = db.prepare<[string], NetworkRow>(
      "SELECT network_id, network_name FROM networks WHERE network_name = ?",
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
    this.#updateHost = writes.prepare(
      `UPDATE hosts SET status = COALESCE(@status, status),
        total_cpu_core = COALESCE(@total_cpu_core, total_cpu_core),
        total_ram_size = COALESCE(@total_ram_size, total_ram_size),
        other_ram_used = COALESCE(@other_ram_used, other_ram_used)
       WHERE host_id = @host_id`,
    );
    this.#updateStorage = writes.prepare(
      `UPDATE storages SET status = COALESCE(@status, status), size = COALESCE(@size, size),
        other_used = COALESCE(@other_used, other_used)
       WHERE storage_id = @storage_id`,
    );
  }
  /** Every host in the cluster's order. The rows are shared with other callers: never mutate them. */
  hosts(): HostRow[] {
    return this.#keptHosts.get(() => this.#hosts.all());
  }
  host(ref: { id?: string | undefined; name?: string | undefined }): HostRow | undefined {
    if (ref.id !== undefined) return this.hosts().find((h) => h.host_id === ref.id);
    if (ref.name !== undefined) return this.hosts().find((h) => h.host_name === ref.name);
    return undefined;
  }
  /** Each host's status, in the cluster's order: what the cluster's rules read on every change. */
  hostStatuses(): readonly string[] {
    return this.#keptStatuses.get(() => this.#statuses.all());
  }
  /** Every storage in the cluster's order (rows of the caller's own). */
  storages(): StorageRow[] {
    return this.#keptStorageRows().map((s) => this.#withVdisks({ ...s }));
  }
  storage(ref: { id?: string | undefined; name?: string | undefined }): StorageRow | undefined {
    const rows = this.#keptStorageRows();
    const row =
      ref.id !== undefined
        ? rows.find((s) => s.storage_id === ref.id)
        : ref.name !== undefined
          ? rows.find((s) => s.storage_name === ref.name)
          : undefined;
    return row === undefined ? undefined : this.#withVdisks({ ...row });
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
    let kept = this.#keptHostNetworks;
    if (kept === undefined || !this.#changes.unchanged(kept.stamp, INVENTORY)) {
      const pairs = new Set<string>();
      for (const [network, hosts] of this.networkHosts())
        for (const host of hosts) pairs.add(`${host}\n${network}`);
      kept = { stamp: this.#changes.stamp(), pairs };
      this.#keptHostNetworks = kept;
    }
    return kept.pairs.has(`${hostId}\n${networkId}`);
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
    this.#updateHost.write({
      host_id: hostId,
      status: orNull(c.status),
      total_cpu_core: orNull(c.total_cpu_core),
      total_ram_size: orNull(c.total_ram_size),
      other_ram_used: orNull(c.other_ram_used),
    });
  }
  updateStorage(storageId: string, c: StorageChanges): void {
    this.#updateStorage.write({
      storage_id: storageId,
      status: orNull(c.status),
      size: orNull(c.size),
      other_used: orNull(c.other_used),
    });
  }

  /** The storages without their vdisks' space, kept until a storage, host or image changes. */
  #keptStorageRows(): StorageRow[] {
    let kept = this.#keptStorages;
    if (kept === undefined || !this.#changes.unchanged(kept.stamp, STORAGES_AND_IMAGES)) {
      kept = { stamp: this.#changes.stamp(), rows: this.#storages.all() };
      this.#keptStorages = kept;
    }
    return kept.rows;
  }

  /** The row with its vdisks' space added to `used` (a row of the caller's own). */
  #withVdisks(row: StorageRow): StorageRow {
    row.used += this.#guests.vdiskUse().byStorage.get(row.storage_id) ?? 0;
    return row;
  }
}
