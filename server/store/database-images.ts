/**
 * Whole-database images for the control plane's reset and snapshots, taken with SQLite's own
 * `sqlite3_serialize` (better-sqlite3's `db.serialize()`), never a JSON round trip.
 *
 * By design: restoring keeps the same connection. Every sub-store holds statements prepared on
 * it, so swapping the connection would mean rebuilding the Store everywhere. Instead one image
 * is kept in an ATTACHed in-memory schema (`restored`) with the same tables and indexes, and
 * restoring it is a copy inside SQLite: with foreign keys off (the image is consistent, so no
 * check is needed) and identical schemas, SQLite copies each table's pages whole (its transfer
 * optimisation) instead of inserting row by row. The image kept is the last one captured or
 * restored, so a reset between every test of a suite is that copy alone. Any other image is
 * first read from a scratch database into `restored` (row by row, once). SQLite cannot
 * deserialize into an ATTACHed schema through better-sqlite3, and keeping each snapshot
 * ATTACHed would hit SQLite's limit of ten attached databases: one is kept.
 */
import Database from "better-sqlite3";
import type { Changes } from "./changes";
import { type Db, replaceTables, schemaVersion } from "./db";

const KEPT = "restored";

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

export class DatabaseImageStore {
  readonly #db: Db;
  readonly #changes: Changes;
  readonly #tables: readonly string[];
  /** The image whose rows the `restored` schema holds. */
  #kept: Buffer | undefined;
  #attached = false;
  constructor(db: Db, changes: Changes) {
    this.#db = db;
    this.#changes = changes;
    this.#tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((t) => t.name);
  }

  /** A consistent image of the whole database (every table, sessions and tasks included). */
  capture(): Buffer {
    const image = imageOf(this.#db);
    // Kept as it is now, so that restoring this image (reset after a fixture load) is a copy.
    this.#kept = undefined;
    replaceTables(this.#db, () => this.#copy("main", KEPT), false);
    this.#kept = image;
    return image;
  }

  /** Replaces every row with the image's, in one transaction; throws (changing nothing) on a bad image. */
  restore(image: Buffer): void {
    try {
      if (image !== this.#kept) this.#keep(image);
      replaceTables(this.#db, () => this.#copy(KEPT, "main"), false);
    } finally {
      this.#changes.everything();
    }
  }

  /** Puts the image's rows into the `restored` schema. */
  #keep(image: Buffer): void {
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
      this.#attach();
      this.#kept = undefined;
      replaceTables(
        this.#db,
        () => {
          for (const [table, list] of rows) {
            this.#db.prepare(`DELETE FROM ${KEPT}."${table}"`).run();
            const columns = this.#db.prepare(`SELECT * FROM main."${table}" LIMIT 0`).columns().length;
            const marks = Array.from({ length: columns }, () => "?").join(", ");
            const insert = this.#db.prepare(`INSERT INTO ${KEPT}."${table}" VALUES (${marks})`);
            for (const row of list) insert.run(row);
          }
        },
        false,
      );
      this.#kept = image;
    } finally {
      source.close();
    }
  }

  /** Every table of `from` copied over `to`'s (their rows in the same order, so the same rowids). */
  #copy(from: string, to: string): void {
    this.#attach();
    for (const table of this.#tables) this.#db.prepare(`DELETE FROM ${to}."${table}"`).run();
    for (const table of this.#tables)
      this.#db.prepare(`INSERT INTO ${to}."${table}" SELECT * FROM ${from}."${table}"`).run();
  }

  /** The `restored` schema: the same tables and indexes as the database's own. */
  #attach(): void {
    if (this.#attached) return;
    const db = this.#db;
    db.exec(`ATTACH DATABASE ':memory:' AS ${KEPT}`);
    const objects = db
      .prepare<[], { type: string; name: string; sql: string }>(
        `SELECT type, name, sql FROM main.sqlite_master
         WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND type IN ('table', 'index')
         ORDER BY type = 'index', rowid`,
      )
      .all();
    for (const { type, name, sql } of objects) {
      // `CREATE TABLE guests (...)` / `CREATE [UNIQUE] INDEX x ON guests(...)`: the object's name
      // gets the schema; an index's table is then looked up in that same schema.
      const head = new RegExp(`^CREATE (UNIQUE )?${type === "table" ? "TABLE" : "INDEX"} "?${name}"?`, "i");
      if (!head.test(sql)) throw new Error(`cannot copy the schema of ${name}: ${sql.slice(0, 80)}`);
      db.exec(
        sql.replace(
          head,
          (_, unique: string | undefined) => `CREATE ${unique ?? ""}${type.toUpperCase()} ${KEPT}."${name}"`,
        ),
      );
    }
    this.#attached = true;
  }
}
