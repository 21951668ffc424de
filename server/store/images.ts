/** Images and their copies on storages. */
import type { Db } from "./db";

export interface ImageRow {
  image_id: string;
  image_name: string;
  type: "disk" | "vdsm" | "iso";
  size: number;
  ds_file_path: string;
  state: "creating" | "ready";
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
  readonly #usedByCreating;
  constructor(db: Db) {
    this.#all = db.prepare<[], ImageRow>("SELECT * FROM images ORDER BY seq");
    this.#byId = db.prepare<[string], ImageRow>("SELECT * FROM images WHERE image_id = ?");
    this.#byName = db.prepare<[string], ImageRow>("SELECT * FROM images WHERE image_name = ?");
    this.#allCopies = db.prepare<[], ImageCopyRow>(`${COPY} ORDER BY x.image_id, s.seq`);
    this.#copiesOf = db.prepare<[string], ImageCopyRow>(`${COPY} WHERE x.image_id = ? ORDER BY s.seq`);
    this.#share = db.prepare<[string], { name: string }>("SELECT name FROM shares WHERE name = ?");
    this.#file = db.prepare<[string], { path: string; size: number }>(
      "SELECT path, size FROM share_files WHERE path = ?",
    );
    this.#usedByCreating = db.prepare<[string], { n: number }>(
      `SELECT 1 AS n FROM vdisks d JOIN guests g ON g.guest_id = d.guest_id
       WHERE d.image_id = ? AND g.status = 'creating' LIMIT 1`,
    );
  }
  shareExists(name: string): boolean {
    return this.#share.get(name) !== undefined;
  }
  /** A file on a shared folder, by its full path (`/share/syno.img`). */
  shareFile(path: string): { path: string; size: number } | undefined {
    return this.#file.get(path);
  }
  /** True while a guest being created clones this image. */
  usedByCreatingGuest(imageId: string): boolean {
    return this.#usedByCreating.get(imageId) !== undefined;
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
  find(ref: { id?: string; name?: string }): ImageRow | undefined {
    if (ref.id !== undefined) return this.#byId.get(ref.id);
    if (ref.name !== undefined) return this.#byName.get(ref.name);
    return undefined;
  }
  record(row: ImageRow): ImageRecord {
    return { ...row, copies: this.#copiesOf.all(row.image_id) };
  }
}
