/**
 * Guests with their vdisks and vnics: every SQL statement over those three tables. Lists are
 * read in three queries, whatever the guest count, and kept until the database changes: clients
 * poll `Guest list` while they wait for a status, and reading rows is most of its cost (about
 * 10 us a guest), far more than checking for a change.
 */
import type { ChangeMark, ChangeMarker } from "./changes";
import type { Db } from "./db";
import { unique } from "./errors";

export interface GuestRow {
  guest_id: string;
  guest_name: string;
  description: string;
  autorun: number;
  status: string;
  storage_id: string;
  storage_name: string;
  vcpu_num: number;
  /** MiB */
  vram_size: number;
  host_id: string | null;
  uefi: number;
  cpu_reservation: number;
  transition_due: number | null;
  /** The images mounted in the guest's two CD-ROM slots (null: unmounted). */
  iso_1: string | null;
  iso_2: string | null;
}

export interface VdiskRow {
  vdisk_id: string;
  guest_id: string;
  controller: number;
  unmap: number;
  /** MiB */
  vdisk_size: number;
  image_id: string | null;
}

export interface VnicRow {
  vnic_id: string;
  guest_id: string;
  mac: string;
  model: number;
  network_id: string | null;
  network_name: string | null;
}

export interface GuestRecord extends GuestRow {
  vdisks: VdiskRow[];
  vnics: VnicRow[];
}

export interface NewGuest {
  guest_id: string;
  guest_name: string;
  description: string;
  autorun: number;
  status: string;
  storage_id: string;
  vcpu_num: number;
  vram_size: number;
  uefi: number;
  cpu_reservation: number;
}

export type NewVdisk = Omit<VdiskRow, "guest_id">;
export type NewVnic = Omit<VnicRow, "guest_id" | "network_name">;

export interface GuestChanges {
  guest_name?: string | undefined;
  description?: string | undefined;
  autorun?: number | undefined;
  vcpu_num?: number | undefined;
  vram_size?: number | undefined;
  iso_1?: string | null | undefined;
  iso_2?: string | null | undefined;
}

/** A guest's power bookkeeping: where it runs and when its transition ends. */
export interface GuestPower {
  guest_id: string;
  status: string;
  host_id: string | null;
}

const GUEST = `SELECT g.*, s.storage_name FROM guests g JOIN storages s ON s.storage_id = g.storage_id`;
const VDISK = "SELECT vdisk_id, guest_id, controller, unmap, vdisk_size, image_id FROM vdisks";
const VNIC = `SELECT v.vnic_id, v.guest_id, v.mac, v.model, v.network_id, n.network_name
  FROM vnics v LEFT JOIN networks n ON n.network_id = v.network_id`;
const UNIQUE = ["guests.guest_name", "vnics.mac"];

