/** Building blocks the scenarios share: creating an owned guest or image and waiting for it. */
import type { LedgerEntry } from "../client/ledger";
import type { TaskState } from "../client/shapes";
import type { VnicSpec } from "../client/vmm";
import { check } from "../runner/check";
import { removeGuest, removeImage } from "../runner/cleanup";
import type { ScenarioContext } from "../runner/scenario";

export { API } from "../../contract/apis";

/** The smallest guest DSM accepts well: one 1 GB empty disk, one unconnected NIC. */
export const SMALL_DISK_MB = 1024;

export interface OwnedGuest {
  readonly name: string;
  readonly id: string;
  readonly taskId: string;
  readonly task: TaskState;
}

function entryOf(ctx: ScenarioContext, kind: "guest" | "image", name: string): LedgerEntry {
  const entry = ctx.ledger.find(kind, { name });
  check(entry !== undefined, `${kind} ${name} should be in the ledger after its create call`);
  return entry;
}

/** Sends Guest create (without waiting); the guest is deleted after the scenario. */
export async function startGuestCreate(
  ctx: ScenarioContext,
  label: string,
  options: { vnics?: VnicSpec[]; autoClean?: boolean; vdiskSize?: number } = {},
): Promise<{ name: string; taskId: string }> {
  const { storage } = await ctx.placement();
  const name = ctx.ledger.name(label);
  const taskId = await ctx.vmm.createGuest({
    guest_name: name,
    storage_id: storage.storage_id,
    vdisks: [{ create_type: 0, vdisk_size: options.vdiskSize ?? SMALL_DISK_MB }],
    vnics: options.vnics ?? [{ network_id: "" }],
    ...(options.autoClean === undefined ? {} : { auto_clean_task: options.autoClean }),
  });
  const entry = entryOf(ctx, "guest", name);
  ctx.defer(`delete guest ${name}`, () => removeGuest(ctx.vmm, ctx.wait, entry));
  return { name, taskId };
}

/** Creates a guest and waits for its task; answers its id from `task_info.guest_id`. */
export async function createGuest(
  ctx: ScenarioContext,
  label: string,
  options: { vnics?: VnicSpec[]; autoClean?: boolean } = {},
): Promise<OwnedGuest> {
  const { name, taskId } = await startGuestCreate(ctx, label, options);
  const task = await ctx.wait.task(ctx.vmm, taskId);
  const id = task.task_info.guest_id;
  check(
    typeof id === "string" && id !== "",
    `the finished create task should name the guest: ${JSON.stringify(task)}`,
  );
  return { name, id, taskId, task };
}

/** Creates an image from the target's image source onto one storage and waits for its task. */
export async function createImage(
  ctx: ScenarioContext,
  label: string,
  storageIds: readonly string[],
): Promise<{ name: string; id: string; taskId: string }> {
  const path = ctx.imageSourcePath;
  check(path !== undefined, "the target has no image source file");
  const name = ctx.ledger.name(label);
  const taskId = await ctx.vmm.createImage({
    image_name: name,
    type: "disk",
    ds_file_path: path,
    storage_ids: storageIds,
  });
  const entry = entryOf(ctx, "image", name);
  ctx.defer(`delete image ${name}`, () => removeImage(ctx.vmm, entry));
  const task = await ctx.wait.task(ctx.vmm, taskId);
  const id = task.task_info.image_id;
  check(
    typeof id === "string" && id !== "",
    `the finished image task should name the image: ${JSON.stringify(task)}`,
  );
  return { name, id, taskId };
}

/** Powers a guest on and waits until it runs. */
export async function powerOnAndWait(ctx: ScenarioContext, guestId: string): Promise<void> {
  await ctx.vmm.powerOn({ guest_id: guestId });
  await ctx.wait.guestStatus(ctx.vmm, { guest_id: guestId }, ["running"]);
}
