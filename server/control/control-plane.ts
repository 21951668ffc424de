/**
 * The control plane: everything a test needs to put the emulated NAS into a state or provoke
 * an answer, without restarting it. One instance per app (no module state), built by the
 * composition root; the HTTP routes (routes.ts) are a thin JSON face over these methods.
 * Changes go through the model and the store like DSM calls do, each in one transaction.
 */
import type { z } from "zod";
import { errorText } from "../../contract/errors";
import { PUBLIC_REFUSALS } from "../api/public/codes";
import { type Clock, SwitchableClock } from "../clock";
import type { Config } from "../config";
import { type Fixture, loadFixtureFile, parseFixture } from "../fixture";
import { clusterRefusal } from "../model/cluster";
import type { ModelContext } from "../model/context";
import { changedNas } from "../model/nas";
import type { Pace, TimeScale } from "../model/pace";
import { crash, powerOff, powerOn, shutdown } from "../model/power";
import { Refusal } from "../model/refusal";
import type { Tick } from "../model/tick";
import { imageOf } from "../store/database-images";
import { openDatabase } from "../store/db";
import type { GuestRecord } from "../store/guests";
import { Store } from "../store/index";
import type { HostChanges, StorageChanges } from "../store/inventory";
import type { ClusterChanges } from "../store/system";
import type { Exchange } from "../wire/http";
import { exportFixture } from "./export";
import { FaultRules } from "./faults";
import { counts, liveness } from "./health";
import { Journal } from "./journal";
import { journalRecording } from "./recording";
import type { nasChanges } from "./schemas";
import { SnapshotShelf } from "./snapshots";
import { dumpState } from "./state";

/** Snapshots are whole database images in memory: a loop creating them must not exhaust it. */
export const MAX_SNAPSHOTS = 32;
/** The last instant the clock may show: every time it answers is an ISO 8601 date. */
const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A refusal the routes turn into an HTTP status and `{"error": message}`. */
export class ControlPlaneError extends Error {
  override name = "ControlPlaneError";
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlPlaneOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: Config;
  readonly pace: Pace;
  readonly tick: Tick;
  /** The fixture reset returns to; default: the file named by `config.fixture`, read when first needed. */
  readonly fixture?: Fixture | undefined;
  /** An image of the database just after it was seeded from `fixture` (spares re-seeding it). */
  readonly baseline?: Buffer | undefined;
}

export interface ClockState {
  mode: "real" | "virtual";
  now: number;
  iso: string;
  time_scale: TimeScale;
}

export type PowerAction = "poweron" | "poweroff" | "shutdown";

/** Where the emulator listens (set by `startEmulator` once it does), for the dashboard. */
export interface Connection {
  url: string;
  httpsUrl: string | undefined;
  fingerprint: string | undefined;
}

export class ControlPlane {
  readonly journal: Journal;
  readonly faults = new FaultRules();
  readonly #o: ControlPlaneOptions;
  readonly #snapshots: SnapshotShelf;
  readonly #shutdown = new AbortController();
  readonly #startedAt = performance.now();
  #fixture: Fixture | undefined;
  #baseline: Buffer | undefined;
  #connection: Connection | undefined;

  constructor(options: ControlPlaneOptions) {
    this.#o = options;
    this.#fixture = options.fixture;
    this.#baseline = options.baseline;
    this.journal = new Journal(options.config.journalSize);
    this.#snapshots = new SnapshotShelf(options.config.snapshotDir);
  }

