/**
 * SYNO.Virtualization.Guest.Image (the web UI's dialect): `list`, and `upload_and_create`: an
 * image made from a file uploaded in the request (a `multipart/form-data` body whose `file` part
 * the HTTP layer streams and counts, never holding it in memory; see wire/upload.ts), copied to
 * the storages (`repos`) in `image_repos`. It answers a task, polled with the public Task.Info.
 *
 * Client quirks: the Terraform provider double-encodes `image_repos` (a JSON string whose content
 * is the JSON array of storage ids); a plain JSON array is read too. By design: a name that
 * exists answers 403, as the public create does; the file's size counts against each storage.
 */
import { z } from "zod";
import { IMAGE_TYPES } from "../../../contract/statuses";
import { createUploadedImage, readyImages } from "../../model/images";
import { bool, ref, requiredText, text } from "../../wire/codecs";
import { DsmError } from "../../wire/errors";
import { type ApiOperations, op } from "../../wire/operation";
import { INTERNAL_REFUSALS } from "./codes";
import { presentImage } from "./present";

/** `"[\"id\"]"` (a JSON string holding a JSON array) or `["id"]`: the storage ids. */
const repos = z
  .string()
  .optional()
  .transform((v, ctx) => {
    let value: unknown = v;
    try {
      for (let i = 0; i < 2 && typeof value === "string"; i++) value = JSON.parse(value);
    } catch {
      value = undefined;
    }
    if (!Array.isArray(value) || value.length > 64 || !value.every((x) => typeof x === "string")) {
      ctx.addIssue({ code: "custom", message: "image_repos is a JSON array of storage ids" });
      return z.NEVER;
    }
    return value as string[];
  });

export const internalGuestImageApi: ApiOperations<"SYNO.Virtualization.Guest.Image"> = {
  refusals: INTERNAL_REFUSALS,
  methods: {
    list: op({
      params: z.object({}),
      run: (ctx) => ({
        images: readyImages(ctx.store).map(presentImage),
      }),
    }),
    upload_and_create: op({
      params: z.object({
        name: requiredText(),
        ds_file_path: text(),
        image_repos: repos,
        type: z.enum(IMAGE_TYPES),
        get_patch_by: text(),
        auto_clean_task: bool(true),
        image_id: ref(),
      }),
      run: (ctx, p) => {
        const upload = ctx.upload;
        // DSM takes the image from the request's file: without one there is nothing to make it from.
        if (upload === undefined) throw new DsmError(401);
        return {
          task_id: createUploadedImage(ctx, {
            name: p.name,
            type: p.type,
            fileName: p.ds_file_path || upload.fileName,
            bytes: upload.bytes,
            sha256: upload.sha256,
            storages: p.image_repos.map((id) => ({ id })),
            autoCleanTask: p.auto_clean_task,
          }),
        };
      },
    }),
  },
};
