/**
 * Guests with their vdisks and vnics: every SQL statement over those three tables. What clients
 * poll (the list, single guests, their records) is read and kept by the guest list view
 * (guest-list.ts), which this store tells of each guest it writes.
 *
 * The vdisks' space per storage and their count (one iSCSI LUN each) are kept too: summed once,
 * then moved by each insert and delete, so a create or a boot does not sum every vdisk of the
 * storage.
 */
import { type Changes, type Group, Kept } from "./changes";
import type { Db } from "./db";
import { unique } from "./errors";
import {
  GUEST,
  GuestListView,
  type GuestRecord,
  type GuestRow,
  type VdiskRow,
  type VnicRow,
} from "./guest-list";
import { type Write, Writes } from "./writes";

export type { GuestRecord, GuestRow, VdiskRow, VnicRow } from "./guest-list";

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

const UNIQUE = ["guests.guest_name", "vnics.mac"];

/** The vdisks' space (MiB) on each storage and their count (iSCSI LUNs), cluster-wide. */
export interface VdiskUse {
  readonly byStorage: ReadonlyMap<string, number>;
  readonly count: number;
}

const GUESTS: readonly Group[] = ["guests"];

export class GuestStore {
  readonly #changes: Changes;
  readonly #writes: Writes;
  readonly #list: GuestListView;
  #vdiskUse: { stamp: number; byStorage: Map<string, number>; count: number } | undefined;
  readonly #keptNextDue: Kept<number | null>;
  readonly #byRef;
  readonly #insert;
  readonly #insertVdisk;
  readonly #insertVnic;
  readonly #updates = new Map<string, Write>();
  readonly #delete;
  readonly #setPower;
  readonly #due;
  readonly #nextDue;
  readonly #macInUse;
  readonly #sumVdisks;
  readonly #vdisksOfGuest;
  readonly #cloningImage;
  readonly #isoMounted;
  constructor(db: Db, changes: Changes) {
    this.#keptNextDue = new Kept(changes, GUESTS);
    this.#changes = changes;
    this.#list = new GuestListView(db, changes);
    const writes = new Writes(db, changes, "guests");
    this.#writes = writes;
    // Ids win over names, as DSM's own `*_id` / `*_name` pairs do.
    this.#byRef = db.prepare<[string, string], GuestRow>(
      `${GUEST} WHERE g.guest_id = ? UNION ALL ${GUEST} WHERE g.guest_name = ? LIMIT 1`,
    );
    this.#insert = writes.prepare(
      `INSERT INTO guests (guest_id, guest_name, description, autorun, status, storage_id, vcpu_num, vram_size,
        host_id, uefi, cpu_reservation, transition_due, seq)
       VALUES (@guest_id, @guest_name, @description, @autorun, @status, @storage_id, @vcpu_num, @vram_size,
        NULL, @uefi, @cpu_reservation, NULL, (SELECT COALESCE(MAX(seq), 0) + 1 FROM guests))`,
    );
    this.#insertVdisk = writes.prepare(
      `INSERT INTO vdisks (vdisk_id, guest_id, idx, controller, unmap, vdisk_size, image_id)
       VALUES (@vdisk_id, @guest_id, @idx, @controller, @unmap, @vdisk_size, @image_id)`,
    );
    this.#insertVnic = writes.prepare(
      `INSERT INTO vnics (vnic_id, guest_id, idx, mac, model, network_id)
       VALUES (@vnic_id, @guest_id, @idx, @mac, @model, @network_id)`,
    );
    this.#delete = writes.prepare("DELETE FROM guests WHERE guest_id = ?");
    this.#setPower = writes.prepare(
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
    this.#sumVdisks = db.prepare<[], { storage_id: string; used: number; vdisks: number }>(
      `SELECT g.storage_id, SUM(d.vdisk_size) AS used, COUNT(*) AS vdisks
       FROM vdisks d JOIN guests g ON g.guest_id = d.guest_id GROUP BY g.storage_id`,
    );
    this.#vdisksOfGuest = db.prepare<[string], { storage_id: string; used: number; vdisks: number }>(
      `SELECT g.storage_id, COALESCE(SUM(d.vdisk_size), 0) AS used, COUNT(d.vdisk_id) AS vdisks
       FROM guests g LEFT JOIN vdisks d ON d.guest_id = g.guest_id WHERE g.guest_id = ? GROUP BY g.guest_id`,
    );
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
    return this.#list.list();
  }
  /** By id when given, else by name (DSM's rule when a client sends both). */
  find(ref: { id?: string | undefined; name?: string | undefined }): GuestRow | undefined {
    if (ref.id !== undefined) return this.#list.find("i", ref.id);
    if (ref.name !== undefined) return this.#list.find("n", ref.name);
    return undefined;
  }
  /** By a value that is either an id or a name (the control plane's `:ref`). */
  findByIdOrName(ref: string): GuestRow | undefined {
    return this.#byRef.get(ref, ref);
  }
  /** The row with its vdisks and vnics. */
  record(row: GuestRow): GuestRecord {
    return this.#list.record(row);
  }

  /** Inserts a guest; a name or MAC another writer took first throws UniqueConflict. */
  insert(guest: NewGuest, vdisks: readonly NewVdisk[], vnics: readonly NewVnic[]): void {
    unique(UNIQUE, () => {
      const id = guest.guest_id;
      this.#write(id, this.#insert, guest);
      vdisks.forEach((d, idx) => {
        this.#write(id, this.#insertVdisk, { ...d, guest_id: id, idx });
      });
      vnics.forEach((v, idx) => {
        this.#write(id, this.#insertVnic, { ...v, guest_id: id, idx });
      });
    });
    const use = this.#keptUse();
    if (use !== undefined) {
      const added = vdisks.reduce((sum, d) => sum + d.vdisk_size, 0);
      use.byStorage.set(guest.storage_id, (use.byStorage.get(guest.storage_id) ?? 0) + added);
      use.count += vdisks.length;
    }
  }
  /** Applies edits; a name another guest took first throws UniqueConflict. */
  update(guestId: string, changes: GuestChanges): void {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    // Column names come from the GuestChanges keys above, never from a request.
    const sets = entries.map(([k]) => `${k} = @${k}`).join(", ");
    let statement = this.#updates.get(sets);
    if (statement === undefined) {
      statement = this.#writes.prepare(`UPDATE guests SET ${sets} WHERE guest_id = @guest_id`);
      this.#updates.set(sets, statement);
    }
    const update = statement;
    unique(UNIQUE, () =>
      this.#writeRow(guestId, update, { ...Object.fromEntries(entries), guest_id: guestId }),
    );
  }
  /** Removes a guest with its vdisks and vnics (their LUNs and space are freed with them). */
  delete(guestId: string): boolean {
    const use = this.#keptUse();
    const freed = use === undefined ? undefined : this.#vdisksOfGuest.get(guestId);
    const deleted = this.#write(guestId, this.#delete, guestId) > 0;
    if (deleted && use !== undefined && freed !== undefined) {
      use.byStorage.set(freed.storage_id, (use.byStorage.get(freed.storage_id) ?? 0) - freed.used);
      use.count -= freed.vdisks;
    }
    return deleted;
  }
  /** Sets a guest's status, the host it holds (null: none) and when its transition ends (null: never). */
  setPower(guestId: string, status: string, hostId: string | null, due: number | null): void {
    this.#writeRow(guestId, this.#setPower, status, hostId, due, guestId);
  }
  /** Guests whose transition ends by `now`. */
  dueTransitions(now: number): GuestPower[] {
    return this.#due.all(now);
  }
  /** When the first transition ends, or null when no guest is in one (the tick asks on every change). */
  nextTransition(): number | null {
    return this.#keptNextDue.get(() => this.#nextDue.get() ?? null);
  }
  macInUse(mac: string): boolean {
    return this.#macInUse.get(mac) !== undefined;
  }
  /** iSCSI LUNs in use: one per vdisk, cluster-wide. */
  lunsInUse(): number {
    return this.vdiskUse().count;
  }
  /** The vdisks' space on each storage, and their count. */
  vdiskUse(): VdiskUse {
    let use = this.#keptUse();
    if (use === undefined) {
      const stamp = this.#changes.stamp();
      const byStorage = new Map<string, number>();
      let count = 0;
      for (const row of this.#sumVdisks.all()) {
        byStorage.set(row.storage_id, row.used);
        count += row.vdisks;
      }
      use = { stamp, byStorage, count };
      this.#vdiskUse = use;
    }
    return use;
  }
  /** True while a guest being created clones this image. */
  cloningImage(imageId: string): boolean {
    return this.#cloningImage.get(imageId) !== undefined;
  }
  /** True when some guest has this image mounted. */
  isoMounted(imageId: string): boolean {
    return this.#isoMounted.get(imageId, imageId) !== undefined;
  }

  /** The kept vdisk figures, unless everything may have changed since they were summed. */
  #keptUse() {
    const use = this.#vdiskUse;
    return use !== undefined && this.#changes.unchanged(use.stamp, []) ? use : undefined;
  }

  /**
   * This store's one write path: runs a statement of `#writes` (which notes the change) and
   * tells the list view which guest it changed. Answers the rows changed.
   */
  #write(guestId: string, statement: Write, ...params: unknown[]): number {
    const changed = statement.write(...params);
    if (changed > 0) this.#list.wrote(guestId);
    return changed;
  }

  /** `#write` for an UPDATE of the guests table alone (the guest's vdisks and vnics stay as they are). */
  #writeRow(guestId: string, statement: Write, ...params: unknown[]): number {
    const changed = statement.write(...params);
    if (changed > 0) this.#list.wrote(guestId, true);
    return changed;
  }
}