export class GuestStore {
  readonly #db: Db;
  readonly #marker: ChangeMarker;
  #cached: { mark: ChangeMark; records: GuestRecord[] } | undefined;
  readonly #all;
  readonly #byId;
  readonly #byName;
  readonly #byRef;
  readonly #allVdisks;
  readonly #allVnics;
  readonly #vdisksOf;
  readonly #vnicsOf;
  readonly #insert;
  readonly #insertVdisk;
  readonly #insertVnic;
  readonly #delete;
  readonly #setPower;
  readonly #due;
  readonly #nextDue;
  readonly #macInUse;
  readonly #luns;
  readonly #cloningImage;
  readonly #isoMounted;
  constructor(db: Db, marker: ChangeMarker) {
    this.#db = db;
    this.#marker = marker;
    this.#all = db.prepare<[], GuestRow>(`${GUEST} ORDER BY g.seq`);
    this.#byId = db.prepare<[string], GuestRow>(`${GUEST} WHERE g.guest_id = ?`);
    this.#byName = db.prepare<[string], GuestRow>(`${GUEST} WHERE g.guest_name = ?`);
    // Ids win over names, as DSM's own `*_id` / `*_name` pairs do.
    this.#byRef = db.prepare<[string, string], GuestRow>(
      `${GUEST} WHERE g.guest_id = ? UNION ALL ${GUEST} WHERE g.guest_name = ? LIMIT 1`,
    );
    this.#allVdisks = db.prepare<[], VdiskRow>(`${VDISK} ORDER BY guest_id, idx`);
    this.#allVnics = db.prepare<[], VnicRow>(`${VNIC} ORDER BY v.guest_id, v.idx`);
    this.#vdisksOf = db.prepare<[string], VdiskRow>(`${VDISK} WHERE guest_id = ? ORDER BY idx`);
    this.#vnicsOf = db.prepare<[string], VnicRow>(`${VNIC} WHERE v.guest_id = ? ORDER BY v.idx`);
    this.#insert = db.prepare(
      `INSERT INTO guests (guest_id, guest_name, description, autorun, status, storage_id, vcpu_num, vram_size,
        host_id, uefi, cpu_reservation, transition_due, seq)
       VALUES (@guest_id, @guest_name, @description, @autorun, @status, @storage_id, @vcpu_num, @vram_size,
        NULL, @uefi, @cpu_reservation, NULL, (SELECT COALESCE(MAX(seq), 0) + 1 FROM guests))`,
    );
    this.#insertVdisk = db.prepare(
      `INSERT INTO vdisks (vdisk_id, guest_id, idx, controller, unmap, vdisk_size, image_id)
       VALUES (@vdisk_id, @guest_id, @idx, @controller, @unmap, @vdisk_size, @image_id)`,
    );
    this.#insertVnic = db.prepare(
      `INSERT INTO vnics (vnic_id, guest_id, idx, mac, model, network_id)
       VALUES (@vnic_id, @guest_id, @idx, @mac, @model, @network_id)`,
    );
    this.#delete = db.prepare("DELETE FROM guests WHERE guest_id = ?");
    this.#setPower = db.prepare(
      "UPDATE guests SET status = ?, host_id = ?, transition_due = ? WHERE guest_id = ?",
    );
    this.#due = db.prepare<[number], GuestPower>(
      "SELECT guest_id, status, host_id FROM guests WHERE transition_due IS NOT NULL AND transition_due <= ?",
    );
    // Answered from the partial index guests_transition_due.
    this.#nextDue = db
      .prepare<[], number | null>("SELECT MIN(transition_due) FROM guests WHERE transition_due IS NOT NULL")
      .pluck();
    this.#macInUse = db.prepare<[string], { n: number }>("SELECT 1 AS n FROM vnics WHERE mac = ?");
    this.#luns = db.prepare<[], number>("SELECT COUNT(*) FROM vdisks").pluck();
    this.#cloningImage = db.prepare<[string], { n: number }>(
      `SELECT 1 AS n FROM vdisks d JOIN guests g ON g.guest_id = d.guest_id
       WHERE d.image_id = ? AND g.status = 'creating' LIMIT 1`,
    );
    this.#isoMounted = db.prepare<[string, string], { n: number }>(
      "SELECT 1 AS n FROM guests WHERE iso_1 = ? OR iso_2 = ? LIMIT 1",
    );
  }

  /** Every guest in creation order. The records may be shared with other callers: never mutate them. */
  list(): GuestRecord[] {
    if (this.#cached !== undefined && this.#marker.unchanged(this.#cached.mark)) return this.#cached.records;
    const mark = this.#marker.read();
    const vdisks = groupBy(this.#allVdisks.all());
    const vnics = groupBy(this.#allVnics.all());
    const records = this.#all.all().map((g) => ({
      ...g,
      vdisks: vdisks.get(g.guest_id) ?? [],
      vnics: vnics.get(g.guest_id) ?? [],
    }));
    this.#cached = mark === undefined ? undefined : { mark, records };
    return records;
  }
  /** By id when given, else by name (DSM's rule when a client sends both). */
  find(ref: { id?: string | undefined; name?: string | undefined }): GuestRow | undefined {
    if (ref.id !== undefined) return this.#byId.get(ref.id);
    if (ref.name !== undefined) return this.#byName.get(ref.name);
    return undefined;
  }
  /** By a value that is either an id or a name (the control plane's `:ref`). */
  findByIdOrName(ref: string): GuestRow | undefined {
    return this.#byRef.get(ref, ref);
  }
  record(row: GuestRow): GuestRecord {
    return { ...row, vdisks: this.#vdisksOf.all(row.guest_id), vnics: this.#vnicsOf.all(row.guest_id) };
  }

  /** Inserts a guest; a name or MAC another writer took first throws UniqueConflict. */
  insert(guest: NewGuest, vdisks: readonly NewVdisk[], vnics: readonly NewVnic[]): void {
    unique(UNIQUE, () => {
      this.#insert.run(guest);
      vdisks.forEach((d, idx) => {
        this.#insertVdisk.run({ ...d, guest_id: guest.guest_id, idx });
      });
      vnics.forEach((v, idx) => {
        this.#insertVnic.run({ ...v, guest_id: guest.guest_id, idx });
      });
    });
  }
  /** Applies edits; a name another guest took first throws UniqueConflict. */
  update(guestId: string, changes: GuestChanges): void {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    // Column names come from the GuestChanges keys above, never from a request.
    const sets = entries.map(([k]) => `${k} = @${k}`).join(", ");
    unique(UNIQUE, () =>
      this.#db
        .prepare(`UPDATE guests SET ${sets} WHERE guest_id = @guest_id`)
        .run({ ...Object.fromEntries(entries), guest_id: guestId }),
    );
  }
  /** Removes a guest with its vdisks and vnics (their LUNs and space are freed with them). */
  delete(guestId: string): boolean {
    return this.#delete.run(guestId).changes > 0;
  }
  /** Sets a guest's status, the host it holds (null: none) and when its transition ends (null: never). */
  setPower(guestId: string, status: string, hostId: string | null, due: number | null): void {
    this.#setPower.run(status, hostId, due, guestId);
  }
  /** Guests whose transition ends by `now`. */
  dueTransitions(now: number): GuestPower[] {
    return this.#due.all(now);
  }
  /** When the first transition ends, or null when no guest is in one. */
  nextTransition(): number | null {
    return this.#nextDue.get() ?? null;
  }
  macInUse(mac: string): boolean {
    return this.#macInUse.get(mac) !== undefined;
  }
  /** iSCSI LUNs in use: one per vdisk, cluster-wide. */
  lunsInUse(): number {
    return this.#luns.get() ?? 0;
  }
  /** True while a guest being created clones this image. */
  cloningImage(imageId: string): boolean {
    return this.#cloningImage.get(imageId) !== undefined;
  }
  /** True when some guest has this image mounted. */
  isoMounted(imageId: string): boolean {
    return this.#isoMounted.get(imageId, imageId) !== undefined;
  }
}

function groupBy<T extends { guest_id: string }>(rows: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.guest_id);
    if (list === undefined) map.set(row.guest_id, [row]);
    else list.push(row);
  }
  return map;
}
