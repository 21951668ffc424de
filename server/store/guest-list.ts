/**
 * The guests as clients poll them (`Guest list`, `Guest get`), kept until a guest changes: what
 * the guest store reads of guests, vdisks and vnics, and every record it hands out.
 *
 * Building rows is most of a poll's cost (about 10 µs a guest). The list is read in three
 * queries whatever the guest count; after a change only the guests written since are read again
 * and put in place, so a list of 10,000 guests after one change costs a few lookups, not 30,000
 * rows. The guest store tells this view of each guest it wrote (`wrote`); should a write to the
 * guests' tables ever not come through there, the count of writes noted (changes.ts) says so and
 * the whole list is read again: patching is never trusted further than it was told. Single
 * lookups between changes are answered from what was read. Records handed out are shared: never
 * mutate them.
 */
import type { Changes, Group } from "./changes";
import type { Db } from "./db";

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

/** A guest row as every read of guests answers it (with its storage's name). */
export const GUEST = `SELECT g.*, s.storage_name FROM guests g JOIN storages s ON s.storage_id = g.storage_id`;
const VDISK = "SELECT vdisk_id, guest_id, controller, unmap, vdisk_size, image_id FROM vdisks";
const VNIC = `SELECT v.vnic_id, v.guest_id, v.mac, v.model, v.network_id, n.network_name
  FROM vnics v LEFT JOIN networks n ON n.network_id = v.network_id`;

const GUESTS: readonly Group[] = ["guests"];

/** What was read since the last change: the list, single lookups, the records built for them. */
interface Read {
  readonly stamp: number;
  records?: GuestRecord[];
  /** Single lookups (`i<id>`, `n<name>`), null for none. */
  readonly rows: Map<string, GuestRow | null>;
  /** Records built for rows this view handed out, by row. */
  readonly recordOf: Map<GuestRow, GuestRecord>;
}

/** A list read, and where each guest is in it (worked out when first needed). */
interface Listed {
  readonly records: GuestRecord[];
  positions?: Map<string, number>;
}

/** The list a patch starts from: when it was read, and how many guest writes were noted then. */
interface Base extends Listed {
  readonly stamp: number;
  readonly notes: number;
}

/** A guest's vdisks and vnics. */
interface Parts {
  readonly vdisks: VdiskRow[];
  readonly vnics: VnicRow[];
}

export class GuestListView {
  readonly #changes: Changes;
  /**
   * Each guest's vdisks and vnics as read, kept across changes to the guest's own row: they are
   * written only when the guest is inserted or deleted (and vnics' network names never change
   * outside a seed), so a power change, the commonest write, reads them no more. Two queries a
   * poweron (its placement reads them) and a list patch per changed guest, about 10 µs each
   * (bench/profile.ts power-cycle). Trusted as the list's patch is: dropped whole when everything
   * may have changed or a guest write was noted that this view was not told of.
   */
  readonly #parts = new Map<string, Parts>();
  #partsStamp = 0;
  #partsNotes = 0;
  /** Writes this view was told of since the parts were last trusted. */
  #partsTold = 0;
  #read: Read | undefined;
  /** The last list read, and the guests written since (all of them: read the list again). */
  #base: Base | undefined;
  #dirty = new Set<string>();
  /** Writes this view was told of since `#base` was read. */
  #told = 0;
  readonly #all;
  readonly #byId;
  readonly #byName;
  readonly #allVdisks;
  readonly #allVnics;
  readonly #vdisksOf;
  readonly #vnicsOf;
  constructor(db: Db, changes: Changes) {
    this.#changes = changes;
    this.#all = db.prepare<[], GuestRow>(`${GUEST} ORDER BY g.seq`);
    this.#byId = db.prepare<[string], GuestRow>(`${GUEST} WHERE g.guest_id = ?`);
    this.#byName = db.prepare<[string], GuestRow>(`${GUEST} WHERE g.guest_name = ?`);
    this.#allVdisks = db.prepare<[], VdiskRow>(`${VDISK} ORDER BY guest_id, idx`);
    this.#allVnics = db.prepare<[], VnicRow>(`${VNIC} ORDER BY v.guest_id, v.idx`);
    this.#vdisksOf = db.prepare<[string], VdiskRow>(`${VDISK} WHERE guest_id = ? ORDER BY idx`);
    this.#vnicsOf = db.prepare<[string], VnicRow>(`${VNIC} WHERE v.guest_id = ? ORDER BY v.idx`);
  }

