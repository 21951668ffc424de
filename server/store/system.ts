/** The NAS itself and cluster-wide settings (one row). */
import type { Db } from "./db";

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
}

export class SystemStore {
  readonly #get;
  constructor(db: Db) {
    this.#get = db.prepare<[], SystemRow>("SELECT * FROM system WHERE id = 1");
  }
  get(): SystemRow {
    const row = this.#get.get();
    if (row === undefined) throw new Error("the database was never seeded from a fixture");
    return row;
  }
}
