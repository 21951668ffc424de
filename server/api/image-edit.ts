/**
 * SYNO.Virtualization.API.Guest.Image `create` (non-blocking) and `delete`.
 *
 * Create reads `ds_file_path` from a shared folder of the fixture: an unknown shared folder is a
 * bad parameter (401), a missing file fails the operation (402). Unknown storages are invalid
 * (700); a storage without room for the file fails the operation (402). Whether each copy
 * succeeds is decided when the task ends: copies on storages that are then unhealthy fail, and
 * the task ends in partial success (1400) when others succeeded, or in 700 when none did.
 * Delete refuses an image being created or cloned by a guest being created (402).
 */
import { z } from "zod";
import { bool, json, ref, requiredText } from "../dsm/codecs";
import { DsmError } from "../dsm/errors";
import { operation } from "../dsm/registry";
import { startTask } from "../engine/tasks";
import { newUuid } from "../ids";
import { IMAGE_TYPES } from "../store/fixture";
import type { StorageRow } from "../store/inventory";

const names = json(z.array(z.union([z.string(), z.number()]).transform(String)).max(64));

export const imageCreate = operation({
  session: "required",
  adminOnly: true,
  mutating: true,
  params: z.object({
    image_name: requiredText(),
    type: z.enum(IMAGE_TYPES, { message: "type must be disk, vdsm or iso" }),
    ds_file_path: requiredText(),
    storage_ids: names,
    storage_names: names,
    auto_clean_task: bool(true),
  }),
  handle: (ctx, p) => {
    const { store } = ctx.services;
    return store.transaction(() => {
      const refs = p.storage_ids?.length
        ? p.storage_ids.map((id) => ({ id }))
        : (p.storage_names ?? []).map((name) => ({ name }));
      if (refs.length === 0) throw new DsmError(401);
      const share = /^\/([^/]+)\/./.exec(p.ds_file_path)?.[1];
      if (share === undefined || !store.images.shareExists(share)) throw new DsmError(401);
      const file = store.images.shareFile(p.ds_file_path);
      if (file === undefined) throw new DsmError(402);
      if (store.images.find({ name: p.image_name }) !== undefined) throw new DsmError(403);

      const storages = new Map<string, StorageRow>();
      for (const r of refs) {
        const storage = store.inventory.storage(r);
        if (storage === undefined) throw new DsmError(700);
        storages.set(storage.storage_id, storage);
      }
      for (const storage of storages.values()) {
        if (file.size > storage.size - storage.used) throw new DsmError(402);
      }

      const imageId = newUuid();
      store.mutations.insertImage(
        {
          image_id: imageId,
          image_name: p.image_name,
          type: p.type,
          size: file.size,
          ds_file_path: file.path,
        },
        [...storages.keys()],
      );
      const taskId = startTask(ctx, "image_create", imageId, p.auto_clean_task);
      return { task_id: taskId };
    });
  },
});

export const imageDelete = operation({
  session: "required",
  adminOnly: true,
  mutating: true,
  params: z.object({ image_id: ref(), image_name: ref() }),
  handle: (ctx, p) => {
    const { store } = ctx.services;
    store.transaction(() => {
      if (p.image_id === undefined && p.image_name === undefined) throw new DsmError(401);
      const image = store.images.find({ id: p.image_id, name: p.image_name });
      if (image === undefined) throw new DsmError(401);
      if (image.state !== "ready" || store.images.usedByCreatingGuest(image.image_id))
        throw new DsmError(402);
      store.mutations.deleteImage(image.image_id);
    });
    return undefined;
  },
});
