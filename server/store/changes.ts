/**
 * What may have changed since a moment, answered without asking SQLite: the clock of every kept
 * read. Coherence is by construction, not by habit: every write of the store runs through its
 * sub-store's `Writes` (writes.ts), which notes the group of tables it changed (`wrote`), and no
 * statement is run anywhere else (test/store/coherence.test.ts); seeding, restoring a database
 * image, a rolled-back write and another connection's commit mark everything changed
 * (`everything`). What is kept (the sub-stores' reads, the guest list view, and the handlers'
 * serialised answers, which live in the store's one `Answers` per emulator) remembers the `stamp`
 * it was filled at and compares it with the groups it read, so a poll that finds nothing changed
 * costs a few integer comparisons instead of SQL, inside the call's transaction as well as
 * outside it. The property and fuzz runs check it after every step: the live store reads the
 * same as a fresh one over the same connection (test/support/oracle.ts).
 *
 * By design: a cache may be filled inside a transaction, with writes not yet committed; if they
 * roll back, `Store` marks everything changed, so no cache outlives them. Another connection's
 * commits (another emulator process on the same file) are seen through `PRAGMA data_version`,
 * read at the start of each transaction and before each lookup made outside one; an in-memory
 * database has no other connection and reads nothing.
 */
import type { Db } from "./db";

/** Groups of tables, as the caches depend on them. */
export type Group =
  /** guests, vdisks, vnics */
  | "guests"
  /** hosts, storages, networks and which host has which */
  | "inventory"
  /** images, their copies on storages, shares */
  | "images"
  /** accounts, sessions, device tokens, failed logins, blocked addresses */
  | "accounts"
  | "tasks"
  | "system";

const NONE: Readonly<Record<Group, number>> = {
  guests: 0,
  inventory: 0,
  images: 0,
  accounts: 0,
  tasks: 0,
  system: 0,
};

export class Changes {
  readonly #db: Db;
  readonly #dataVersion;
  #version = Number.NaN;
  #seq = 0;
  #everything = 0;
  readonly #last: Record<Group, number> = { ...NONE };
  readonly #notes: Record<Group, number> = { ...NONE };
  constructor(db: Db) {
    this.#db = db;
    this.#dataVersion = db.memory ? undefined : db.prepare<[], number>("PRAGMA data_version").pluck();
  }

  /** Notes a write to `group` (writes.ts, as the statement runs: no cache is filled in between). */
  wrote(group: Group): void {
    this.#last[group] = ++this.#seq;
    this.#notes[group]++;
  }

  /** How many writes to `group` were noted: a cache that is told of each one can tell none escaped it. */
  notes(group: Group): number {
    return this.#notes[group];
  }

  /** Anything may have changed: every cache is stale. */
  everything(): void {
    this.#everything = ++this.#seq;
  }

  /** The moment a cache filled now was filled at. */
  stamp(): number {
    return this.#seq;
  }

  /** True when none of `groups` can have changed since `stamp` (an empty list: only `everything`). */
  unchanged(stamp: number, groups: readonly Group[]): boolean {
    if (!this.#db.inTransaction) this.sync();
    if (this.#everything > stamp) return false;
    for (const group of groups) if (this.#last[group] > stamp) return false;
    return true;
  }

  /** Marks everything changed when another connection committed since the last look. */
  sync(): void {
    if (this.#dataVersion === undefined) return;
    const version = this.#dataVersion.get() ?? -1;
    if (version !== this.#version) {
      this.#version = version;
      this.everything();
    }
  }
}

/**
 * One value read from SQL and kept until one of `groups` changes: `get(read)` answers the kept
 * value, or reads it again (with `read`) when it may have changed. The value is shared with
 * every caller: never mutate it.
 */
export class Kept<T> {
  readonly #changes: Changes;
  readonly #groups: readonly Group[];
  #stamp = -1;
  #value: T | undefined;
  #filled = false;
  constructor(changes: Changes, groups: readonly Group[]) {
    this.#changes = changes;
    this.#groups = groups;
  }
  get(read: () => T): T {
    if (this.#filled && this.#changes.unchanged(this.#stamp, this.#groups)) return this.#value as T;
    const stamp = this.#changes.stamp();
    const value = read();
    this.#stamp = stamp;
    this.#value = value;
    this.#filled = true;
    return value;
  }
}
