/**
 * Guests with their vdisks and vnics. Lists are read in three queries, whatever the guest count,
 * and kept until the database changes: clients poll `Guest list` while they wait for a status,
 * and reading rows is most of its cost (about 10 us a guest), far more than checking for a change.
 */
import { type ChangeMark, ChangeMarker } from "./changes";
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
  vram_size: number;
  host_id: string | null;
  uefi: number;
  cpu_reservation: number;
  transition_due: number | null;
}

export interface VdiskRow {
  vdisk_id: string;
  guest_id: string;
  controller: number;
  unmap: number;
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

const GUEST = `SELECT g.*, s.storage_name FROM guests g JOIN storages s ON s.storage_id = g.storage_id`;
const VDISK = "SELECT vdisk_id, guest_id, controller, unmap, vdisk_size, image_id FROM vdisks";
const VNIC = `SELECT v.vnic_id, v.guest_id, v.mac, v.model, v.network_id, n.network_name
  FROM vnics v LEFT JOIN networks n ON n.network_id = v.network_id`;

export class GuestStore {
  readonly #all;
  readonly #byId;
  readonly #byName;
  readonly #allVdisks;
  readonly #allVnics;
  readonly #vdisksOf;
  readonly #vnicsOf;
  readonly #marker: ChangeMarker;
  #cached: { mark: ChangeMark; records: GuestRecord[] } | undefined;
  constructor(db: Db) {
    this.#marker = new ChangeMarker(db);
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
    if (this.#cached !== undefined && this.#marker.unchanged(this.#cached.mark)) return this.#cached.records;
    const mark = this.#marker.read();
    const records = this.#read();
    this.#cached = mark === undefined ? undefined : { mark, records };
    return records;
  }
  #read(): GuestRecord[] {
    const vdisks = groupBy(this.#allVdisks.all());
    const vnics = groupBy(this.#allVnics.all());
    return this.#all.all().map((g) => ({
      ...g,
      vdisks: vdisks.get(g.guest_id) ?? [],
      vnics: vnics.get(g.guest_id) ?? [],
    }));
  }
  /** By id when given, else by name (DSM's rule when a client sends both). */
  find(ref: { id?: string; name?: string }): GuestRow | undefined {
    if (ref.id !== undefined) return this.#byId.get(ref.id);
    if (ref.name !== undefined) return this.#byName.get(ref.name);
    return undefined;
  }
  record(row: GuestRow): GuestRecord {
    return { ...row, vdisks: this.#vdisksOf.all(row.guest_id), vnics: this.#vnicsOf.all(row.guest_id) };
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
