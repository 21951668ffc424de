/**
 * The control plane: everything a test needs to put the emulated NAS into a state or provoke
 * an answer, without restarting it. One instance per app (no module state), built by the
 * composition root; the HTTP routes (routes.ts) are a thin JSON face over these methods.
 */
import { SwitchableClock } from "../clock";
import { type Config, durationsFor } from "../config";
import type { Exchange, FaultHook } from "../dsm/http";
import type { Services } from "../dsm/registry";
import { AdminStore, type ClusterChanges, type HostChanges, type StorageChanges } from "../store/admin";
import type { Db } from "../store/db";
import { openDatabase } from "../store/db";
import { type Fixture, loadFixtureFile, parseFixture } from "../store/fixture";
import { seedFixture } from "../store/seed";
import { SnapshotStore } from "../store/snapshots";
import { FaultRules } from "./faults";
import { Journal } from "./journal";
import { dumpState } from "./state";

/** A refusal the routes turn into an HTTP status and `{"error": message}`. */
export class AdminError extends Error {
  override name = "AdminError";
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlPlaneOptions {
  readonly services: Services;
  readonly db: Db;
  /** The fixture reset returns to; default: the file named by `config.fixture`, read when first needed. */
  readonly fixture?: Fixture;
  /** An image of the database just after it was seeded from `fixture` (spares re-seeding it). */
  readonly baseline?: Buffer;
}

export interface ClockState {
  mode: "real" | "virtual";
  now: number;
  iso: string;
  time_scale: Config["timeScale"];
}

export class ControlPlane {
  readonly journal: Journal;
  readonly faults = new FaultRules();
  readonly #services: Services;
  readonly #db: Db;
  readonly #store: AdminStore;
  readonly #images: SnapshotStore;
  readonly #snapshots = new Map<string, { image: Buffer; created_at: string }>();
  readonly #shutdown = new AbortController();
  #fixture: Fixture | undefined;
  #baseline: Buffer | undefined;
  #timeScale: Config["timeScale"];

  constructor(options: ControlPlaneOptions) {
    this.#services = options.services;
    this.#db = options.db;
    this.#store = new AdminStore(options.db);
    this.#images = new SnapshotStore(options.db);
    this.#fixture = options.fixture;
    this.#baseline = options.baseline;
    this.#timeScale = options.services.config.timeScale;
    this.journal = new Journal(options.services.config.journalSize);
  }

  /** Aborted by `shutdown()`: lets go of answers held by delay and hang rules. */
  get shutdownSignal(): AbortSignal {
    return this.#shutdown.signal;
  }
  shutdown(): void {
    this.#shutdown.abort();
  }

