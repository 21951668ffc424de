/**
 * Images: made from a file on a shared folder (a task), listed once ready, deleted when
 * nothing depends on them. An unknown shared folder is a bad parameter; a missing file fails
 * the operation; an unknown storage is invalid; a storage without room for the file fails the
 * operation. Whether each copy succeeds is decided when the task ends (see TASK_KINDS).
 */
import { newUuid } from "../ids";
import { UniqueConflict } from "../store/errors";
import type { ImageCopyRow, ImageRecord, ImageRow } from "../store/images";
import type { Store } from "../store/index";
import type { StorageRow } from "../store/inventory";
import { hasRef, type ModelContext, type Ref } from "./context";
import { refuse } from "./refusal";
import { type ImageType, storageStatus, WRITABLE_STORAGE } from "./status";
import { startTask } from "./tasks";
import { bytesFromMib, mibFromBytes } from "./units";

export interface ImageSpec {
  readonly name: string;
  readonly type: ImageType;
  /** A path on a shared folder, `/share/file.img`. */
  readonly path: string;
  readonly storages: readonly Ref[];
  readonly autoCleanTask: boolean;
}

export function findImage(ctx: ModelContext, ref: Ref): ImageRow {
  if (!hasRef(ref)) refuse("bad_parameter");
  const image = ctx.store.images.find(ref);
  if (image === undefined) refuse("not_found");
  return image;
}

/** Checks everything, inserts the image as being created on each storage, starts its task. */
export function createImage(ctx: ModelContext, spec: ImageSpec): string {
  const { store } = ctx;
  if (spec.storages.length === 0) refuse("bad_parameter");
  const share = /^\/([^/]+)\/./.exec(spec.path)?.[1];
  if (share === undefined || !store.images.shareExists(share)) refuse("bad_parameter");
  const file = store.images.shareFile(spec.path);
  if (file === undefined) refuse("file_missing");
  if (store.images.find({ name: spec.name }) !== undefined) refuse("name_taken");

  const storages = new Map<string, StorageRow>();
  for (const ref of spec.storages) {
    const storage = store.inventory.storage(ref);
    if (storage === undefined) refuse("storage_invalid");
    storages.set(storage.storage_id, storage);
  }
  for (const storage of storages.values()) {
    if (file.size > storage.size - storage.used) refuse("no_space");
  }

  const imageId = newUuid();
  try {
    store.images.insert(
      { image_id: imageId, image_name: spec.name, type: spec.type, size: file.size, ds_file_path: file.path },
      [...storages.keys()],
    );
  } catch (err) {
    if (err instanceof UniqueConflict) refuse("name_taken");
    throw err;
  }
  return startTask(ctx, "image_create", imageId, spec.autoCleanTask);
}

/** What an upload (the internal `upload_and_create`) brought: the file as counted while it streamed. */
export interface UploadSpec {
  readonly name: string;
  readonly type: ImageType;
  /** The file's name as the client gave it (kept as the image's path). */
  readonly fileName: string;
  readonly bytes: number;
  readonly sha256: string | undefined;
  readonly storages: readonly Ref[];
  readonly autoCleanTask: boolean;
}

/** Makes an image from an uploaded file on each storage (its size counts there), as a task. */
export function createUploadedImage(ctx: ModelContext, spec: UploadSpec): string {
  const { store } = ctx;
  if (spec.storages.length === 0) refuse("bad_parameter");
  if (store.images.find({ name: spec.name }) !== undefined) refuse("name_taken");
  const size = mibFromBytes(spec.bytes);
  const storages = new Map<string, StorageRow>();
  for (const ref of spec.storages) {
    const storage = store.inventory.storage(ref);
    if (storage === undefined || !WRITABLE_STORAGE.has(storageStatus(storage))) refuse("storage_invalid");
    if (size > storage.size - storage.used) refuse("no_space");
    storages.set(storage.storage_id, storage);
  }
  const imageId = newUuid();
  try {
    store.images.insert(
      {
        image_id: imageId,
        image_name: spec.name,
        type: spec.type,
        size,
        ds_file_path: spec.fileName,
        bytes: spec.bytes,
        sha256: spec.sha256 ?? null,
      },
      [...storages.keys()],
    );
  } catch (err) {
    if (err instanceof UniqueConflict) refuse("name_taken");
    throw err;
  }
  return startTask(ctx, "image_upload", imageId, spec.autoCleanTask);
}

/** Refuses an image being created, cloned by a guest being created, or mounted in a guest. */
export function deleteImage(ctx: ModelContext, image: ImageRow): void {
  const { guests } = ctx.store;
  if (image.state !== "ready" || guests.cloningImage(image.image_id) || guests.isoMounted(image.image_id))
    refuse("image_in_use");
  ctx.store.images.delete(image.image_id);
}

/** The images a client is shown: those ready (one being created or that failed is not listed). */
export function readyImages(store: Store): ImageRecord[] {
  return store.images.list().filter((im) => im.state === "ready");
}

/** An image's copies a client is shown (those ready), each with the status DSM shows for it. */
export function shownCopies(im: ImageRecord): { readonly copy: ImageCopyRow; readonly status: string }[] {
  return im.copies
    .filter((c) => c.state === "ready")
    .map((copy) => ({
      copy,
      status: storageStatus({ status: copy.storage_status, host_status: copy.host_status }),
    }));
}

/** An image's size in bytes: the uploaded file's own count, else its size in MiB. */
export const imageBytes = (im: ImageRow): number => im.bytes ?? bytesFromMib(im.size);
