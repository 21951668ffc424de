/**
 * SYNO.Virtualization.API.Task.Info: `list`, `get`, `clear`.
 *
 * By design: a task that ended in failure answers `get` with the task's DSM error code (for
 * example 1400 for an image created on only some storages), the way the guide lists task
 * results among the error codes. A finished task with `auto_clean_task` is removed once its
 * finished state has been read; every finished task is removed a minute after it finished.
 */
import { z } from "zod";
import { taskParams } from "../dsm/codecs";
import { DsmError, type DsmErrorCode, isKnownCode } from "../dsm/errors";
import { type CallContext, operation } from "../dsm/registry";
import { type TaskRow, taskProgress } from "../store/tasks";

const vmm = { session: "required", adminOnly: true } as const;

const taskRef = taskParams();

function findTask(ctx: CallContext, id: string | undefined): TaskRow {
  if (id === undefined) throw new DsmError(401);
  const task = ctx.services.store.tasks.get(id);
  if (task === undefined) throw new DsmError(1000);
  return task;
}

export const taskList = operation({
  ...vmm,
  params: z.object({}),
  handle: (ctx) => ({ task_ids: ctx.services.store.tasks.ids() }),
});

export const taskGet = operation({
  ...vmm,
  params: taskRef,
  handle: (ctx, id) => {
    const { store } = ctx.services;
    const task = findTask(ctx, id);
    const finish = task.finished_at !== null;
    if (finish && task.auto_clean === 1) store.tasks.remove(task.task_id);
    if (task.error_code !== null) {
      throw new DsmError(isKnownCode(task.error_code) ? (task.error_code as DsmErrorCode) : 402);
    }
    const target = task.kind === "guest_create" ? { guest_id: task.target_id } : { image_id: task.target_id };
    return {
      finish,
      task_info: {
        auto_clean_task: task.auto_clean === 1,
        ...target,
        progress: taskProgress(task, ctx.now),
        status: "create",
      },
    };
  },
});

export const taskClear = operation({
  ...vmm,
  params: taskRef,
  handle: (ctx, id) => {
    const task = findTask(ctx, id);
    ctx.services.store.tasks.remove(task.task_id);
    return undefined;
  },
});
