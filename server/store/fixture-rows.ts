/**
 * The stored inventory as the fixture format holds it (the control plane's export): each table's
 * own columns in creation order, not the derived figures the APIs show. Sessions, tasks, login
 * failures and blocks are state of a run, not of the NAS, and are left out.
 */
import type { AccountRow } from "./accounts";
import type { Db } from "./db";
import type { GuestRow, VdiskRow, VnicRow } from "./guests";
import type { ImageRow } from "./images";
import type { SystemRow } from "./system";

/** The system row's own columns, without what a run adds (its boot time, the clock's state). */
export type FixtureSystemRow = Omit<SystemRow, "boot_started_at" | "clock">;

export interface FixtureRowSet {
  system: FixtureSystemRow;
  accounts: Omit<AccountRow, "password_hash">[];
  hosts: {
    host_id: string;
    host_name: string;
    status: string;
    total_cpu_core: number;
    total_ram_size: number;
    other_ram_used: number;
  }[];
  storages: {
    storage_id: string;
    storage_name: string;
    host_id: string;
    size: number;
    other_used: number;
    status: string;
    volume_path: string;
  }[];
  networks: { network_id: string; network_name: string }[];
  hostNetworks: { host_id: string; network_id: string }[];
  shareFiles: { share: string; path: string; size: number }[];
  shares: { name: string }[];
  images: ImageRow[];
  imageCopies: { image_id: string; storage_id: string; state: string }[];
  guests: GuestRow[];
  vdisks: VdiskRow[];
  vnics: Omit<VnicRow, "network_name">[];
}

export class FixtureRows {
  readonly #read;
  constructor(db: Db) {
    const all = <T>(sql: string) => db.prepare<[], T>(sql);
    const statements = {
      system: db.prepare<[], FixtureSystemRow>(
        `SELECT model, dsm_version, dsm_build, serial, ram_mb, vmm_version, cluster_status, pro_licence,
          ha_enabled, ha_reservation_ok, max_iscsi_luns, auto_select_host FROM system WHERE id = 1`,
      ),
      accounts: all<AccountRow>("SELECT * FROM accounts ORDER BY rowid"),
      hosts: all<FixtureRowSet["hosts"][number]>(
        "SELECT host_id, host_name, status, total_cpu_core, total_ram_size, other_ram_used FROM hosts ORDER BY seq",
      ),
      storages: all<FixtureRowSet["storages"][number]>(
        "SELECT storage_id, storage_name, host_id, size, other_used, status, volume_path FROM storages ORDER BY seq",
      ),
      networks: all<FixtureRowSet["networks"][number]>(
        "SELECT network_id, network_name FROM networks ORDER BY seq",
      ),
      hostNetworks: all<FixtureRowSet["hostNetworks"][number]>(
        "SELECT hn.host_id, hn.network_id FROM host_networks hn JOIN hosts h ON h.host_id = hn.host_id ORDER BY h.seq",
      ),
      shares: all<{ name: string }>("SELECT name FROM shares ORDER BY name"),
      shareFiles: all<FixtureRowSet["shareFiles"][number]>(
        "SELECT share, path, size FROM share_files ORDER BY path",
      ),
      images: all<ImageRow>("SELECT * FROM images ORDER BY seq"),
      imageCopies: all<FixtureRowSet["imageCopies"][number]>(
        "SELECT x.image_id, x.storage_id, x.state FROM image_storages x JOIN storages s ON s.storage_id = x.storage_id ORDER BY s.seq",
      ),
      guests: all<GuestRow>(
        "SELECT g.*, s.storage_name FROM guests g JOIN storages s ON s.storage_id = g.storage_id ORDER BY g.seq",
      ),
      vdisks: all<VdiskRow>(
        "SELECT vdisk_id, guest_id, controller, unmap, vdisk_size, image_id FROM vdisks ORDER BY guest_id, idx",
      ),
      vnics: all<FixtureRowSet["vnics"][number]>(
        "SELECT vnic_id, guest_id, mac, model, network_id FROM vnics ORDER BY guest_id, idx",
      ),
    };
    this.#read = (): FixtureRowSet => {
      const system = statements.system.get();
      if (system === undefined) throw new Error("the database holds no NAS (it was never seeded)");
      return {
        system,
        accounts: statements.accounts.all().map(({ password_hash: _, ...a }) => a),
        hosts: statements.hosts.all(),
        storages: statements.storages.all(),
        networks: statements.networks.all(),
        hostNetworks: statements.hostNetworks.all(),
        shares: statements.shares.all(),
        shareFiles: statements.shareFiles.all(),
        images: statements.images.all(),
        imageCopies: statements.imageCopies.all(),
        guests: statements.guests.all(),
        vdisks: statements.vdisks.all(),
        vnics: statements.vnics.all(),
      };
    };
  }

  /** Every row the fixture format holds, read in one go (call inside a transaction for one instant). */
  read(): FixtureRowSet {
    return this.#read();
  }
}
