/**
 * Long-running operations as task rows (vcsim's model): preconditions are checked by the call
 * that starts one; the work then ends on the injected clock, and what goes wrong while it runs
 * lands on the task, never on the call's answer. Each kind of task is one row of TASK_KINDS,
 * keyed by the task kinds the spec's methods start, so a new long-running method does not
 * compile until its row says how long it takes, what it makes and how it ends.
 */
import type { TaskKind } from "../../contract/apis";
import { newTaskId } from "../ids";
import type { Store } from "../store/index";
import type { TaskRow } from "../store/tasks";
import type { ModelContext } from "./context";
import { type Reason, refuse } from "./refusal";
import { storageStatus, WRITABLE_STORAGE } from "./status";

export interface TaskKindSpec {
  /** The `<kind>` of DSM's task id, `@administrators/virtualization_api_<kind>_create<16 hex>`. */
  readonly idKind: string;
  /** How long it takes on a NAS (scaled by the pace). */
  readonly realtimeMs: number;
  /** What it makes, under the name `task_info` gives its id. */
  readonly makes: "guest_id" | "image_id";
  /** Applies its effect when it ends; answers the reason when the outcome is a failure. */
  finish(store: Store, targetId: string): Reason | undefined;
  /** Undoes what it started, when a fault rule makes it fail. */
  fail(store: Store, targetId: string): void;
}

export const TASK_KINDS: { readonly [K in TaskKind]: TaskKindSpec } = {
  guest_create: {
    idKind: "guest",
    realtimeMs: 5_000,
    makes: "guest_id",
    finish(store, guestId) {
      store.guests.setPower(guestId, "shutdown", null, null);
      return undefined;
    },
    // A failed create leaves nothing behind: the guest and its vdisks (LUNs, space) go.
    fail: (store, guestId) => store.guests.delete(guestId),
  },
  image_create: imageTask(),
  // An uploaded file is on the NAS already when its task starts: DSM then copies it to each storage.
  image_upload: imageTask(),
};

function imageTask(): TaskKindSpec {
  return {
    idKind: "image",
    realtimeMs: 8_000,
    makes: "image_id",
    finish: (store, imageId) => finishImage(store, imageId),
    fail: (store, imageId) => store.images.delete(imageId),
  };
}

/**
 * An image task's end: whether each copy succeeds is decided now (copies on storages that are
 * then unhealthy fail); none: the image goes and the task fails; some: partial success.
 */
function finishImage(store: Store, imageId: string): Reason | undefined {
  const image = store.images.find({ id: imageId });
  if (image === undefined) return "failed";
  const { copies } = store.images.record(image);
  let ready = 0;
  for (const copy of copies) {
    const storage = store.inventory.storage({ id: copy.storage_id });
    const ok = storage !== undefined && WRITABLE_STORAGE.has(storageStatus(storage));
    store.images.setCopyState(imageId, copy.storage_id, ok ? "ready" : "failed");
    if (ok) ready++;
  }
  if (ready === 0) {
    store.images.delete(imageId);
    return "storage_invalid";
  }
  store.images.setState(imageId, "ready");
  return ready < copies.length ? "image_partial" : undefined;
}

/** How long DSM keeps a finished task before cleaning it on its own (guide: "a minute"). */
export const AUTO_CLEAN_AFTER_MS = 60_000;

/** Starts a task of `kind` making `targetId`, armed by the call's fault rule if any; answers its id. */
export function startTask(ctx: ModelContext, kind: TaskKind, targetId: string, autoClean: boolean): string {
  const spec = TASK_KINDS[kind];
  const taskId = newTaskId("administrators", spec.idKind);
  const fault = ctx.taskFault;
  ctx.store.tasks.create({
    task_id: taskId,
    kind,
    account: ctx.account ?? "",
    auto_clean: autoClean ? 1 : 0,
    target_id: targetId,
    started_at: ctx.now,
    duration_ms: ctx.pace.of(spec.realtimeMs),
    fail_at_progress: fault?.failAt ?? null,
    fail_code: fault?.code ?? null,
    stuck_at_progress: fault?.stuckAt ?? null,
  });
  return taskId;
}

const kindOf = (task: TaskRow): TaskKindSpec | undefined =>
  Object.hasOwn(TASK_KINDS, task.kind) ? TASK_KINDS[task.kind as TaskKind] : undefined;

/** Progress 0-100 of a task at `now`; a stuck task never passes its mark. */
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

/** Ends every task due by `now`, applying its effect; a fault-armed task fails at its mark. */
export function finishDueTasks(store: Store, now: number): void {
  for (const task of store.tasks.unfinished()) {
    const due = taskDueAt(task);
    if (due === null || due > now) continue;
    const kind = kindOf(task);
    if (kind === undefined) {
      store.tasks.finish(task.task_id, due, { reason: "failed" });
    } else if (task.fail_at_progress !== null) {
      kind.fail(store, task.target_id);
      store.tasks.finish(task.task_id, due, { code: task.fail_code ?? 402 });
    } else {
      const reason = kind.finish(store, task.target_id);
      store.tasks.finish(task.task_id, due, reason === undefined ? null : { reason });
    }
    // Cleared while it ran: its work is done, and nobody can read its record any more.
    if (task.cleared === 1) store.tasks.remove(task.task_id);
  }
}

/** What a read of a task tells. */
export interface TaskView {
  readonly task: TaskRow;
  readonly finished: boolean;
  readonly progress: number;
  /** The id key of what it makes (`guest_id` / `image_id`). */
  readonly makes: TaskKindSpec["makes"];
  /** Set when it failed: a fault rule's code, or the model's reason. */
  readonly failure: { readonly code: number } | { readonly reason: Reason } | undefined;
}

function findTask(store: Store, id: string | undefined): TaskRow {
  if (id === undefined) refuse("bad_parameter");
  const task = store.tasks.get(id);
  if (task === undefined || task.cleared === 1) refuse("task_not_found");
  return task;
}

/**
 * Reads a task. A finished task with `auto_clean_task` is removed once its finished state has
 * been read, as the guide says; every finished task is removed a minute after it finished.
 */
export function readTask(ctx: ModelContext, id: string | undefined): TaskView {
  const task = findTask(ctx.store, id);
  const finished = task.finished_at !== null;
  if (finished && task.auto_clean === 1) ctx.store.tasks.remove(task.task_id);
  const failure =
    task.error_code !== null
      ? { code: task.error_code }
      : task.error_reason !== null
        ? { reason: task.error_reason as Reason }
        : undefined;
  return {
    task,
    finished,
    progress: taskProgress(task, ctx.now),
    makes: kindOf(task)?.makes ?? "guest_id",
    failure,
  };
}

/**
 * Task.Info clear: the record goes, never the work. A running task is only taken out of view:
 * its guest or image still ends as it would (not left `creating` for ever, holding its LUNs and
 * space), and the tick removes the record then.
 */
export function clearTask(ctx: ModelContext, id: string | undefined): void {
  const task = findTask(ctx.store, id);
  if (task.finished_at === null) ctx.store.tasks.hide(task.task_id);
  else ctx.store.tasks.remove(task.task_id);
}
