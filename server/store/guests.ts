/**
 * Guests with their vdisks and vnics: every SQL statement over those three tables.
 *
 * Reads are kept until a guest changes: clients poll `Guest list` and `Guest get` while they wait
 * for a status, and building rows is most of their cost (about 10 µs a guest). The list is read
 * in three queries whatever the guest count; after a change only the guests written since (this
 * store's own writes note them) are read again and put in place, so a list of 10,000 guests
 * after one change costs a few lookups, not 30,000 rows. Single lookups between changes are
 * answered from what was read. Records handed out are shared: never mutate them.
 *
 * The vdisks' space per storage and their count (one iSCSI LUN each) are kept the same way:
 * summed once, then moved by each insert and delete, so a create or a boot does not sum every
 * vdisk of the storage.
 */
import { type Changes, type Group, Kept } from "./changes";
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
  /** Creation order. */
  seq: number;
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

/** The vdisks' space (MiB) on each storage and their count (iSCSI LUNs), cluster-wide. */
export interface VdiskUse {
  readonly byStorage: ReadonlyMap<string, number>;
  readonly count: number;
}

/** What was read since the last change: the list, single lookups, the records built for them. */
interface View {
  readonly stamp: number;
  records?: GuestRecord[];
  /** Single lookups (`i<id>`, `n<name>`), null for none. */
  readonly rows: Map<string, GuestRow | null>;
  /** Records built for rows this view handed out, by row. */
  readonly recordOf: Map<GuestRow, GuestRecord>;
}

const GUESTS: readonly Group[] = ["guests"];

/** A list read, and where each guest is in it (worked out when first needed). */
interface Listed {
  readonly records: GuestRecord[];
  positions?: Map<string, number>;
}

