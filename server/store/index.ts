/**
 * The store: every SQL statement of the emulator lives below this folder, one file per table
 * group. `Store` builds every sub-store on one connection; nothing else prepares statements.
 * Multi-step changes go through `immediate`/`deferred`, which are synchronous (no `await`
 * inside), so a check and its change can never interleave.
 */
import type { Fixture } from "../fixture";
import { AccountStore } from "./accounts";
import { ChangeMarker } from "./changes";
import type { Db } from "./db";
import { GuestStore } from "./guests";
import { ImageStore } from "./images";
import { InventoryStore } from "./inventory";
import { type PasswordHashes, seedFixture } from "./seed";
import { SnapshotStore } from "./snapshots";
import { SystemStore } from "./system";
import { TaskStore } from "./tasks";

export class Store {
  readonly marker: ChangeMarker;
  readonly system: SystemStore;
  readonly accounts: AccountStore;
  readonly inventory: InventoryStore;
  readonly guests: GuestStore;
  readonly images: ImageStore;
  readonly tasks: TaskStore;
  readonly snapshots: SnapshotStore;
  readonly #db: Db;
  /** Built once: better-sqlite3's wrapper costs more to build than a small transaction to run. */
  readonly #tx;
  readonly #empty;
  constructor(db: Db) {
    this.#db = db;
    this.marker = new ChangeMarker(db);
    this.system = new SystemStore(db);
    this.accounts = new AccountStore(db);
    this.inventory = new InventoryStore(db);
    this.guests = new GuestStore(db, this.marker);
    this.images = new ImageStore(db);
    this.tasks = new TaskStore(db);
    this.snapshots = new SnapshotStore(db);
    this.#tx = db.transaction((fn: () => unknown) => fn());
    this.#empty = db.prepare<[], number>("SELECT COUNT(*) FROM system").pluck();
  }

  /**
   * Runs `fn` in one transaction that takes the write lock up front, so two processes sharing
   * a file can never both read-then-write. Inside a transaction it becomes a savepoint: `fn`'s
   * writes roll back alone when it throws.
   */
  immediate<T>(fn: () => T): T {
    return (this.#db.inTransaction ? this.#tx(fn) : this.#tx.immediate(fn)) as T;
  }

  /** Like `immediate`, for work that normally only reads (a write upgrades the lock). */
  deferred<T>(fn: () => T): T {
    return (this.#db.inTransaction ? this.#tx(fn) : this.#tx.deferred(fn)) as T;
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  /** True when the database has never been seeded from a fixture. */
  isEmpty(): boolean {
    return this.#empty.get() === 0;
  }

  /** Replaces everything with `fixture`, in one transaction (a failure changes nothing). */
  seed(fixture: Fixture, now: number, hashes?: PasswordHashes): void {
    seedFixture(this.#db, fixture, now, hashes);
  }
}
