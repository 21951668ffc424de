/**
 * SYNO.Virtualization.API.Guest.Image: `list` (images still being created are not listed),
 * `create` (non-blocking; see model/images.ts for its checks) and `delete`.
 */
import { z } from "zod";
import { refOf } from "../../model/context";
import { createImage, deleteImage, findImage, readyImages } from "../../model/images";
import { IMAGE_TYPES } from "../../model/status";
import { bool, json, ref, requiredText } from "../../wire/codecs";
import { type ApiOperations, op } from "../../wire/operation";
import { PUBLIC_REFUSALS } from "./codes";
import { presentImage } from "./present";

const names = json(z.array(z.union([z.string(), z.number()]).transform(String)).max(64));

export const guestImageApi: ApiOperations<"SYNO.Virtualization.API.Guest.Image"> = {
  refusals: PUBLIC_REFUSALS,
  methods: {
    list: op({
      params: z.object({}),
      run: (ctx) => ({
        images: readyImages(ctx.store).map(presentImage),
      }),
    }),
    create: op({
      params: z.object({
        image_name: requiredText(),
        type: z.enum(IMAGE_TYPES, { message: "type must be disk, vdsm or iso" }),
        ds_file_path: requiredText(),
        storage_ids: names,
        storage_names: names,
        auto_clean_task: bool(true),
      }),
      run: (ctx, p) => ({
        task_id: createImage(ctx, {
          name: p.image_name,
          type: p.type,
          path: p.ds_file_path,
          storages: p.storage_ids?.length
            ? p.storage_ids.map((id) => ({ id }))
            : (p.storage_names ?? []).map((name) => ({ name })),
          autoCleanTask: p.auto_clean_task,
        }),
      }),
    }),
    delete: op({
      params: z.object({ image_id: ref(), image_name: ref() }),
      run: (ctx, p) => deleteImage(ctx, findImage(ctx, refOf(p.image_id, p.image_name))),
    }),
  },
};
