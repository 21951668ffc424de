/**
 * Whole-database images for the control plane's reset and snapshots, taken with SQLite's own
 * `sqlite3_serialize` (better-sqlite3's `db.serialize()`), never a JSON round trip.
 *
 * By design: restoring keeps the same connection. Every sub-store holds statements prepared on
 * it, so swapping the connection would mean rebuilding the Store everywhere. Instead the image
 * is deserialized into a scratch in-memory database and its rows are copied into an ATTACHed
 * in-memory schema (`restored`); from there SQLite itself copies them back, table by table, in
 * one transaction with foreign keys deferred to the commit. The last image restored stays
 * there, so restoring it again (reset, between every test of a suite) is only that copy inside
 * SQLite, with no row passing through JavaScript. SQLite cannot deserialize into an ATTACHed
 * schema through better-sqlite3, and keeping each snapshot ATTACHed would hit SQLite's limit of
 * ten attached databases: one is kept, the last.
 */
import Database from "better-sqlite3";
import type { Changes } from "./changes";
import { type Db, schemaVersion } from "./db";

const KEPT = "restored";

export class SnapshotStore {
  readonly #db: Db;
  readonly #changes: Changes;
  readonly #tables: readonly string[];
  readonly #copyBack = new Map<string, Database.Statement>();
  readonly #delete = new Map<string, Database.Statement>();
  /** The image whose rows the `restored` schema holds. */
  #kept: Buffer | undefined;
  constructor(db: Db, changes: Changes) {
    this.#db = db;
    this.#changes = changes;
    this.#tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((t) => t.name);
    for (const table of this.#tables) {
      this.#delete.set(table, db.prepare(`DELETE FROM main."${table}"`));
    }
  }

  /** A consistent image of the whole database (every table, sessions and tasks included). */
  capture(): Buffer {
    return this.#db.serialize();
  }

  /** Replaces every row with the image's, in one transaction; throws (changing nothing) on a bad image. */
  restore(image: Buffer): void {
    try {
      if (image !== this.#kept) this.#keep(image);
      this.#db.transaction(() => {
        // Checked once at commit, so tables can be emptied and refilled in any order.
        this.#db.pragma("defer_foreign_keys = ON");
        for (const statement of this.#delete.values()) statement.run();
        for (const statement of this.#copyBack.values()) statement.run();
      })();
    } finally {
      this.#changes.everything();
    }
  }

  /** Puts the image's rows into the `restored` schema (made on first use, with the same tables). */
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
      if (this.#copyBack.size === 0) this.#attach();
      this.#kept = undefined;
      this.#db.transaction(() => {
        for (const [table, list] of rows) {
          this.#db.prepare(`DELETE FROM ${KEPT}."${table}"`).run();
          const columns = this.#db.prepare(`SELECT * FROM main."${table}" LIMIT 0`).columns().length;
          const marks = Array.from({ length: columns }, () => "?").join(", ");
          const insert = this.#db.prepare(`INSERT INTO ${KEPT}."${table}" VALUES (${marks})`);
          for (const row of list) insert.run(row);
        }
      })();
      this.#kept = image;
    } finally {
      source.close();
    }
  }

  /** The `restored` schema: each table's columns (no constraints: it only holds rows to copy back). */
  #attach(): void {
    this.#db.exec(`ATTACH DATABASE ':memory:' AS ${KEPT}`);
    for (const table of this.#tables) {
      this.#db.exec(`CREATE TABLE ${KEPT}."${table}" AS SELECT * FROM main."${table}" WHERE 0`);
      this.#copyBack.set(
        table,
        this.#db.prepare(`INSERT INTO main."${table}" SELECT * FROM ${KEPT}."${table}"`),
      );
    }
  }
}
