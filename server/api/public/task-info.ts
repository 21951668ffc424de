/**
 * SYNO.Virtualization.API.Task.Info: `list`, `get`, `clear`.
 *
 * By design: a task that ended in failure answers `get` with the task's DSM error code (for
 * example 1400 for an image created on only some storages), the way the guide lists task
 * results among the error codes; the read still counts (an auto-clean task is removed by it).
 */
import { z } from "zod";
import { isKnownCode } from "../../../contract/errors";
import { clearTask, readTask } from "../../model/tasks";
import { slot } from "../../store/answers";
import { taskParams } from "../../wire/codecs";
import { keptAnswer, type RawJson } from "../../wire/envelope";
import { ErrorAnswer } from "../../wire/errors";
import { type ApiOperations, op } from "../../wire/operation";
import { PUBLIC_REFUSALS } from "./codes";

/** The list's answer for each ids array the store hands out (the same one until a task changes). */
const LISTS = slot("Task.Info list", () => new WeakMap<readonly string[], RawJson>());

export const taskInfoApi: ApiOperations<"SYNO.Virtualization.API.Task.Info"> = {
  refusals: PUBLIC_REFUSALS,
  methods: {
    list: op({
      params: z.object({}),
      run: (ctx) => {
        const ids = ctx.store.tasks.ids();
        return keptAnswer(ctx.store.answers.of(LISTS), ids, () => JSON.stringify({ task_ids: ids }));
      },
    }),
    get: op({
      params: taskParams(),
      run: (ctx, id) => {
        const view = readTask(ctx, id);
        const { failure } = view;
        if (failure !== undefined) {
          const code = "code" in failure ? failure.code : PUBLIC_REFUSALS[failure.reason];
          // A fault rule may name any number; one no table knows is answered as "operation failed".
          return new ErrorAnswer(isKnownCode(code) ? code : 402);
        }
        return {
          finish: view.finished,
          task_info: {
            auto_clean_task: view.task.auto_clean === 1,
            [view.makes]: view.task.target_id,
            progress: view.progress,
            status: "create",
          },
        };
      },
    }),
    clear: op({ params: taskParams(), run: (ctx, id) => clearTask(ctx, id) }),
  },
};
