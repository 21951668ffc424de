/**
 * The tick: everything that time makes happen (task ends, power transitions, task auto-clean,
 * forgetting old sessions), applied lazily at the start of each call's transaction on the
 * injected clock. Observers only see state through calls, so applying due changes just before
 * a call is indistinguishable from a background timer, and it is deterministic under a virtual
 * clock.
 *
 * After applying, it notes when time next changes something and skips until then, unless a
 * guest or a task changed meanwhile (a new task or transition, or another process writing the
 * same file). A skipped tick costs a few integer comparisons instead of a write and three queries.
 */
import type { Group } from "../store/changes";
import type { Store } from "../store/index";
import { settleTransitions } from "./power";
import { AUTO_CLEAN_AFTER_MS, finishDueTasks } from "./tasks";

/** Sessions idle this long after their timeout are forgotten (they would answer 119 anyway). */
const SESSION_RETENTION_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 60_000;
/**
 * History caps, so a client looping create/delete or login under a frozen clock cannot grow the
 * database for ever: the oldest finished tasks and the longest-idle sessions go first.
 */
export const MAX_FINISHED_TASKS = 10_000;
export const MAX_SESSIONS = 10_000;
/** How long a device token (the `did` cookie) lives; older ones are forgotten. */
export const DEVICE_COOKIE_SECONDS = 30 * 24 * 3600;

/** What the next wake-up is read from: transitions (guests) and tasks. */
const WAKES_ON: readonly Group[] = ["guests", "tasks"];

export class Tick {
  readonly #store: Store;
  readonly #sessionTimeoutMs: number;
  #lastPrune = Number.NEGATIVE_INFINITY;
  #idle: { stamp: number; until: number } | undefined;
  #applied = false;
  constructor(store: Store, sessionTimeoutMs: number) {
    this.#store = store;
    this.#sessionTimeoutMs = sessionTimeoutMs;
  }

  /** False when nothing can be due by `now` (then `apply` would change nothing). */
  isDue(now: number): boolean {
    const idle = this.#idle;
    return !(idle !== undefined && now < idle.until && this.#store.changes.unchanged(idle.stamp, WAKES_ON));
  }

  /** Applies everything due by `now`; call it inside the call's transaction. */
  apply(now: number): void {
    if (!this.isDue(now)) return;
    const store = this.#store;
    // Each step only when the instant it waits for has come (the stores keep those instants
    // until a guest or a task changes, so a tick after a change reads what the change touched).
    const taskEnd = store.tasks.nextEnd();
    if (taskEnd !== null && taskEnd <= now) finishDueTasks(store, now);
    const transition = store.guests.nextTransition();
    if (transition !== null && transition <= now) settleTransitions(store, now);
    const finished = store.tasks.firstFinished();
    if (finished !== null && finished <= now - AUTO_CLEAN_AFTER_MS)
      store.tasks.removeFinishedBefore(now - AUTO_CLEAN_AFTER_MS);
    if (now - this.#lastPrune > PRUNE_EVERY_MS) {
      store.accounts.pruneSessions(now - this.#sessionTimeoutMs - SESSION_RETENTION_MS);
      store.accounts.capSessions(MAX_SESSIONS);
      store.accounts.pruneDevices(now - DEVICE_COOKIE_SECONDS * 1000);
      store.tasks.capFinished(MAX_FINISHED_TASKS);
      this.#lastPrune = now;
    }
    this.#idle = undefined;
    this.#applied = true;
  }

  /** Call once the call's work is done: notes when the next tick is due. */
  settle(): void {
    if (!this.#applied) return;
    this.#applied = false;
    const until = this.#nextWake();
    // Taken after the call's own writes (a new transition), so only later ones wake the tick.
    this.#idle = { stamp: this.#store.changes.stamp(), until };
  }

  /** Applies what is due now in a transaction of its own (the control plane's reads). */
  run(now: number): void {
    if (!this.isDue(now)) return;
    this.#store.immediate(() => this.apply(now));
    this.settle();
  }

  /** The first instant at which a tick could change something (conditions as in `apply`). */
  #nextWake(): number {
    const store = this.#store;
    // +1: the prune runs strictly after PRUNE_EVERY_MS; a sub-millisecond clock step may wait 1 ms.
    let wake = this.#lastPrune + PRUNE_EVERY_MS + 1;
    const transition = store.guests.nextTransition();
    if (transition !== null) wake = Math.min(wake, transition);
    const finished = store.tasks.firstFinished();
    if (finished !== null) wake = Math.min(wake, finished + AUTO_CLEAN_AFTER_MS);
    const taskEnd = store.tasks.nextEnd();
    if (taskEnd !== null) wake = Math.min(wake, taskEnd);
    return wake;
  }
}
