/**
 * Opening a database: WAL for file databases, foreign keys on, migrations applied in order.
 * There is no module-level handle: callers own the `Database` they open.
 */
import { chmodSync, closeSync, openSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { MIGRATIONS } from "./schema";

export type Db = Database.Database;

/**
 * The database holds live sids, SynoTokens and TOTP secrets: only its owner may read it. The file
 * is made (or kept) mode 0600 before SQLite opens it, and SQLite gives its -wal and -shm files
 * the database file's mode.
 */
function restrictFile(path: string): void {
  closeSync(openSync(path, "a", 0o600));
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}

/** Opens `path`, or an in-memory copy of a serialized `image` (`imageOf`). */
export function openDatabase(path: string | Buffer): Db {
  const onDisk = typeof path === "string" && path !== ":memory:";
  if (onDisk && path !== "") restrictFile(path);
  const db = new Database(path);
  try {
    if (onDisk) {
      db.pragma("journal_mode = WAL");
      // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the tail).
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 5000");
    }
    db.pragma("foreign_keys = ON");
    migrate(db);
  } catch (err) {
    // A file that is not ours (not SQLite, or a newer schema) must not stay open and locked.
    db.close();
    throw err;
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}

export function migrate(db: Db): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this emulator knows (${MIGRATIONS.length})`,
    );
  }
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v] ?? "");
      db.pragma(`user_version = ${v + 1}`);
    }
  })();
}

/**
 * Runs `work`, which replaces whole tables, in one transaction with foreign-key enforcement off,
 * then (with `check`) checks the whole database once before the commit, throwing SQLite's own
 * error on a violation: deleting a parent table row by row to cascade, and inserting each child
 * with a lookup of its parent, cost more than the rows themselves. Inside an outer transaction
 * SQLite cannot switch enforcement off; the checks are then deferred to that commit.
 */
export function replaceTables(db: Db, work: () => void, check: boolean): void {
  if (db.inTransaction) {
    db.pragma("defer_foreign_keys = ON");
    db.transaction(work)();
    return;
  }
  const enforced = db.pragma("foreign_keys", { simple: true }) === 1;
  if (enforced) db.pragma("foreign_keys = OFF");
  try {
    db.transaction(() => {
      work();
      if (check && enforced && (db.pragma("foreign_key_check") as unknown[]).length > 0)
        throw new Error("FOREIGN KEY constraint failed");
    })();
  } finally {
    if (enforced) db.pragma("foreign_keys = ON");
  }
}
