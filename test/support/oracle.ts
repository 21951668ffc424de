/**
 * The caches' oracle: what the live store answers equals what a fresh Store over the same
 * connection answers, whose caches start empty. The property and fuzz runs (and so the soak)
 * ask it after every step, so a write that changed a table without its kept reads following
 * (a forgotten note, a list patched wrongly, running sums gone astray) fails the run at the step
 * that caused it, whatever the answer on the wire happened to show.
 *
 * Every kept read of the store is compared: the guest list and each guest by id, by name and as
 * a record, the vdisks' space and LUN count, the next transition, the hosts and their statuses,
 * the storages, the host/network pairs, the task ids and the tick's two instants, the system
 * row and every session. The uncached reads (images, networks) come along as a control.
 */
import { isDeepStrictEqual } from "node:util";
import type { Db } from "../../server/store/db";
import { Store } from "../../server/store/index";

/** How many guest ids, names and sids seen in earlier steps are looked up again, the latest first. */
const REMEMBERED = 64;

/**
 * A new reference store every this many steps; in between, the same one with everything marked
 * changed, which empties each of its caches through the same stamps the live store's use.
 * Building a Store prepares every statement (about 1.5 ms of CPU, as much as the reads), and a
 * cache that ignored the stamps would still meet a new reference within this many steps.
 */
const NEW_REFERENCE_EVERY = 16;

/**
 * Asks, after each step, whether the live store reads what the database holds. It remembers the
 * guests and sessions it saw in earlier steps, so a guest deleted or renamed, or a session ended,
 * that a kept read still answers is caught too.
 */
export class StoreOracle {
  readonly #live: Store;
  readonly #db: Db;
  readonly #ids = new Set<string>();
  readonly #names = new Set<string>();
  readonly #sids = new Set<string>();
  readonly #sessions;
  #reference: Store | undefined;
  #steps = 0;
  constructor(live: Store, db: Db) {
    this.#live = live;
    this.#db = db;
    this.#sessions = db.prepare<[], string>("SELECT sid FROM sessions").pluck();
  }

  /** The reads of the live store that differ from a fresh store's (empty: coherent). */
  drift(): string[] {
    const fresh = this.#fresh();
    const live = this.#live;
    const drift: string[] = [];
    const same = (what: string, read: (store: Store) => unknown) => {
      const expected = read(fresh);
      const actual = read(live);
      if (!isDeepStrictEqual(actual, expected))
        drift.push(`${what}: kept ${show(actual)}, but the database says ${show(expected)}`);
    };

    same("guests.list()", (s) => s.guests.list());
    for (const g of fresh.guests.list()) {
      remember(this.#ids, g.guest_id);
      remember(this.#names, g.guest_name);
    }
    for (const id of this.#ids) {
      same(`guests.find({ id: ${id} })`, (s) => s.guests.find({ id }));
      same(`guests.record(${id})`, (s) => {
        const row = s.guests.find({ id });
        return row === undefined ? undefined : s.guests.record(row);
      });
    }
    for (const name of this.#names) same(`guests.find({ name: ${name} })`, (s) => s.guests.find({ name }));
    same("guests.vdiskUse()", (s) => {
      const use = s.guests.vdiskUse();
      return { count: use.count, byStorage: [...use.byStorage].filter(([, v]) => v !== 0).sort() };
    });
    same("guests.nextTransition()", (s) => s.guests.nextTransition());

    same("inventory.hosts()", (s) => s.inventory.hosts());
    same("inventory.hostStatuses()", (s) => s.inventory.hostStatuses());
    same("inventory.storages()", (s) => s.inventory.storages());
    same("inventory.networks()", (s) => s.inventory.networks());
    const hosts = fresh.inventory.hosts().map((h) => h.host_id);
    const networks = fresh.inventory.networks().map((n) => n.network_id);
    same("inventory.hostHasNetwork()", (s) =>
      hosts.flatMap((h) => networks.filter((n) => s.inventory.hostHasNetwork(h, n)).map((n) => `${h}/${n}`)),
    );

    same("tasks.ids()", (s) => s.tasks.ids());
    same("tasks.nextEnd()", (s) => s.tasks.nextEnd());
    same("tasks.firstFinished()", (s) => s.tasks.firstFinished());

    same("images.list()", (s) => s.images.list());
    same("system.get()", (s) => s.system.get());
    for (const sid of this.#sessions.all()) remember(this.#sids, sid);
    for (const sid of this.#sids)
      same(`accounts.sessionWithAccount(${sid.slice(0, 6)}…)`, (s) => s.accounts.sessionWithAccount(sid));
    return drift;
  }

  /** A store over the same connection whose caches are empty. */
  #fresh(): Store {
    let reference = this.#reference;
    if (reference === undefined || this.#steps++ % NEW_REFERENCE_EVERY === 0) {
      reference = new Store(this.#db);
      this.#reference = reference;
    } else reference.changes.everything();
    return reference;
  }
}

/** Adds `value` as the latest, forgetting the oldest past REMEMBERED. */
function remember(set: Set<string>, value: string): void {
  set.delete(value);
  set.add(value);
  if (set.size <= REMEMBERED) return;
  const oldest = set.values().next().value;
  if (oldest !== undefined) set.delete(oldest);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
