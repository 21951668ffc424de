/**
 * The store: every SQL statement of the emulator lives below this folder, one file per table
 * group. `Store` builds every sub-store on one connection; nothing else prepares statements.
 * Each sub-store writes only through its `Writes` (writes.ts), which notes what changed for the
 * kept reads (changes.ts); the handlers' kept answers live in `answers` (answers.ts).
 * Multi-step changes go through `immediate`/`deferred`, which are synchronous (no `await`
 * inside), so a check and its change can never interleave.
 */
import type { Fixture } from "../fixture";
import { fixtureHashes, hashPasswordAtStart } from "../security/password";
import { AccountStore } from "./accounts";
import { Answers } from "./answers";
import { Changes } from "./changes";
import { DatabaseImageStore } from "./database-images";
import type { Db } from "./db";
import { FixtureRows } from "./fixture-rows";
import { GuestStore } from "./guests";
import { ImageStore } from "./images";
import { InventoryStore } from "./inventory";
import { NasStore } from "./nas";
import { seedFixture, seedUnstamped, stampSeed } from "./seed";
import { SystemStore } from "./system";
import { TaskStore } from "./tasks";

export class Store {
  /** What may have changed since a moment: the caches' clock (see changes.ts). */
  readonly changes: Changes;
  /** The answers handlers keep between calls, this emulator's own (see answers.ts). */
  readonly answers: Answers;
  readonly system: SystemStore;
  readonly accounts: AccountStore;
  readonly inventory: InventoryStore;
  readonly guests: GuestStore;
  readonly images: ImageStore;
  readonly tasks: TaskStore;
  readonly databaseImages: DatabaseImageStore;
  readonly nas: NasStore;
  /** The stored inventory in the fixture format's terms (the control plane's export). */
  readonly fixtureRows: FixtureRows;
  readonly #db: Db;
  /** Built once: better-sqlite3's wrapper costs more to build than a small transaction to run. */
  readonly #tx;
  readonly #empty;
  constructor(db: Db) {
    this.#db = db;
    this.changes = new Changes(db);
    this.answers = new Answers(this.changes);
    this.system = new SystemStore(db, this.changes);
    this.accounts = new AccountStore(db, this.changes);
    this.guests = new GuestStore(db, this.changes);
    this.inventory = new InventoryStore(db, this.changes, this.guests);
    this.images = new ImageStore(db, this.changes);
    this.tasks = new TaskStore(db, this.changes);
    this.databaseImages = new DatabaseImageStore(db, this.changes);
    this.nas = new NasStore(db, this.changes);
    this.fixtureRows = new FixtureRows(db);
    this.#tx = db.transaction((fn: () => unknown) => fn());
    this.#empty = db.prepare<[], number>("SELECT COUNT(*) FROM system").pluck();
  }

  /**
   * Runs `fn` in one transaction that takes the write lock up front, so two processes sharing
   * a file can never both read-then-write. Inside a transaction it becomes a savepoint: `fn`'s
   * writes roll back alone when it throws.
   */
  immediate<T>(fn: () => T): T {
    return this.#run(fn, true);
  }

  /** Like `immediate`, for work that normally only reads (a write upgrades the lock). */
  deferred<T>(fn: () => T): T {
    return this.#run(fn, false);
  }

  #run<T>(fn: () => T, immediate: boolean): T {
    const changes = this.changes;
    const before = changes.stamp();
    try {
      if (this.#db.inTransaction) return this.#tx(fn) as T;
      const outermost = () => {
        // The first read of the transaction: another connection's commits are seen from here on.
        changes.sync();
        return fn();
      };
      return (immediate ? this.#tx.immediate(outermost) : this.#tx.deferred(outermost)) as T;
    } catch (err) {
      // Whatever was written is undone, and caches filled since may hold it: none can be trusted.
      if (changes.stamp() !== before) changes.everything();
      throw err;
    }
  }

  /**
   * Runs `fn`, work that reads (and at most writes single rows: a session's last use, a task
   * read away), in a deferred transaction; in an in-memory database, which no other connection
   * can reach, without one: nothing can come between its reads, and BEGIN and COMMIT would be
   * a call's largest SQL cost.
   */
  read<T>(fn: () => T): T {
    if (this.#db.memory && !this.#db.inTransaction) return fn();
    return this.#run(fn, false);
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  /** True when the database has never been seeded from a fixture. */
  isEmpty(): boolean {
    return this.#empty.get() === 0;
  }

  /**
   * Hashes, off the event loop, the fixture's passwords this store has not hashed before, so
   * that `seed` then finds them all (a fixture load awaits this before seeding).
   */
  preparePasswords(fixture: Fixture, atStart = false): Promise<void> {
    return fixtureHashes.prepare(fixture.accounts, atStart ? hashPasswordAtStart : undefined);
  }

  /**
   * Replaces everything with `fixture`, in one transaction (a failure changes nothing). An
   * account's password gets the hash this process made for it before (see FixtureHashes).
   */
  seed(fixture: Fixture, now: number): void {
    try {
      seedFixture(this.#db, fixture, now, (account, password) => fixtureHashes.hash(account, password));
    } finally {
      this.changes.everything();
    }
  }

  /** `seed` without stamping the moment: the image kept for later emulators (see seeded-images.ts). */
  seedUnstamped(fixture: Fixture): void {
    try {
      seedUnstamped(this.#db, fixture, (account, password) => fixtureHashes.hash(account, password));
    } finally {
      this.changes.everything();
    }
  }

  /** Dates an unstamped seed (a copy of a kept image, or `seedUnstamped`'s) to `now`. */
  stamp(now: number): void {
    try {
      this.immediate(() => stampSeed(this.#db, now));
    } finally {
      this.changes.everything();
    }
  }
}
