/**
 * When time next changes something: the earliest task end, power transition and finished
 * task's auto-clean. The tick (engine/tick.ts) sleeps until then unless the database changes,
 * so a read under load does not open a write transaction per request, and it reads the running
 * tasks' rows only when one of them is due: with 1,000 tasks running, materialising every row
 * on every request made each request cost milliseconds.
 */
import type { Db } from "./db";

export class DueStore {
  readonly #transition;
  readonly #finished;
  readonly #task;
  constructor(db: Db) {
    // taskDueAt (store/tasks.ts) in SQL, without its ceil: never later than the exact instant, so
    // the tick may wake a moment early (finishDueTasks then applies the exact rule), never late.
    // A task stuck below its mark is never due.
    this.#task = db
      .prepare<[], number | null>(
        `SELECT MIN(started_at + duration_ms * COALESCE(fail_at_progress, 100) / 100.0) FROM tasks
         WHERE finished_at IS NULL
           AND NOT (stuck_at_progress IS NOT NULL AND stuck_at_progress < COALESCE(fail_at_progress, 100))`,
      )
      .pluck();
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
  /** When the first running task may end, or null when none will. */
  nextTaskEnd(): number | null {
    return this.#task.get() ?? null;
  }
  /** When the oldest finished task ended, or null when no finished task is kept. */
  firstFinishedTask(): number | null {
    return this.#finished.get() ?? null;
  }
}
