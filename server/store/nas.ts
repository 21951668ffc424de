/**
 * The NAS around VMM: the states a test sets for DSM's system APIs (temperature, an update, the
 * security scan, disks, volumes, USB devices), one JSON row validated by the fixture's schema.
 * Everything else those APIs show (volumes' sizes, memory, CPU load, interfaces) is derived from
 * the hosts, storages and guests, so it can never disagree with the VMM APIs.
 */
import { type NasState, nasSchema } from "../fixture";
import { type Changes, type Group, Kept } from "./changes";
import type { Db } from "./db";
import { type Write, Writes } from "./writes";

export type { NasState, UsbDevice } from "../fixture";

// The NAS is the system's: a change to it is a change of the system row's group.
const SYSTEM: readonly Group[] = ["system"];

export class NasStore {
  readonly #kept: Kept<NasState>;
  readonly #get;
  readonly #put: Write;
  constructor(db: Db, changes: Changes) {
    this.#kept = new Kept(changes, SYSTEM);
    this.#get = db.prepare<[], string>("SELECT state FROM nas WHERE id = 1").pluck();
    // The seed writes the fixture's section (seed.ts); a change goes through the one write path.
    this.#put = new Writes(db, changes, "system").prepare(
      "INSERT OR REPLACE INTO nas (id, state) VALUES (1, ?)",
    );
  }
  /** The state, shared with other callers: never mutate it. A database seeded before it existed has the defaults. */
  get(): NasState {
    return this.#kept.get(() => {
      const text = this.#get.get();
      return nasSchema.parse(text === undefined ? {} : JSON.parse(text));
    });
  }
  set(state: NasState): void {
    this.#put.write(JSON.stringify(nasSchema.parse(state)));
  }
}
