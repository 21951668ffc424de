/** The NAS itself and cluster-wide settings (one row, read on every change: kept until it changes). */
import { type Changes, type Group, Kept } from "./changes";
import type { Db } from "./db";
import { Writes } from "./writes";

export interface SystemRow {
  model: string;
  dsm_version: string;
  dsm_build: number;
  serial: string;
  ram_mb: number;
  vmm_version: string;
  cluster_status: "normal" | "incompatible" | "not_ready";
  pro_licence: number;
  ha_enabled: number;
  ha_reservation_ok: number;
  max_iscsi_luns: number;
  auto_select_host: "most_free_memory" | "storage_host" | "first";
  boot_started_at: number;
  /** The switchable clock's saved state (JSON), or null when it was never moved. */
  clock: string | null;
}

export interface ClusterChanges {
  cluster_status?: string;
  pro_licence?: boolean;
  ha_enabled?: boolean;
  ha_reservation_ok?: boolean;
  max_iscsi_luns?: number;
  auto_select_host?: string;
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const bit = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);

const SYSTEM: readonly Group[] = ["system"];

export class SystemStore {
  readonly #kept: Kept<SystemRow>;
  readonly #get;
  readonly #update;
  readonly #saveClock;
  constructor(db: Db, changes: Changes) {
    this.#kept = new Kept(changes, SYSTEM);
    const writes = new Writes(db, changes, "system");
    this.#get = db.prepare<[], SystemRow>("SELECT * FROM system WHERE id = 1");
    this.#saveClock = writes.prepare("UPDATE system SET clock = ? WHERE id = 1");
    // Absent fields become NULL, which COALESCE turns into "keep the current value".
    this.#update = writes.prepare(
      `UPDATE system SET cluster_status = COALESCE(@cluster_status, cluster_status),
        pro_licence = COALESCE(@pro_licence, pro_licence),
        ha_enabled = COALESCE(@ha_enabled, ha_enabled),
        ha_reservation_ok = COALESCE(@ha_reservation_ok, ha_reservation_ok),
        max_iscsi_luns = COALESCE(@max_iscsi_luns, max_iscsi_luns),
        auto_select_host = COALESCE(@auto_select_host, auto_select_host)
       WHERE id = 1`,
    );
  }
  /** Keeps the clock's state beside the data (a restart must not go back in time). */
  saveClock(state: string): void {
    this.#saveClock.write(state);
  }
  /** The row, shared with other callers: never mutate it. */
  get(): SystemRow {
    return this.#kept.get(() => {
      const row = this.#get.get();
      if (row === undefined) throw new Error("the database was never seeded from a fixture");
      return row;
    });
  }
  updateCluster(c: ClusterChanges): void {
    this.#update.write({
      cluster_status: orNull(c.cluster_status),
      pro_licence: bit(c.pro_licence),
      ha_enabled: bit(c.ha_enabled),
      ha_reservation_ok: bit(c.ha_reservation_ok),
      max_iscsi_luns: orNull(c.max_iscsi_luns),
      auto_select_host: orNull(c.auto_select_host),
    });
  }
}