  /** `GET /__admin/health`: up, the version, the uptime, and what the emulated NAS holds. */
  health() {
    return {
      ...liveness(this.#startedAt),
      counts: counts(this.#o.store, this.journal.size, this.faults.list().length),
    };
  }

  /** Aborted by `shutdown()`: lets go of answers held by delay and hang rules. */
  get shutdownSignal(): AbortSignal {
    return this.#shutdown.signal;
  }
  shutdown(): void {
    this.#shutdown.abort();
  }

  connection(): Connection | undefined {
    return this.#connection;
  }
  setConnection(connection: Connection): void {
    this.#connection = connection;
  }

  /** Records one answered DSM call in the journal (and tells the fault rules what it answered). */
  record(exchange: Exchange): void {
    const { req, answer } = exchange;
    if (exchange.faultRule !== undefined) this.faults.answered(exchange.faultRule, answer);
    const version = Number(req.params.version);
    this.journal.record({
      atMs: this.#o.clock.now(),
      cgi: req.cgi,
      api: req.params.api || req.pathApi || null,
      method: req.params.method || null,
      version: req.params.version !== undefined && Number.isInteger(version) ? version : null,
      params: req.params,
      success: answer.success,
      code: answer.success ? undefined : answer.code,
      fault_rule: exchange.faultRule,
      transport: exchange.transport?.type,
      duration_ms: Math.round(exchange.durationMs * 1000) / 1000,
      body: exchange.body,
      cookies: answer.cookies,
      secure: exchange.secure,
      gzip: exchange.gzip,
    });
  }

  /** The journal as a recording the conformance kit replays (see recording.ts). */
  journalRecording() {
    const system = this.#o.store.system.get();
    return journalRecording(this.journal.entries(), system, new Date(this.#o.clock.now()).toISOString());
  }

  // --- state -------------------------------------------------------------------------------

  state() {
    return this.#change(() => dumpState(this.#o.store, this.#o.clock.now()));
  }

  /** Back to the loaded fixture: every change, session and task is gone. */
  reset(options: { faults?: boolean; journal?: boolean } = {}): void {
    this.#o.store.databaseImages.restore(this.#baselineImage());
    // The image's clock is the seeding's; the clock itself never goes back.
    this.#saveClock();
    if (options.faults === true) this.faults.clear();
    if (options.journal === true) this.journal.clear();
  }

  /**
   * Replaces the state with a fixture. The passwords are hashed first, on the thread pool, so a
   * fixture of many accounts does not stop other calls (1,500 accounts took the event loop for
   * seven seconds); the seeding itself is one transaction.
   */
  async loadFixture(input: unknown): Promise<void> {
    let fixture: Fixture;
    try {
      fixture = parseFixture(input, "the body");
    } catch (err) {
      throw new ControlPlaneError(400, (err as Error).message);
    }
    await this.#o.store.preparePasswords(fixture);
    try {
      this.#o.store.seed(fixture, this.#o.clock.now());
    } catch (err) {
      // The schema cannot see every constraint (an id used twice); the transaction rolled back.
      throw new ControlPlaneError(400, `the fixture cannot be loaded: ${(err as Error).message}`);
    }
    this.#fixture = fixture;
    this.#baseline = this.#o.store.databaseImages.capture();
    this.#saveClock();
  }

  /**
   * The state as a fixture (see export.ts): work in flight settled, accounts with the passwords
   * of the fixture the state was seeded from.
   */
  exportFixture(): Fixture {
    const fixture = this.#fixture ?? loadFixtureFile(this.#o.config.fixture);
    this.#fixture = fixture;
    return this.#change(() => {
      try {
        return exportFixture(
          this.#o.store.fixtureRows.read(),
          fixture.accounts,
          fixture.source,
          this.#o.store.nas.get(),
        );
      } catch (err) {
        throw new ControlPlaneError(409, `the state cannot be exported: ${(err as Error).message}`);
      }
    });
  }

  snapshots(): { name: string; created_at: string }[] {
    return this.#snapshots.list();
  }
  createSnapshot(name: string): { name: string; created_at: string } {
    if (this.#snapshots.has(name)) throw new ControlPlaneError(409, `snapshot ${name} already exists`);
    if (this.#snapshots.inMemory >= MAX_SNAPSHOTS)
      throw new ControlPlaneError(
        409,
        `${MAX_SNAPSHOTS} snapshots are kept in memory at most: delete one first, or keep them in files (--snapshot-dir)`,
      );
    this.#o.tick.run(this.#o.clock.now());
    const created_at = new Date(this.#o.clock.now()).toISOString();
    this.#snapshots.save(name, this.#o.store.databaseImages.capture(), created_at);
    return { name, created_at };
  }
  restoreSnapshot(name: string): void {
    const image = this.#snapshots.image(name);
    if (image === undefined) throw new ControlPlaneError(404, `no snapshot named ${name}`);
    try {
      this.#o.store.databaseImages.restore(image);
    } catch (err) {
      // A file saved by an emulator of another database schema: its rows cannot be copied here.
      throw new ControlPlaneError(
        409,
        `snapshot ${name} cannot be restored (${(err as Error).message}): with the emulator that saved it, ` +
          "restore it and export the state (GET /__admin/fixture), then load that fixture here (POST /__admin/fixture)",
      );
    }
    this.#saveClock();
  }
  deleteSnapshot(name: string): void {
    if (!this.#snapshots.has(name)) throw new ControlPlaneError(404, `no snapshot named ${name}`);
    this.#snapshots.delete(name);
  }

  // --- out-of-band changes -----------------------------------------------------------------

  updateHost(ref: string, changes: HostChanges) {
    const { inventory } = this.#o.store;
    const hostId = inventory.hostIdOf(ref);
    if (hostId === undefined) throw new ControlPlaneError(404, `no host with id or name ${ref}`);
    return this.#change(() => {
      inventory.updateHost(hostId, changes);
      return inventory.host({ id: hostId });
    });
  }
  updateStorage(ref: string, changes: StorageChanges) {
    const { inventory } = this.#o.store;
    const storageId = inventory.storageIdOf(ref);
    if (storageId === undefined) throw new ControlPlaneError(404, `no storage with id or name ${ref}`);
    return this.#change(() => {
      inventory.updateStorage(storageId, changes);
      return inventory.storage({ id: storageId });
    });
  }
  updateCluster(changes: ClusterChanges) {
    this.#change(() => this.#o.store.system.updateCluster(changes));
    return this.state().system;
  }
  /** Sets the NAS's states; a volume is named by its storage's id or name. */
  updateNas(changes: z.output<typeof nasChanges>) {
    const { store } = this.#o;
    const { host, volumes, ...rest } = changes;
    let hostId: string | undefined;
    if (host !== undefined) {
      hostId = store.inventory.hostIdOf(host);
      if (hostId === undefined) throw new ControlPlaneError(404, `no host with id or name ${host}`);
    }
    const byId: Record<string, "normal" | "degraded" | "crashed"> = {};
    for (const [ref, status] of Object.entries(volumes ?? {})) {
      const storageId = store.inventory.storageIdOf(ref);
      if (storageId === undefined) throw new ControlPlaneError(404, `no storage with id or name ${ref}`);
      byId[storageId] = status;
    }
    return this.#change(() => {
      store.nas.set(changedNas(store.nas.get(), { ...rest, host_id: hostId, volumes: byId }));
      return store.nas.get();
    });
  }
  crashGuest(ref: string): GuestRecord {
    return this.#onGuest(ref, (ctx, guest) => {
      // A guest still being created belongs to its task; crashing it would orphan the task.
      if (guest.status === "creating")
        throw new ControlPlaneError(409, `guest ${ref} is still being created`);
      crash(ctx, guest);
    });
  }
  /** Powers a guest on, off or down as the DSM call would (same checks, same transitions). */
  powerGuest(ref: string, action: PowerAction): GuestRecord {
    return this.#onGuest(ref, (ctx, guest) => {
      try {
        // The cluster rules the dispatcher applies to every DSM change come first, as there.
        const cluster = clusterRefusal(ctx.store);
        if (cluster !== undefined) throw new Refusal(cluster);
        if (action === "poweron") powerOn(ctx, guest, undefined);
        else if (action === "poweroff") powerOff(ctx, guest);
        else shutdown(ctx, guest);
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        const code = PUBLIC_REFUSALS[err.reason];
        throw new ControlPlaneError(
          409,
          `DSM error ${code}: ${errorText("vmm", code) ?? "?"} (${action} of ${ref}: ${err.reason})`,
        );
      }
    });
  }

  // --- auto-block --------------------------------------------------------------------------

  /** Addresses auto-block refuses logins from (407), with since/until as ISO times. */
  blocks(): { address: string; since: string; until: string | null }[] {
    return this.#o.store.accounts.blocks().map((b) => ({
      address: b.address,
      since: new Date(b.since).toISOString(),
      until: b.until === null ? null : new Date(b.until).toISOString(),
    }));
  }
  /** Lifts the block of `address` (404 when it is not blocked), or every block. */
  unblock(address?: string): { lifted: number } {
    const lifted = this.#change(() => this.#o.store.accounts.unblock(address));
    if (address !== undefined && lifted === 0) throw new ControlPlaneError(404, `${address} is not blocked`);
    return { lifted };
  }

  // --- clock -------------------------------------------------------------------------------

  clock(): ClockState {
    const { clock } = this.#o;
    const now = clock.now();
    const mode = clock instanceof SwitchableClock ? clock.mode : hasAdvance(clock) ? "virtual" : "real";
    return { mode, now, iso: new Date(now).toISOString(), time_scale: this.#o.pace.scale };
  }

  setClock(changes: { mode?: "real" | "virtual"; time_scale?: TimeScale }): ClockState {
    const { clock } = this.#o;
    // Checked before anything changes, so a refused call leaves the time scale alone too.
    if (
      changes.mode !== undefined &&
      !(clock instanceof SwitchableClock) &&
      changes.mode !== this.clock().mode
    ) {
      throw new ControlPlaneError(
        400,
        "this emulator was given a fixed clock, so its mode cannot change (startEmulator without `clock` gives a switchable one)",
      );
    }
    if (clock instanceof SwitchableClock) {
      if (changes.mode === "virtual") clock.useVirtual();
      else if (changes.mode === "real") clock.useReal();
    }
    if (changes.time_scale !== undefined) this.#o.pace.set(changes.time_scale);
    this.#o.tick.run(clock.now());
    this.#saveClock();
    return this.clock();
  }

  advanceClock(ms: number): ClockState {
    const { clock } = this.#o;
    if (!hasAdvance(clock)) throw new ControlPlaneError(400, "this emulator's clock cannot be advanced");
    if (clock.now() + ms > LATEST_TIME)
      throw new ControlPlaneError(
        400,
        "the clock cannot go past the year 9999 (dates after it have no ISO form)",
      );
    clock.advance(ms);
    this.#o.tick.run(clock.now());
    this.#saveClock();
    return this.clock();
  }

  /** Keeps a switchable clock's state with the data, so a restart resumes at the same time. */
  #saveClock(): void {
    const { clock, store } = this.#o;
    if (clock instanceof SwitchableClock) store.system.saveClock(JSON.stringify(clock.state()));
  }

  // -----------------------------------------------------------------------------------------

  /** Runs `fn` after the tick, in one transaction, as a DSM call's change runs. */
  #change<T>(fn: () => T): T {
    const { store, tick, clock } = this.#o;
    try {
      return store.immediate(() => {
        tick.apply(clock.now());
        return fn();
      });
    } finally {
      tick.settle();
    }
  }

  #onGuest(
    ref: string,
    act: (ctx: ModelContext, guest: NonNullable<ReturnType<Store["guests"]["find"]>>) => void,
  ) {
    const { store, clock, pace } = this.#o;
    return this.#change(() => {
      const guest = store.guests.findByIdOrName(ref);
      if (guest === undefined) throw new ControlPlaneError(404, `no guest with id or name ${ref}`);
      act({ store, now: clock.now(), pace, account: undefined, taskFault: undefined }, guest);
      const row = store.guests.find({ id: guest.guest_id });
      if (row === undefined) throw new ControlPlaneError(404, `guest ${ref} is gone`);
      return store.guests.record(row);
    });
  }

  /** The image reset restores; built once by seeding a scratch database when none was given. */
  #baselineImage(): Buffer {
    if (this.#baseline !== undefined) return this.#baseline;
    const fixture = this.#fixture ?? loadFixtureFile(this.#o.config.fixture);
    const scratch = openDatabase(":memory:");
    try {
      new Store(scratch).seed(fixture, this.#o.clock.now());
      this.#fixture = fixture;
      this.#baseline = imageOf(scratch);
      return this.#baseline;
    } finally {
      scratch.close();
    }
  }
}

function hasAdvance(clock: object): clock is { advance(ms: number): void } {
  return "advance" in clock && typeof clock.advance === "function";
}
