/**
 * When time next changes something: the earliest power transition and the earliest finished
 * task's auto-clean. The tick (engine/tick.ts) sleeps until then unless the database changes,
 * so a read under load does not open a write transaction per request.
 */
import type { Db } from "./db";

export class DueStore {
  readonly #transition;
  readonly #finished;
  constructor(db: Db) {
    // Both are answered from partial indexes (guests_transition_due, tasks_finished).
    this.#transition = db
      .prepare<[], number | null>("SELECT MIN(transition_due) FROM guests WHERE transition_due IS NOT NULL")
      .pluck();
    this.#finished = db
      .prepare<[], number | null>("SELECT MIN(finished_at) FROM tasks WHERE finished_at IS NOT NULL")
      .pluck();
  }
  /** When the first booting or shutting-down guest settles, or null when none is in transition. */
  nextTransition(): number | null {
    return this.#transition.get() ?? null;
  }
  /** When the oldest finished task ended, or null when no finished task is kept. */
  firstFinishedTask(): number | null {
    return this.#finished.get() ?? null;
  }
}