  /** Every guest in creation order. The records may be shared with other callers: never mutate them. */
  list(): GuestRecord[] {
    const read = this.#fresh();
    read.records ??= this.#list();
    return read.records;
  }

  /** A guest by id (`i`) or by name (`n`). */
  find(kind: "i" | "n", value: string): GuestRow | undefined {
    const read = this.#fresh();
    const key = `${kind}${value}`;
    const known = read.rows.get(key);
    if (known !== undefined) return known ?? undefined;
    const row = (kind === "i" ? this.#byId : this.#byName).get(value);
    read.rows.set(key, row ?? null);
    return row;
  }

  /** The row with its vdisks and vnics. */
  record(row: GuestRow): GuestRecord {
    const read = this.#fresh();
    const known = read.recordOf.get(row);
    if (known !== undefined) return known;
    const { vdisks, vnics } = this.#partsOf(row.guest_id);
    const record = { ...row, vdisks, vnics };
    // Only for a row of this read: any other may differ from the database (a caller's copy).
    if (read.rows.get(`i${row.guest_id}`) === row || read.rows.get(`n${row.guest_name}`) === row)
      read.recordOf.set(row, record);
    return record;
  }

  /**
   * Tells the view that one write (noted by the guest store's write path) changed this guest:
   * its vdisks or vnics too unless `rowOnly` (an UPDATE of the guests table alone).
   */
  wrote(guestId: string, rowOnly = false): void {
    this.#partsTold++;
    if (!rowOnly) this.#parts.delete(guestId);
    const base = this.#base;
    if (base === undefined) return;
    this.#told++;
    this.#dirty.add(guestId);
    // Past this many, reading the whole list again is cheaper than patching it.
    if (this.#dirty.size > base.records.length / 8) {
      this.#base = undefined;
      this.#dirty = new Set();
    }
  }

  /** The guest's vdisks and vnics: as kept, or read (and kept). */
  #partsOf(guestId: string): Parts {
    const changes = this.#changes;
    const notes = changes.notes("guests");
    if (!changes.unchanged(this.#partsStamp, []) || notes - this.#partsNotes !== this.#partsTold) {
      this.#parts.clear();
      this.#partsStamp = changes.stamp();
      this.#partsNotes = notes;
      this.#partsTold = 0;
    }
    let parts = this.#parts.get(guestId);
    if (parts === undefined) {
      parts = { vdisks: this.#vdisksOf.all(guestId), vnics: this.#vnicsOf.all(guestId) };
      this.#parts.set(guestId, parts);
    }
    return parts;
  }

  /** This change's read: the current one, or a new empty one once a guest changed. */
  #fresh(): Read {
    const read = this.#read;
    if (read !== undefined && this.#changes.unchanged(read.stamp, GUESTS)) return read;
    const next: Read = { stamp: this.#changes.stamp(), rows: new Map(), recordOf: new Map() };
    this.#read = next;
    return next;
  }

  /**
   * The list: the last one with the guests written since read again and put in place, or all
   * of it in three queries when everything may have changed, too many guests did, or a write
   * was noted that this view was not told of.
   */
  #list(): GuestRecord[] {
    const changes = this.#changes;
    const stamp = changes.stamp();
    const notes = changes.notes("guests");
    const base = this.#base;
    const dirty = this.#dirty;
    const told = this.#told;
    this.#dirty = new Set();
    this.#told = 0;
    let listed: Listed;
    if (base !== undefined && changes.unchanged(base.stamp, []) && notes - base.notes === told) {
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
    this.#base = { ...listed, stamp, notes };
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
      now.set(id, row === undefined ? undefined : { ...row, ...this.#partsOf(id) });
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
