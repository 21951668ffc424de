/**
 * Ending tasks: when a task's time is up (or it reaches the progress at which a fault rule
 * makes it fail), its effect is applied: a created guest leaves `creating` for `shutdown`; a
 * created image becomes ready on the storages that are healthy. Failures land on the task,
 * as DSM does, never on the create call's answer.
 */
import type { CallContext } from "../dsm/registry";
import { newTaskId } from "../ids";
import type { Store } from "../store/index";
import { storageStatus } from "../store/inventory";
import { type TaskKind, type TaskRow, taskDueAt } from "../store/tasks";

/** Storage states an image copy can be written to. */
export const WRITABLE_STORAGE = new Set(["online", "degraded", "provision_warning"]);

/** Starts the task of a non-blocking create, lasting the kind's current duration; answers its id. */
export function startTask(ctx: CallContext, kind: TaskKind, targetId: string, autoClean: boolean): string {
  const { store, durations } = ctx.services;
  const taskId = newTaskId("administrators", kind === "guest_create" ? "guest" : "image");
  store.tasks.create({
    task_id: taskId,
    kind,
    account: ctx.account?.name ?? "",
    auto_clean: autoClean ? 1 : 0,
    target_id: targetId,
    started_at: ctx.now,
    duration_ms: kind === "guest_create" ? durations.guestCreate : durations.imageCreate,
  });
  return taskId;
}

export function finishDueTasks(store: Store, now: number): void {
  for (const task of store.tasks.unfinished()) {
    const due = taskDueAt(task);
    if (due === null || due > now) continue;
    const failCode = task.fail_at_progress === null ? null : (task.fail_code ?? 402);
    if (task.kind === "guest_create") finishGuestCreate(store, task, due, failCode);
    else finishImageCreate(store, task, due, failCode);
  }
}

function finishGuestCreate(store: Store, task: TaskRow, at: number, failCode: number | null): void {
  if (failCode !== null) {
    // A failed create leaves nothing behind: the guest and its vdisks (LUNs, space) go.
    store.mutations.deleteGuest(task.target_id);
  } else {
    store.mutations.setGuestStatus(task.target_id, "shutdown", null, null);
  }
  store.tasks.finish(task.task_id, at, failCode);
}

function finishImageCreate(store: Store, task: TaskRow, at: number, failCode: number | null): void {
  const image = store.images.find({ id: task.target_id });
  if (image === undefined) {
    store.tasks.finish(task.task_id, at, failCode ?? 402);
    return;
  }
  const record = store.images.record(image);
  let ready = 0;
  for (const copy of record.copies) {
    const storage = store.inventory.storage({ id: copy.storage_id });
    const ok = failCode === null && storage !== undefined && WRITABLE_STORAGE.has(storageStatus(storage));
    store.mutations.setImageCopyState(image.image_id, copy.storage_id, ok ? "ready" : "failed");
    if (ok) ready++;
  }
  if (ready === 0) {
    store.mutations.deleteImage(image.image_id);
    store.tasks.finish(task.task_id, at, failCode ?? 700);
    return;
  }
  store.mutations.setImageState(image.image_id, "ready");
  store.tasks.finish(task.task_id, at, ready < record.copies.length ? 1400 : null);
}
