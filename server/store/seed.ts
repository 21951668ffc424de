/** Writing a fixture into a database: everything replaced, in one transaction. */

import type { Fixture } from "../fixture";
import { type Db, replaceTables } from "./db";
import { TABLES } from "./schema";

/** Empties every table, those that refer to others first (the caller defers the key checks anyway). */
export function clearAll(db: Db): void {
  for (const table of [...TABLES].reverse()) db.prepare(`DELETE FROM ${table}`).run();
}

/**
 * Replaces everything with `fixture`, in one transaction (a failure changes nothing); `hash`
 * makes an account's stored hash from its password. References are checked once, at the end.
 */
export function seedFixture(
  db: Db,
  fixture: Fixture,
  now: number,
  hash: (account: string, password: string) => string,
): void {
  replaceTables(
    db,
    () => {
      insertFixture(db, fixture, hash);
      stampSeed(db, now);
    },
    true,
  );
}

/**
 * `seedFixture` without the moment: every value that depends on when the fixture was loaded is
 * written by `stampSeed` alone (insertFixture is never given the time), so a seeded image taken
 * between the two (server/store/seeded-images.ts) becomes any moment's seed by stamping it.
 */
export function seedUnstamped(
  db: Db,
  fixture: Fixture,
  hash: (account: string, password: string) => string,
): void {
  replaceTables(db, () => insertFixture(db, fixture, hash), true);
}

/** Writes the values of a seed that depend on the moment it was loaded: the NAS's boot, the passwords' age. */
export function stampSeed(db: Db, now: number): void {
  db.prepare("UPDATE system SET boot_started_at = ?").run(now);
  db.prepare("UPDATE accounts SET password_changed_at = ?").run(Math.floor(now / 1000));
}

function insertFixture(db: Db, fixture: Fixture, hash: (account: string, password: string) => string): void {
  const b = (v: boolean) => (v ? 1 : 0);
  clearAll(db);
  const s = fixture.system;
  db.prepare(
    `INSERT INTO system (id, model, dsm_version, dsm_build, serial, ram_mb, vmm_version, cluster_status,
      pro_licence, ha_enabled, ha_reservation_ok, max_iscsi_luns, auto_select_host, boot_started_at)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.model,
    s.dsm_version,
    s.dsm_build,
    s.serial,
    s.ram_mb,
    s.vmm_version,
    s.cluster_status,
    b(s.pro_licence),
    b(s.ha_enabled),
    b(s.ha_reservation_ok),
    s.max_iscsi_luns,
    s.auto_select_host,
    0,
  );
  // The NAS's states (DSM's system APIs), one JSON row read by NasStore.
  db.prepare("INSERT INTO nas (id, state) VALUES (1, ?)").run(JSON.stringify(fixture.nas));
  const account = db.prepare(
    `INSERT INTO accounts (name, password_hash, is_admin, disabled, login_denied, otp_secret, email, fullname,
      password_state, password_changed_at, locked, otp_enforced, second_factors)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const a of fixture.accounts) {
    account.run(
      a.name,
      hash(a.name, a.password),
      b(a.admin),
      b(a.disabled),
      b(a.login_denied),
      a.otp_secret ?? null,
      a.email,
      a.fullname,
      a.password_state,
      0,
      b(a.locked),
      b(a.otp_enforced),
      JSON.stringify(a.second_factors ?? ["otp"]),
    );
  }
  const host = db.prepare(
    `INSERT INTO hosts (host_id, host_name, status, total_cpu_core, total_ram_size, other_ram_used, seq)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  fixture.hosts.forEach((h, i) => {
    host.run(h.host_id, h.host_name, h.status, h.total_cpu_core, h.total_ram_size, h.other_ram_used, i + 1);
  });
  const storage = db.prepare(
    `INSERT INTO storages (storage_id, storage_name, host_id, size, other_used, status, volume_path, seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  fixture.storages.forEach((st, i) => {
    storage.run(
      st.storage_id,
      st.storage_name,
      st.host_id,
      st.size,
      st.other_used,
      st.status,
      st.volume_path,
      i + 1,
    );
  });
  const network = db.prepare("INSERT INTO networks (network_id, network_name, seq) VALUES (?, ?, ?)");
  const hostNetwork = db.prepare("INSERT INTO host_networks (host_id, network_id) VALUES (?, ?)");
  fixture.networks.forEach((n, i) => {
    network.run(n.network_id, n.network_name, i + 1);
    for (const h of n.host_ids) hostNetwork.run(h, n.network_id);
  });
  const share = db.prepare("INSERT INTO shares (name) VALUES (?)");
  const file = db.prepare("INSERT INTO share_files (path, share, size) VALUES (?, ?, ?)");
  for (const sh of fixture.shares) {
    share.run(sh.name);
    for (const f of sh.files) file.run(`/${sh.name}/${f.name}`, sh.name, f.size);
  }
  const image = db.prepare(
    `INSERT INTO images (image_id, image_name, type, size, ds_file_path, state, seq)
     VALUES (?, ?, ?, ?, ?, 'ready', ?)`,
  );
  const imageStorage = db.prepare(
    "INSERT INTO image_storages (image_id, storage_id, state) VALUES (?, ?, 'ready')",
  );
  fixture.images.forEach((im, i) => {
    image.run(im.image_id, im.image_name, im.type, im.size, im.ds_file_path, i + 1);
    for (const st of im.storage_ids) imageStorage.run(im.image_id, st);
  });
  const guest = db.prepare(
    `INSERT INTO guests (guest_id, guest_name, description, autorun, status, storage_id, vcpu_num, vram_size,
      host_id, uefi, cpu_reservation, transition_due, seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
  );
  const vdisk = db.prepare(
    `INSERT INTO vdisks (vdisk_id, guest_id, idx, controller, unmap, vdisk_size, image_id)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const vnic = db.prepare(
    "INSERT INTO vnics (vnic_id, guest_id, idx, mac, model, network_id) VALUES (?, ?, ?, ?, ?, ?)",
  );
  fixture.guests.forEach((g, i) => {
    guest.run(
      g.guest_id,
      g.guest_name,
      g.description,
      g.autorun,
      g.status,
      g.storage_id,
      g.vcpu_num,
      g.vram_size,
      g.status === "running" ? (g.host_id ?? null) : null,
      b(g.uefi),
      g.cpu_reservation,
      i + 1,
    );
    g.vdisks.forEach((d, j) => {
      vdisk.run(d.vdisk_id, g.guest_id, j, d.controller, b(d.unmap), d.vdisk_size, d.image_id ?? null);
    });
    g.vnics.forEach((v, j) => {
      vnic.run(v.vnic_id, g.guest_id, j, v.mac, v.model, v.network_id);
    });
  });
}
