/**
 * Whole-database images for the control plane's reset and snapshots, taken with SQLite's own
 * `sqlite3_serialize` (better-sqlite3's `db.serialize()`), never a JSON round trip.
 *
 * By design: restoring keeps the same connection. Every sub-store holds statements prepared on
 * it, so swapping the connection would mean rebuilding the Store everywhere. Instead the image
 * is deserialized into a scratch in-memory database and its rows are copied back, table by
 * table, in one transaction with foreign keys deferred to the commit. SQLite cannot deserialize
 * into an ATTACHed schema through better-sqlite3, and keeping each snapshot ATTACHed would hit
 * SQLite's limit of ten attached databases.
 */
import Database from "better-sqlite3";
import { type Db, schemaVersion } from "./db";

/**
 * A database's serialized image, openable in memory whatever its journal mode. A WAL database's
 * image says "WAL" in its header (bytes 18 and 19 are 2), and SQLite cannot open such an image
 * without its -wal and -shm files; the image holds every committed page already, so it is marked
 * a rollback-journal database (1, 1), which is what an in-memory database is.
 */
export function imageOf(db: Db): Buffer {
  const image = db.serialize();
  if (image.length >= 20 && (image[18] === 2 || image[19] === 2)) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

export class SnapshotStore {
  readonly #db: Db;
  readonly #tables: readonly string[];
  readonly #insert = new Map<string, Database.Statement>();
  readonly #delete = new Map<string, Database.Statement>();
  constructor(db: Db) {
    this.#db = db;
    this.#tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((t) => t.name);
    for (const table of this.#tables) {
      const columns = db.prepare(`SELECT * FROM "${table}" LIMIT 0`).columns().length;
      const marks = Array.from({ length: columns }, () => "?").join(", ");
      this.#insert.set(table, db.prepare(`INSERT INTO "${table}" VALUES (${marks})`));
      this.#delete.set(table, db.prepare(`DELETE FROM "${table}"`));
    }
  }

  /** A consistent image of the whole database (every table, sessions and tasks included). */
  capture(): Buffer {
    return imageOf(this.#db);
  }

  /** Replaces every row with the image's, in one transaction; throws (changing nothing) on a bad image. */
  restore(image: Buffer): void {
    const source = new Database(image, { readonly: true });
    try {
      const version = schemaVersion(source);
      if (version !== schemaVersion(this.#db)) {
        throw new Error(`the image has schema version ${version}, this database ${schemaVersion(this.#db)}`);
      }
      const rows = new Map<string, unknown[][]>();
      for (const table of this.#tables) {
        rows.set(table, source.prepare(`SELECT * FROM "${table}"`).raw(true).all() as unknown[][]);
      }
      this.#db.transaction(() => {
        // Checked once at commit, so tables can be emptied and refilled in any order.
        this.#db.pragma("defer_foreign_keys = ON");
        for (const statement of this.#delete.values()) statement.run();
        for (const [table, list] of rows) {
          const insert = this.#insert.get(table);
          if (insert === undefined) continue;
          for (const row of list) insert.run(row);
        }
      })();
    } finally {
      source.close();
    }
  }
}
