/** Writes to guests, vdisks, vnics and images. Callers wrap multi-step changes in a transaction. */
import { DsmError, type DsmErrorCode } from "../dsm/errors";
import type { Db } from "./db";

/** A UNIQUE constraint failure on one of `columns` as the DSM error it means, else undefined. */
function uniqueViolation(err: unknown, columns: Record<string, DsmErrorCode>): DsmError | undefined {
  if (!(err instanceof Error) || (err as { code?: string }).code !== "SQLITE_CONSTRAINT_UNIQUE")
    return undefined;
  for (const [column, code] of Object.entries(columns)) {
    if (err.message.includes(column)) return new DsmError(code);
  }
  return undefined;
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

export interface NewVdisk {
  vdisk_id: string;
  controller: number;
  unmap: number;
  vdisk_size: number;
  image_id: string | null;
}

export interface NewVnic {
  vnic_id: string;
  mac: string;
  model: number;
  network_id: string | null;
}

export interface GuestChanges {
  guest_name?: string;
  description?: string;
  autorun?: number;
  vcpu_num?: number;
  vram_size?: number;
}

export class MutationStore {
  readonly #insertGuest;
  readonly #insertVdisk;
  readonly #insertVnic;
  readonly #deleteGuest;
  readonly #setStatus;
  readonly #due;
  readonly #macInUse;
  readonly #insertImage;
  readonly #insertCopy;
  readonly #setCopyState;
  readonly #setImageState;
  readonly #deleteImage;
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
    this.#insertGuest = db.prepare(
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
    this.#deleteGuest = db.prepare("DELETE FROM guests WHERE guest_id = ?");
    this.#setStatus = db.prepare(
      "UPDATE guests SET status = ?, host_id = ?, transition_due = ? WHERE guest_id = ?",
    );
    this.#due = db.prepare<[number], { guest_id: string; status: string; host_id: string | null }>(
      "SELECT guest_id, status, host_id FROM guests WHERE transition_due IS NOT NULL AND transition_due <= ?",
    );
    this.#macInUse = db.prepare<[string], { n: number }>("SELECT 1 AS n FROM vnics WHERE mac = ?");
    this.#insertImage = db.prepare(
      `INSERT INTO images (image_id, image_name, type, size, ds_file_path, state, seq)
       VALUES (@image_id, @image_name, @type, @size, @ds_file_path, 'creating',
        (SELECT COALESCE(MAX(seq), 0) + 1 FROM images))`,
    );
    this.#insertCopy = db.prepare(
      "INSERT INTO image_storages (image_id, storage_id, state) VALUES (?, ?, 'creating')",
    );
    this.#setCopyState = db.prepare(
      "UPDATE image_storages SET state = ? WHERE image_id = ? AND storage_id = ?",
    );
    this.#setImageState = db.prepare("UPDATE images SET state = ? WHERE image_id = ?");
    this.#deleteImage = db.prepare("DELETE FROM images WHERE image_id = ?");
  }
  /** Inserts a guest; a name or MAC that another writer took first becomes DSM's 403 or 905. */
  insertGuest(guest: NewGuest, vdisks: NewVdisk[], vnics: NewVnic[]): void {
    try {
      this.#insertGuest.run(guest);
      vdisks.forEach((d, idx) => {
        this.#insertVdisk.run({ ...d, guest_id: guest.guest_id, idx });
      });
      vnics.forEach((v, idx) => {
        this.#insertVnic.run({ ...v, guest_id: guest.guest_id, idx });
      });
    } catch (err) {
      throw uniqueViolation(err, { "guests.guest_name": 403, "vnics.mac": 905 }) ?? err;
    }
  }
  /** Removes a guest with its vdisks and vnics (their LUNs and space are freed with them). */
  deleteGuest(guestId: string): boolean {
    return this.#deleteGuest.run(guestId).changes > 0;
  }
  setGuestStatus(guestId: string, status: string, hostId: string | null, transitionDue: number | null): void {
    this.#setStatus.run(status, hostId, transitionDue, guestId);
  }
  /** Applies edits; a name another guest took first becomes DSM's 403. */
  updateGuest(guestId: string, changes: GuestChanges): void {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    // Column names come from the GuestChanges keys above, never from a request.
    const sets = entries.map(([k]) => `${k} = @${k}`).join(", ");
    try {
      this.#db.prepare(`UPDATE guests SET ${sets} WHERE guest_id = @guest_id`).run({
        ...Object.fromEntries(entries),
        guest_id: guestId,
      });
    } catch (err) {
      throw uniqueViolation(err, { "guests.guest_name": 403 }) ?? err;
    }
  }
  dueTransitions(now: number): { guest_id: string; status: string; host_id: string | null }[] {
    return this.#due.all(now);
  }
  macInUse(mac: string): boolean {
    return this.#macInUse.get(mac) !== undefined;
  }
  insertImage(
    image: { image_id: string; image_name: string; type: string; size: number; ds_file_path: string },
    storageIds: string[],
  ): void {
    try {
      this.#insertImage.run(image);
    } catch (err) {
      throw uniqueViolation(err, { "images.image_name": 403 }) ?? err;
    }
    for (const s of storageIds) this.#insertCopy.run(image.image_id, s);
  }
  setImageCopyState(imageId: string, storageId: string, state: "ready" | "failed"): void {
    this.#setCopyState.run(state, imageId, storageId);
  }
  setImageState(imageId: string, state: "creating" | "ready"): void {
    this.#setImageState.run(state, imageId);
  }
  deleteImage(imageId: string): boolean {
    return this.#deleteImage.run(imageId).changes > 0;
  }
}