  /** The hook the HTTP layer consults for every DSM call. */
  readonly faultHook: FaultHook = (call) =>
    this.faults.verdict(call, (taskId, fault) => this.#services.store.tasks.setFault(taskId, fault));

  /** Records one answered DSM call in the journal. */
  record(exchange: Exchange): void {
    const { req, answer } = exchange;
    const version = Number(req.params.version);
    this.journal.record({
      atMs: this.#services.clock.now(),
      cgi: req.cgi,
      api: req.params.api || req.pathApi || null,
      method: req.params.method || null,
      version: req.params.version !== undefined && Number.isInteger(version) ? version : null,
      params: req.params,
      success: answer.success,
      ...(answer.success ? {} : { code: answer.code }),
      ...(exchange.faultRule === undefined ? {} : { fault_rule: exchange.faultRule }),
      ...(exchange.transport === undefined ? {} : { transport: exchange.transport.type }),
      duration_ms: Math.round(exchange.durationMs * 1000) / 1000,
    });
  }

  // --- state -------------------------------------------------------------------------------

  state() {
    this.#tick();
    return dumpState(this.#services, this.#store);
  }

  /** Back to the loaded fixture: every change, session and task is gone. */
  reset(options: { faults?: boolean; journal?: boolean } = {}): void {
    this.#images.restore(this.#baselineImage());
    if (options.faults === true) this.faults.clear();
    if (options.journal === true) this.journal.clear();
  }

  /** Validates `input` as a fixture, then makes it the loaded fixture and the state. */
  loadFixture(input: unknown): void {
    let fixture: Fixture;
    try {
      fixture = parseFixture(input, "the body");
    } catch (err) {
      throw new AdminError(400, (err as Error).message);
    }
    try {
      seedFixture(this.#db, fixture, this.#services.clock.now());
    } catch (err) {
      // The schema cannot see every constraint (an id used twice); the transaction rolled back.
      throw new AdminError(400, `the fixture cannot be loaded: ${(err as Error).message}`);
    }
    this.#fixture = fixture;
    this.#baseline = this.#images.capture();
  }

  snapshots(): { name: string; created_at: string }[] {
    return [...this.#snapshots].map(([name, s]) => ({ name, created_at: s.created_at }));
  }
  createSnapshot(name: string): { name: string; created_at: string } {
    if (this.#snapshots.has(name)) throw new AdminError(409, `snapshot ${name} already exists`);
    this.#tick();
    const created_at = new Date(this.#services.clock.now()).toISOString();
    this.#snapshots.set(name, { image: this.#images.capture(), created_at });
    return { name, created_at };
  }
  restoreSnapshot(name: string): void {
    this.#images.restore(this.#snapshot(name).image);
  }
  deleteSnapshot(name: string): void {
    this.#snapshot(name);
    this.#snapshots.delete(name);
  }

  // --- out-of-band changes -----------------------------------------------------------------

  updateHost(ref: string, changes: HostChanges) {
    const hostId = this.#store.hostId(ref);
    if (hostId === undefined) throw new AdminError(404, `no host with id or name ${ref}`);
    this.#store.updateHost(hostId, changes);
    return this.#services.store.inventory.host({ id: hostId });
  }
  updateStorage(ref: string, changes: StorageChanges) {
    const storageId = this.#store.storageId(ref);
    if (storageId === undefined) throw new AdminError(404, `no storage with id or name ${ref}`);
    this.#store.updateStorage(storageId, changes);
    return this.#services.store.inventory.storage({ id: storageId });
  }
  updateCluster(changes: ClusterChanges) {
    this.#store.updateCluster(changes);
    return this.state().system;
  }
  crashGuest(ref: string) {
    this.#tick();
    const guest = this.#store.guest(ref);
    if (guest === undefined) throw new AdminError(404, `no guest with id or name ${ref}`);
    // A guest still being created belongs to its task; crashing it would orphan the task.
    if (guest.status === "creating") throw new AdminError(409, `guest ${ref} is still being created`);
    this.#store.crashGuest(guest.guest_id);
    const row = this.#services.store.guests.find({ id: guest.guest_id });
    return row === undefined ? undefined : this.#services.store.guests.record(row);
  }

  // --- clock -------------------------------------------------------------------------------

  clock(): ClockState {
    const { clock } = this.#services;
    const now = clock.now();
    const mode = clock instanceof SwitchableClock ? clock.mode : hasAdvance(clock) ? "virtual" : "real";
    return { mode, now, iso: new Date(now).toISOString(), time_scale: this.#timeScale };
  }

  setClock(changes: { mode?: "real" | "virtual"; time_scale?: Config["timeScale"] }): ClockState {
    const { clock } = this.#services;
    // Checked before anything changes, so a refused call leaves the time scale alone too.
    if (
      changes.mode !== undefined &&
      !(clock instanceof SwitchableClock) &&
      changes.mode !== this.clock().mode
    ) {
      throw new AdminError(
        400,
        "this emulator was given a fixed clock, so its mode cannot change (startEmulator without `clock` gives a switchable one)",
      );
    }
    if (clock instanceof SwitchableClock) {
      if (changes.mode === "virtual") clock.useVirtual();
      else if (changes.mode === "real") clock.useReal();
    }
    if (changes.time_scale !== undefined) {
      this.#timeScale = changes.time_scale;
      Object.assign(this.#services.durations, durationsFor(changes.time_scale));
    }
    this.#tick();
    return this.clock();
  }

  advanceClock(ms: number): ClockState {
    const { clock } = this.#services;
    if (!hasAdvance(clock)) throw new AdminError(400, "this emulator's clock cannot be advanced");
    clock.advance(ms);
    this.#tick();
    return this.clock();
  }

  // -----------------------------------------------------------------------------------------

  #tick(): void {
    this.#services.tick(this.#services.clock.now());
  }

  #snapshot(name: string): { image: Buffer; created_at: string } {
    const snapshot = this.#snapshots.get(name);
    if (snapshot === undefined) throw new AdminError(404, `no snapshot named ${name}`);
    return snapshot;
  }

  /** The image reset restores; built once by seeding a scratch database when none was given. */
  #baselineImage(): Buffer {
    if (this.#baseline !== undefined) return this.#baseline;
    const fixture = this.#fixture ?? loadFixtureFile(this.#services.config.fixture);
    const scratch = openDatabase(":memory:");
    try {
      seedFixture(scratch, fixture, this.#services.clock.now());
      this.#fixture = fixture;
      this.#baseline = scratch.serialize();
      return this.#baseline;
    } finally {
      scratch.close();
    }
  }
}

function hasAdvance(clock: object): clock is { advance(ms: number): void } {
  return "advance" in clock && typeof clock.advance === "function";
}
