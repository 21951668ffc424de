/** Images, their copies on storages, and the shared folders whose files images are made from. */
import type { Changes } from "./changes";
import type { Db } from "./db";
import { unique } from "./errors";
import { Writes } from "./writes";

export interface ImageRow {
  image_id: string;
  image_name: string;
  type: "disk" | "vdsm" | "iso";
  /** MiB, per copy. */
  size: number;
  ds_file_path: string;
  state: "creating" | "ready";
  /** The exact size when it was uploaded (else size in MiB is all that is known). */
  bytes: number | null;
  /** The uploaded file's SHA-256 (hex), when it was hashed. */
  sha256: string | null;
}

export interface ImageCopyRow {
  image_id: string;
  storage_id: string;
  storage_name: string;
  storage_status: string;
  host_status: string;
  state: "creating" | "ready" | "failed";
}

export interface ImageRecord extends ImageRow {
  copies: ImageCopyRow[];
}

export type NewImage = Omit<ImageRow, "state" | "bytes" | "sha256"> &
  Partial<Pick<ImageRow, "bytes" | "sha256">>;

export interface ShareSummary {
  name: string;
  files: { path: string; size: number }[];
}

const COPY = `SELECT x.image_id, x.storage_id, s.storage_name, s.status AS storage_status, h.status AS host_status,
    x.state
  FROM image_storages x JOIN storages s ON s.storage_id = x.storage_id JOIN hosts h ON h.host_id = s.host_id`;

export class ImageStore {
  readonly #all;
  readonly #byId;
  readonly #byName;
  readonly #allCopies;
  readonly #copiesOf;
  readonly #share;
  readonly #file;
  readonly #insert;
  readonly #insertCopy;
  readonly #setCopyState;
  readonly #setState;
  readonly #delete;
  readonly #shares;
  readonly #shareFiles;
  constructor(db: Db, changes: Changes) {
    const writes = new Writes(db, changes, "images");
    this.#all = db.prepare<[], ImageRow>("SELECT * FROM images ORDER BY seq");
    this.#byId = db.prepare<[string], ImageRow>("SELECT * FROM images WHERE image_id = ?");
    this.#byName = db.prepare<[string], ImageRow>("SELECT * FROM images WHERE image_name = ?");
    this.#allCopies = db.prepare<[], ImageCopyRow>(`${COPY} ORDER BY x.image_id, s.seq`);
    this.#copiesOf = db.prepare<[string], ImageCopyRow>(`${COPY} WHERE x.image_id = ? ORDER BY s.seq`);
    this.#share = db.prepare<[string], { name: string }>("SELECT name FROM shares WHERE name = ?");
    this.#file = db.prepare<[string], { path: string; size: number }>(
      "SELECT path, size FROM share_files WHERE path = ?",
    );
    this.#insert = writes.prepare(
      `INSERT INTO images (image_id, image_name, type, size, ds_file_path, state, bytes, sha256, seq)
       VALUES (@image_id, @image_name, @type, @size, @ds_file_path, 'creating', @bytes, @sha256,
        (SELECT COALESCE(MAX(seq), 0) + 1 FROM images))`,
    );
    this.#insertCopy = writes.prepare(
      "INSERT INTO image_storages (image_id, storage_id, state) VALUES (?, ?, 'creating')",
    );
    this.#setCopyState = writes.prepare(
      "UPDATE image_storages SET state = ? WHERE image_id = ? AND storage_id = ?",
    );
    this.#setState = writes.prepare("UPDATE images SET state = ? WHERE image_id = ?");
    this.#delete = writes.prepare("DELETE FROM images WHERE image_id = ?");
    this.#shares = db.prepare<[], { name: string }>("SELECT name FROM shares ORDER BY name");
    this.#shareFiles = db.prepare<[], { share: string; path: string; size: number }>(
      "SELECT share, path, size FROM share_files ORDER BY path",
    );
  }
  shareExists(name: string): boolean {
    return this.#share.get(name) !== undefined;
  }
  /** A file on a shared folder, by its full path (`/share/syno.img`). */
  shareFile(path: string): { path: string; size: number } | undefined {
    return this.#file.get(path);
  }
  list(): ImageRecord[] {
    const copies = new Map<string, ImageCopyRow[]>();
    for (const c of this.#allCopies.all()) {
      const list = copies.get(c.image_id);
      if (list === undefined) copies.set(c.image_id, [c]);
      else list.push(c);
    }
    return this.#all.all().map((im) => ({ ...im, copies: copies.get(im.image_id) ?? [] }));
  }
  find(ref: { id?: string | undefined; name?: string | undefined }): ImageRow | undefined {
    if (ref.id !== undefined) return this.#byId.get(ref.id);
    if (ref.name !== undefined) return this.#byName.get(ref.name);
    return undefined;
  }
  record(row: ImageRow): ImageRecord {
    return { ...row, copies: this.#copiesOf.all(row.image_id) };
  }
  /** Inserts an image being created with a copy on each storage; a taken name throws UniqueConflict. */
  insert(image: NewImage, storageIds: readonly string[]): void {
    unique(["images.image_name"], () => this.#insert.write({ bytes: null, sha256: null, ...image }));
    for (const s of storageIds) this.#insertCopy.write(image.image_id, s);
  }
  setCopyState(imageId: string, storageId: string, state: "ready" | "failed"): void {
    this.#setCopyState.write(state, imageId, storageId);
  }
  setState(imageId: string, state: "creating" | "ready"): void {
    this.#setState.write(state, imageId);
  }
  delete(imageId: string): boolean {
    return this.#delete.write(imageId) > 0;
  }
  shares(): ShareSummary[] {
    const files = this.#shareFiles.all();
    return this.#shares.all().map(({ name }) => ({
      name,
      files: files.filter((f) => f.share === name).map(({ path, size }) => ({ path, size })),
    }));
  }
}
