/**
 * The store: every SQL statement of the emulator lives below this folder. Handlers receive a
 * `Store` and never see SQL; multi-step changes go through `store.transaction`, which is
 * synchronous (no `await` inside), so a check and its change can never interleave.
 */
import { AuthStore } from "./auth";
import type { Db } from "./db";
import { GuestStore } from "./guests";
import { ImageStore } from "./images";
import { InventoryStore } from "./inventory";
import { MutationStore } from "./mutations";
import { SystemStore } from "./system";
import { TaskStore } from "./tasks";

export class Store {
  readonly system: SystemStore;
  readonly auth: AuthStore;
  readonly inventory: InventoryStore;
  readonly guests: GuestStore;
  readonly images: ImageStore;
  readonly tasks: TaskStore;
  readonly mutations: MutationStore;
  constructor(readonly db: Db) {
    this.system = new SystemStore(db);
    this.auth = new AuthStore(db);
    this.inventory = new InventoryStore(db);
    this.guests = new GuestStore(db);
    this.images = new ImageStore(db);
    this.tasks = new TaskStore(db);
    this.mutations = new MutationStore(db);
  }
  /**
   * Runs `fn` in one SQLite transaction (nested calls become savepoints). IMMEDIATE takes the
   * write lock up front, so two processes sharing a file can never both read-then-write.
   */
  transaction<T>(fn: () => T): T {
    const tx = this.db.transaction(fn);
    return this.db.inTransaction ? tx() : tx.immediate();
  }
}
