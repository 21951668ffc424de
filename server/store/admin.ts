/**
 * The control plane's SQL: out-of-band changes that no DSM call can make (a host going
 * offline, a storage crashing, the licence lapsing, a guest crashing) and the reads that only
 * the state dump needs (accounts, network hosts, shares, session count).
 *
 * By design: a change touches one row and leaves the derived figures (free CPU and RAM, used
 * space) to the queries that compute them, so the DSM answers follow without further work.
 */
import type { Db } from "./db";
import type { TaskRow } from "./tasks";

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

export interface ClusterChanges {
  cluster_status?: string;
  pro_licence?: boolean;
  ha_enabled?: boolean;
  ha_reservation_ok?: boolean;
  max_iscsi_luns?: number;
  auto_select_host?: string;
}

export interface AccountSummary {
  name: string;
  is_admin: boolean;
  disabled: boolean;
  /** Whether the account needs a 2-step verification code (the secret itself is never shown). */
  otp: boolean;
}

export interface ShareSummary {
  name: string;
  files: { path: string; size: number }[];
}

/** Absent fields become NULL, which COALESCE turns into "keep the current value". */
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const bit = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);

export class AdminStore {
  readonly #hostIdByRef;
  readonly #storageIdByRef;
  readonly #guestByRef;
  readonly #updateHost;
  readonly #updateStorage;
  readonly #updateSystem;
  readonly #crashGuest;
  readonly #accounts;
  readonly #networkHosts;
  readonly #shares;
  readonly #shareFiles;
  readonly #sessions;
  readonly #tasks;
  constructor(db: Db) {
    // Ids win over names, as DSM's own `*_id` / `*_name` pairs do.
    this.#hostIdByRef = db.prepare<[string, string], { host_id: string }>(
      "SELECT host_id FROM hosts WHERE host_id = ? UNION ALL SELECT host_id FROM hosts WHERE host_name = ? LIMIT 1",
    );
    this.#storageIdByRef = db.prepare<[string, string], { storage_id: string }>(
      `SELECT storage_id FROM storages WHERE storage_id = ?
       UNION ALL SELECT storage_id FROM storages WHERE storage_name = ? LIMIT 1`,
    );
    this.#guestByRef = db.prepare<[string, string], { guest_id: string; status: string }>(
      `SELECT guest_id, status FROM guests WHERE guest_id = ?
       UNION ALL SELECT guest_id, status FROM guests WHERE guest_name = ? LIMIT 1`,
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
    this.#updateSystem = db.prepare(
      `UPDATE system SET cluster_status = COALESCE(@cluster_status, cluster_status),
        pro_licence = COALESCE(@pro_licence, pro_licence),
        ha_enabled = COALESCE(@ha_enabled, ha_enabled),
        ha_reservation_ok = COALESCE(@ha_reservation_ok, ha_reservation_ok),
        max_iscsi_luns = COALESCE(@max_iscsi_luns, max_iscsi_luns),
        auto_select_host = COALESCE(@auto_select_host, auto_select_host)
       WHERE id = 1`,
    );
    // A crashed guest no longer holds a host: its threads and RAM are free again.
    this.#crashGuest = db.prepare(
      "UPDATE guests SET status = 'crashed', host_id = NULL, transition_due = NULL WHERE guest_id = ?",
    );
    this.#accounts = db.prepare<[], { name: string; is_admin: number; disabled: number; otp: number }>(
      "SELECT name, is_admin, disabled, otp_secret IS NOT NULL AS otp FROM accounts ORDER BY name",
    );
    this.#networkHosts = db.prepare<[], { network_id: string; host_id: string }>(
      `SELECT x.network_id, x.host_id FROM host_networks x JOIN hosts h ON h.host_id = x.host_id
       ORDER BY h.seq`,
    );
    this.#shares = db.prepare<[], { name: string }>("SELECT name FROM shares ORDER BY name");
    this.#shareFiles = db.prepare<[], { share: string; path: string; size: number }>(
      "SELECT share, path, size FROM share_files ORDER BY path",
    );
    this.#sessions = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sessions");
    this.#tasks = db.prepare<[], TaskRow>("SELECT * FROM tasks ORDER BY seq");
  }

  hostId(ref: string): string | undefined {
    return this.#hostIdByRef.get(ref, ref)?.host_id;
  }
  storageId(ref: string): string | undefined {
    return this.#storageIdByRef.get(ref, ref)?.storage_id;
  }
  guest(ref: string): { guest_id: string; status: string } | undefined {
    return this.#guestByRef.get(ref, ref);
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
  updateCluster(c: ClusterChanges): void {
    this.#updateSystem.run({
      cluster_status: orNull(c.cluster_status),
      pro_licence: bit(c.pro_licence),
      ha_enabled: bit(c.ha_enabled),
      ha_reservation_ok: bit(c.ha_reservation_ok),
      max_iscsi_luns: orNull(c.max_iscsi_luns),
      auto_select_host: orNull(c.auto_select_host),
    });
  }
  crashGuest(guestId: string): void {
    this.#crashGuest.run(guestId);
  }

  accounts(): AccountSummary[] {
    return this.#accounts.all().map((a) => ({
      name: a.name,
      is_admin: a.is_admin === 1,
      disabled: a.disabled === 1,
      otp: a.otp === 1,
    }));
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
  shares(): ShareSummary[] {
    const files = this.#shareFiles.all();
    return this.#shares.all().map(({ name }) => ({
      name,
      files: files.filter((f) => f.share === name).map(({ path, size }) => ({ path, size })),
    }));
  }
  sessionCount(): number {
    return this.#sessions.get()?.n ?? 0;
  }
  tasks(): TaskRow[] {
    return this.#tasks.all();
  }
}
