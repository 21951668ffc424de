/**
 * Non-blocking tasks (guest create, image create), as vcsim models them: a row with a start
 * time and a duration on the injected clock. Progress is derived from the clock (model/tasks.ts);
 * the tick finishes due tasks and applies their effects inside the call's transaction.
 */
import { type Changes, type Group, Kept } from "./changes";
import type { Db } from "./db";
import { Writes } from "./writes";

export interface TaskRow {
  task_id: string;
  kind: string;
  account: string;
  auto_clean: number;
  target_id: string;
  started_at: number;
  duration_ms: number;
  finished_at: number | null;
  status: "create" | "failed";
  /** A fault rule's DSM code, when a rule failed the task. */
  error_code: number | null;
  /** The model's reason, when the task failed on its own (each dialect answers its code). */
  error_reason: string | null;
  fail_at_progress: number | null;
  fail_code: number | null;
  stuck_at_progress: number | null;
  /** 1 once Task.Info clear removed it from view while its work was still running. */
  cleared: number;
}

export type NewTask = Omit<TaskRow, "finished_at" | "status" | "error_code" | "error_reason" | "cleared">;

const TASKS: readonly Group[] = ["tasks"];

export class TaskStore {
  readonly #keptIds: Kept<string[]>;
  readonly #nextEndKept: Kept<number | null>;
  readonly #firstFinishedKept: Kept<number | null>;
  readonly #insert;
  readonly #get;
  readonly #ids;
  readonly #all;
  readonly #delete;
  readonly #hide;
  readonly #unfinished;
  readonly #finish;
  readonly #expired;
  readonly #capFinished;
  readonly #nextEnd;
  readonly #firstFinished;
  constructor(db: Db, changes: Changes) {
    this.#keptIds = new Kept(changes, TASKS);
    this.#nextEndKept = new Kept(changes, TASKS);
    this.#firstFinishedKept = new Kept(changes, TASKS);
    const writes = new Writes(db, changes, "tasks");
    this.#insert = writes.prepare(
      `INSERT INTO tasks (task_id, kind, account, auto_clean, target_id, started_at, duration_ms, finished_at,
        status, error_code, error_reason, fail_at_progress, fail_code, stuck_at_progress, seq)
       VALUES (@task_id, @kind, @account, @auto_clean, @target_id, @started_at, @duration_ms, NULL, 'create',
        NULL, NULL, @fail_at_progress, @fail_code, @stuck_at_progress,
        (SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks))`,
    );
    this.#get = db.prepare<[string], TaskRow>("SELECT * FROM tasks WHERE task_id = ?");
    this.#ids = db.prepare<[], string>("SELECT task_id FROM tasks WHERE cleared = 0 ORDER BY seq").pluck();
    this.#all = db.prepare<[], TaskRow>("SELECT * FROM tasks ORDER BY seq");
    this.#delete = writes.prepare("DELETE FROM tasks WHERE task_id = ?");
    this.#hide = writes.prepare("UPDATE tasks SET cleared = 1 WHERE task_id = ?");
    this.#unfinished = db.prepare<[], TaskRow>("SELECT * FROM tasks WHERE finished_at IS NULL ORDER BY seq");
    this.#finish = writes.prepare(
      `UPDATE tasks SET finished_at = ?, status = ?, error_code = ?, error_reason = ?
       WHERE task_id = ? AND finished_at IS NULL`,
    );
    this.#expired = writes.prepare("DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at <= ?");
    this.#capFinished = writes.prepare(
      `DELETE FROM tasks WHERE task_id IN (SELECT task_id FROM tasks WHERE finished_at IS NOT NULL
        ORDER BY finished_at DESC, seq DESC LIMIT -1 OFFSET ?)`,
    );
    // model/tasks.ts's dueAt in SQL, without its ceil: never later than the exact instant, so the
    // tick may wake a moment early (and then applies the exact rule), never late. A task stuck
    // below its mark is never due.
    this.#nextEnd = db
      .prepare<[], number | null>(
        `SELECT MIN(started_at + duration_ms * COALESCE(fail_at_progress, 100) / 100.0) FROM tasks
         WHERE finished_at IS NULL
           AND NOT (stuck_at_progress IS NOT NULL AND stuck_at_progress < COALESCE(fail_at_progress, 100))`,
      )
      .pluck();
    // Answered from the partial index tasks_finished.
    this.#firstFinished = db
      .prepare<[], number | null>("SELECT MIN(finished_at) FROM tasks WHERE finished_at IS NOT NULL")
      .pluck();
  }
  create(row: NewTask): void {
    this.#insert.write(row);
  }
  get(taskId: string): TaskRow | undefined {
    return this.#get.get(taskId);
  }
  /** Every task's id in creation order, kept until a task changes (shared: never mutate it). */
  ids(): string[] {
    return this.#keptIds.get(() => this.#ids.all());
  }
  all(): TaskRow[] {
    return this.#all.all();
  }
  remove(taskId: string): boolean {
    return this.#delete.write(taskId) > 0;
  }
  unfinished(): TaskRow[] {
    return this.#unfinished.all();
  }
  /** Takes a running task out of view (list, get) without stopping it; the tick removes it when it ends. */
  hide(taskId: string): void {
    this.#hide.write(taskId);
  }
  /** Marks a task finished at `at`, failed when a code or a reason is given. */
  finish(taskId: string, at: number, failure: { code?: number; reason?: string } | null): void {
    const failed = failure !== null;
    this.#finish.write(
      at,
      failed ? "failed" : "create",
      failure?.code ?? null,
      failure?.reason ?? null,
      taskId,
    );
  }
  /** Removes the tasks that finished at or before `before`. */
  removeFinishedBefore(before: number): void {
    this.#expired.write(before);
  }
  /** Keeps the `max` most recently finished tasks (running ones are never dropped). */
  capFinished(max: number): void {
    this.#capFinished.write(max);
  }
  /** When the first running task may end, or null when none will (the tick asks on every change). */
  nextEnd(): number | null {
    return this.#nextEndKept.get(() => this.#nextEnd.get() ?? null);
  }
  /** When the oldest finished task ended, or null when no finished task is kept. */
  firstFinished(): number | null {
    return this.#firstFinishedKept.get(() => this.#firstFinished.get() ?? null);
  }
}
