/**
 * The store's one write path. Each sub-store prepares its writing statements through its own
 * `Writes`, made for the group of tables it owns, and a statement prepared that way is only ever
 * run through `write`, which notes the group's change whenever it changed a row. So no write can
 * forget to note its change: the kept reads (changes.ts) follow every write by construction.
 * test/store/coherence.test.ts fails when a statement is run anywhere else (`.run(`), apart from
 * the few places listed there, which replace whole tables and mark everything changed.
 */
import type { Changes, Group } from "./changes";
import type { Db } from "./db";

/** A prepared statement that writes one group's tables. */
export interface Write {
  /** Runs it; answers the rows it changed, having noted the change when there was one. */
  write(...params: unknown[]): number;
}

export class Writes {
  readonly #db: Db;
  readonly #changes: Changes;
  readonly #group: Group;
  constructor(db: Db, changes: Changes, group: Group) {
    this.#db = db;
    this.#changes = changes;
    this.#group = group;
  }

  /** Prepares a statement over this group's tables (never another group's). */
  prepare(sql: string): Write {
    const statement = this.#db.prepare(sql);
    const changes = this.#changes;
    const group = this.#group;
    return {
      write: (...params) => {
        // A statement that throws changed nothing: SQLite undoes it whole.
        const changed = statement.run(...params).changes;
        if (changed > 0) changes.wrote(group);
        return changed;
      },
    };
  }
}