export class GuestStore {
  readonly #db: Db;
  readonly #changes: Changes;
  #view: View | undefined;
  /** The last list read, and the guests written since (all of them: read the list again). */
  #base: (Listed & { stamp: number }) | undefined;
  #dirty = new Set<string>();
  #vdiskUse: { stamp: number; byStorage: Map<string, number>; count: number } | undefined;
  readonly #keptNextDue: Kept<number | null>;
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
  readonly #updates = new Map<string, ReturnType<Db["prepare"]>>();
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
    this.#db = db;
    this.#changes = changes;
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
    const view = this.#fresh();
    view.records ??= this.#read();
    return view.records;
  }
  /** By id when given, else by name (DSM's rule when a client sends both). */
  find(ref: { id?: string | undefined; name?: string | undefined }): GuestRow | undefined {
    if (ref.id !== undefined) return this.#lookup("i", ref.id);
    if (ref.name !== undefined) return this.#lookup("n", ref.name);
    return undefined;
  }
  /** By a value that is either an id or a name (the control plane's `:ref`). */
  findByIdOrName(ref: string): GuestRow | undefined {
    return this.#byRef.get(ref, ref);
  }
  /** The row with its vdisks and vnics. */
  record(row: GuestRow): GuestRecord {
    const view = this.#fresh();
    const known = view.recordOf.get(row);
    if (known !== undefined) return known;
    const record = {
      ...row,
      vdisks: this.#vdisksOf.all(row.guest_id),
      vnics: this.#vnicsOf.all(row.guest_id),
    };
    // Only for a row of this view: any other may differ from the database (a caller's copy).
    if (view.rows.get(`i${row.guest_id}`) === row || view.rows.get(`n${row.guest_name}`) === row)
      view.recordOf.set(row, record);
    return record;
  }

  /** Inserts a guest; a name or MAC another writer took first throws UniqueConflict. */
  insert(guest: NewGuest, vdisks: readonly NewVdisk[], vnics: readonly NewVnic[]): void {
    try {
      unique(UNIQUE, () => {
        this.#insert.run(guest);
        vdisks.forEach((d, idx) => {
          this.#insertVdisk.run({ ...d, guest_id: guest.guest_id, idx });
        });
        vnics.forEach((v, idx) => {
          this.#insertVnic.run({ ...v, guest_id: guest.guest_id, idx });
        });
      });
      const use = this.#keptUse();
      if (use !== undefined) {
        const added = vdisks.reduce((sum, d) => sum + d.vdisk_size, 0);
        use.byStorage.set(guest.storage_id, (use.byStorage.get(guest.storage_id) ?? 0) + added);
        use.count += vdisks.length;
      }
    } finally {
      this.#wrote(guest.guest_id);
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
      statement = this.#db.prepare(`UPDATE guests SET ${sets} WHERE guest_id = @guest_id`);
      this.#updates.set(sets, statement);
    }
    const update = statement;
    try {
      unique(UNIQUE, () => update.run({ ...Object.fromEntries(entries), guest_id: guestId }));
    } finally {
      this.#wrote(guestId);
    }
  }
  /** Removes a guest with its vdisks and vnics (their LUNs and space are freed with them). */
  delete(guestId: string): boolean {
    const use = this.#keptUse();
    const freed = use === undefined ? undefined : this.#vdisksOfGuest.get(guestId);
    const deleted = this.#delete.run(guestId).changes > 0;
    if (deleted) {
      if (use !== undefined && freed !== undefined) {
        use.byStorage.set(freed.storage_id, (use.byStorage.get(freed.storage_id) ?? 0) - freed.used);
        use.count -= freed.vdisks;
      }
      this.#wrote(guestId);
    }
    return deleted;
  }
  /** Sets a guest's status, the host it holds (null: none) and when its transition ends (null: never). */
  setPower(guestId: string, status: string, hostId: string | null, due: number | null): void {
    if (this.#setPower.run(status, hostId, due, guestId).changes > 0) this.#wrote(guestId);
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

  #wrote(guestId: string): void {
    this.#changes.wrote("guests");
    const base = this.#base;
    if (base === undefined) return;
    this.#dirty.add(guestId);
    // Past this many, reading the whole list again is cheaper than patching it.
    if (this.#dirty.size > base.records.length / 8) {
      this.#base = undefined;
      this.#dirty = new Set();
    }
  }

  /** This change's view: the current one, or a new empty one once a guest changed. */
  #fresh(): View {
    const view = this.#view;
    if (view !== undefined && this.#changes.unchanged(view.stamp, GUESTS)) return view;
    const next: View = { stamp: this.#changes.stamp(), rows: new Map(), recordOf: new Map() };
    this.#view = next;
    return next;
  }

  #lookup(kind: "i" | "n", value: string): GuestRow | undefined {
    const view = this.#fresh();
    const key = `${kind}${value}`;
    const known = view.rows.get(key);
    if (known !== undefined) return known ?? undefined;
    const row = (kind === "i" ? this.#byId : this.#byName).get(value);
    view.rows.set(key, row ?? null);
    return row;
  }

  /**
   * The list: the last one with the guests written since read again and put in place, or all
   * of it in three queries when everything may have changed or too many guests did.
   */
  #read(): GuestRecord[] {
    const stamp = this.#changes.stamp();
    const base = this.#base;
    const dirty = this.#dirty;
    this.#dirty = new Set();
    let listed: Listed;
    if (base !== undefined && this.#changes.unchanged(base.stamp, [])) {
      listed = this.#patched(base, dirty);
    } else {
      const vdisks = groupBy(this.#allVdisks.all());
      const vnics = groupBy(this.#allVnics.all());
      listed = {
        records: this.#all.all().map((g) => ({
          ...g,
          vdisks: vdisks.get(g.guest_id) ?? [],
          vnics: vnics.get(g.guest_id) ?? [],
        })),
      };
    }
    this.#base = { ...listed, stamp };
    return listed.records;
  }

  /**
   * The base list with each guest of `changed` read again: changed in place (found by its
   * position), or, when one is gone or new (new guests come last, by seq), the list walked.
   */
  #patched(base: Listed, changed: ReadonlySet<string>): Listed {
    const { records } = base;
    const now = new Map<string, GuestRecord | undefined>();
    for (const id of changed) {
      const row = this.#byId.get(id);
      now.set(
        id,
        row === undefined
          ? undefined
          : { ...row, vdisks: this.#vdisksOf.all(id), vnics: this.#vnicsOf.all(id) },
      );
    }
    base.positions ??= new Map(records.map((r, i) => [r.guest_id, i]));
    const positions = base.positions;
    const inPlace = [...now].every(([id, fresh]) => {
      const at = positions.get(id);
      return fresh !== undefined && at !== undefined && records[at]?.seq === fresh.seq;
    });
    if (inPlace) {
      const out = records.slice();
      for (const [id, fresh] of now) if (fresh !== undefined) out[positions.get(id) ?? -1] = fresh;
      // The same guests in the same places: the positions still hold.
      return { records: out, positions };
    }
    const out: GuestRecord[] = [];
    for (const record of records) {
      if (!now.has(record.guest_id)) out.push(record);
      else {
        const fresh = now.get(record.guest_id);
        // Same seq: the same place. (A new guest always has a higher seq than every other.)
        if (fresh !== undefined && fresh.seq === record.seq) {
          out.push(fresh);
          now.delete(record.guest_id);
        }
      }
    }
    const added = [...now.values()].filter((r): r is GuestRecord => r !== undefined);
    added.sort((a, b) => a.seq - b.seq);
    return { records: out.concat(added) };
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
