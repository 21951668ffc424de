/**
 * Whether the database may have changed since a moment: this connection's change counter
 * (`total_changes()`, which every INSERT, UPDATE and DELETE advances, committed or not) and
 * `PRAGMA data_version`, which moves when another connection (another emulator process on the
 * same file) commits. Caches and the tick compare two readings instead of re-reading tables,
 * which for a 10,000-guest inventory is the difference between microseconds and milliseconds.
 *
 * By design: a reading taken inside a transaction is worthless (a rollback would undo changes
 * the counter has already counted), so `read()` answers undefined there and callers recompute.
 */
import type { Db } from "./db";

export type ChangeMark = readonly [changes: number, version: number];

export class ChangeMarker {
  readonly #db: Db;
  readonly #changes;
  readonly #version;
  constructor(db: Db) {
    this.#db = db;
    this.#changes = db.prepare<[], number>("SELECT total_changes()").pluck();
    this.#version = db.prepare<[], number>("PRAGMA data_version").pluck();
  }
  /** The current mark, or undefined inside a transaction (see above). */
  read(): ChangeMark | undefined {
    if (this.#db.inTransaction) return undefined;
    return [this.#changes.get() ?? -1, this.#version.get() ?? -1];
  }
  /** True when nothing can have changed between `mark` and now. */
  unchanged(mark: ChangeMark | undefined): boolean {
    if (mark === undefined) return false;
    const now = this.read();
    return now !== undefined && now[0] === mark[0] && now[1] === mark[1];
  }
}
