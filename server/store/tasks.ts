/**
 * Non-blocking tasks (guest create, image create), as vcsim models them: a row with a start
 * time and a duration on the injected clock. Progress is derived from the clock; the tick
 * (see tick.ts) finishes due tasks and applies their effects inside one transaction.
 */
import type { Db } from "./db";

export type TaskKind = "guest_create" | "image_create";

export interface TaskRow {
  task_id: string;
  kind: TaskKind;
  account: string;
  auto_clean: number;
  target_id: string;
  started_at: number;
  duration_ms: number;
  finished_at: number | null;
  status: "create" | "failed";
  error_code: number | null;
  fail_at_progress: number | null;
  fail_code: number | null;
  stuck_at_progress: number | null;
}

/** Progress 0-100 of a running task at `now`; a stuck task never passes its mark. */
export function taskProgress(task: TaskRow, now: number): number {
  if (task.finished_at !== null) return task.status === "failed" ? (task.fail_at_progress ?? 100) : 100;
  const elapsed = Math.max(0, now - task.started_at);
  const raw = task.duration_ms <= 0 ? 100 : Math.floor((elapsed / task.duration_ms) * 100);
  const capped = Math.min(100, raw);
  return task.stuck_at_progress === null ? capped : Math.min(capped, task.stuck_at_progress);
}

/** When a running task is due to end (finish, or fail at its mark); null when stuck for ever. */
export function taskDueAt(task: TaskRow): number | null {
  const mark = task.fail_at_progress ?? 100;
  if (task.stuck_at_progress !== null && task.stuck_at_progress < mark) return null;
  return task.started_at + Math.ceil((task.duration_ms * mark) / 100);
}

/** How long DSM keeps a finished task before cleaning it on its own (guide: "a minute"). */
export const AUTO_CLEAN_AFTER_MS = 60_000;

export class TaskStore {
  readonly #insert;
  readonly #get;
  readonly #ids;
  readonly #delete;
  readonly #unfinished;
  readonly #finish;
  readonly #expired;
  readonly #setFault;
  readonly #capFinished;
  constructor(db: Db) {
    this.#insert = db.prepare(
      `INSERT INTO tasks (task_id, kind, account, auto_clean, target_id, started_at, duration_ms, finished_at,
        status, error_code, fail_at_progress, fail_code, stuck_at_progress, seq)
       VALUES (@task_id, @kind, @account, @auto_clean, @target_id, @started_at, @duration_ms, NULL, 'create', NULL,
        @fail_at_progress, @fail_code, @stuck_at_progress, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks))`,
    );
    this.#get = db.prepare<[string], TaskRow>("SELECT * FROM tasks WHERE task_id = ?");
    this.#ids = db.prepare<[], { task_id: string }>("SELECT task_id FROM tasks ORDER BY seq");
    this.#delete = db.prepare("DELETE FROM tasks WHERE task_id = ?");
    this.#unfinished = db.prepare<[], TaskRow>("SELECT * FROM tasks WHERE finished_at IS NULL ORDER BY seq");
    this.#finish = db.prepare(
      "UPDATE tasks SET finished_at = ?, status = ?, error_code = ? WHERE task_id = ? AND finished_at IS NULL",
    );
    this.#expired = db.prepare("DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at <= ?");
    this.#capFinished = db.prepare(
      `DELETE FROM tasks WHERE task_id IN (SELECT task_id FROM tasks WHERE finished_at IS NOT NULL
        ORDER BY finished_at DESC, seq DESC LIMIT -1 OFFSET ?)`,
    );
    this.#setFault = db.prepare(
      `UPDATE tasks SET fail_at_progress = ?, fail_code = ?, stuck_at_progress = ?
       WHERE task_id = ? AND finished_at IS NULL`,
    );
  }
  create(
    row: Omit<
      TaskRow,
      "finished_at" | "status" | "error_code" | "fail_at_progress" | "fail_code" | "stuck_at_progress"
    > &
      Partial<Pick<TaskRow, "fail_at_progress" | "fail_code" | "stuck_at_progress">>,
  ): void {
    this.#insert.run({ fail_at_progress: null, fail_code: null, stuck_at_progress: null, ...row });
  }
  get(taskId: string): TaskRow | undefined {
    return this.#get.get(taskId);
  }
  ids(): string[] {
    return this.#ids.all().map((r) => r.task_id);
  }
  remove(taskId: string): boolean {
    return this.#delete.run(taskId).changes > 0;
  }
  unfinished(): TaskRow[] {
    return this.#unfinished.all();
  }
  finish(taskId: string, at: number, errorCode: number | null): void {
    this.#finish.run(at, errorCode === null ? "create" : "failed", errorCode, taskId);
  }
  /** Removes the finished tasks DSM would have cleaned by `now`. */
  cleanExpired(now: number): void {
    this.#expired.run(now - AUTO_CLEAN_AFTER_MS);
  }
  /** Keeps the `max` most recently finished tasks (running ones are never dropped). */
  capFinished(max: number): void {
    this.#capFinished.run(max);
  }
  /** Makes a running task fail with `code` at `failAt` percent, or stay stuck at `stuckAt`. */
  setFault(
    taskId: string,
    fault: { failAt: number | null; code: number | null; stuckAt: number | null },
  ): boolean {
    return this.#setFault.run(fault.failAt, fault.code, fault.stuckAt, taskId).changes > 0;
  }
}
