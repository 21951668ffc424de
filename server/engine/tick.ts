/**
 * The tick: everything that time makes happen, applied lazily before each request on the
 * injected clock, in one transaction. Observers only see state through requests, so applying
 * due changes just before a request is indistinguishable from a background timer, and it is
 * deterministic under a virtual clock.
 *
 * After each tick it notes when time next changes something (a task's end, a power transition,
 * a finished task's auto-clean, the session prune) and skips until then, unless the database
 * changed meanwhile (a new task or transition, or another process writing the same file). A
 * skipped tick costs two counter reads instead of a write transaction and three queries.
 */
import { ChangeMarker } from "../store/changes";
import { DueStore } from "../store/due";
import type { Store } from "../store/index";
import { AUTO_CLEAN_AFTER_MS } from "../store/tasks";
import { settleTransitions } from "./power";
import { finishDueTasks } from "./tasks";

/** Sessions idle this long after their timeout are forgotten (they would answer 119 anyway). */
const SESSION_RETENTION_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 60_000;
/**
 * History caps, so a client looping create/delete or login under a frozen clock cannot grow the
 * database for ever: the oldest finished tasks and the longest-idle sessions go first.
 */
export const MAX_FINISHED_TASKS = 10_000;
export const MAX_SESSIONS = 10_000;

export function createTick(store: Store, sessionTimeoutMs: number): (now: number) => void {
  let lastPrune = Number.NEGATIVE_INFINITY;
  const marker = new ChangeMarker(store.db);
  const due = new DueStore(store.db);
  let idle: { mark: readonly [number, number]; until: number } | undefined;

  const apply = (now: number) =>
    store.transaction(() => {
      const taskEnd = due.nextTaskEnd();
      if (taskEnd !== null && taskEnd <= now) finishDueTasks(store, now);
      settleTransitions(store, now);
      store.tasks.cleanExpired(now);
      if (now - lastPrune > PRUNE_EVERY_MS) {
        store.auth.pruneSessions(now - sessionTimeoutMs - SESSION_RETENTION_MS);
        store.auth.capSessions(MAX_SESSIONS);
        store.tasks.capFinished(MAX_FINISHED_TASKS);
        lastPrune = now;
      }
    });

  /** The first instant at which a tick could change something (conditions as in `apply`). */
  const nextWake = (): number => {
    // +1: the prune runs strictly after PRUNE_EVERY_MS; a sub-millisecond clock step may wait 1 ms.
    let wake = lastPrune + PRUNE_EVERY_MS + 1;
    const transition = due.nextTransition();
    if (transition !== null) wake = Math.min(wake, transition);
    const finished = due.firstFinishedTask();
    if (finished !== null) wake = Math.min(wake, finished + AUTO_CLEAN_AFTER_MS);
    const taskEnd = due.nextTaskEnd();
    if (taskEnd !== null) wake = Math.min(wake, taskEnd);
    return wake;
  };

  return (now) => {
    if (idle !== undefined && now < idle.until && marker.unchanged(idle.mark)) return;
    idle = undefined;
    apply(now);
    const mark = marker.read();
    // Read after the commit, so the tick's own writes are part of the mark.
    if (mark !== undefined) idle = { mark, until: nextWake() };
  };
}
