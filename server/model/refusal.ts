/**
 * Why the model refuses a change, in its own words. The model knows nothing of DSM's codes:
 * each dialect maps a reason to the code it answers (the public API answers 904 where the web
 * UI's internal API answers 939, for example), in a table the compiler makes complete.
 */
export const REASONS = [
  /** A parameter names nothing, or not enough was given to name anything. */
  "bad_parameter",
  /** The named guest or image does not exist. */
  "not_found",
  "name_taken",
  "mac_taken",
  /** The storage does not exist or cannot be written to. */
  "storage_invalid",
  /** The image to clone does not exist, is not a disk image, or is not ready. */
  "image_not_found",
  "lun_limit",
  "no_space",
  /** The operation failed for a reason DSM does not name. */
  "failed",
  /** The object is still being created. */
  "busy",
  /** The file to make an image from is not on its shared folder. */
  "file_missing",
  /** The image is being created or cloned. */
  "image_in_use",
  /** The guest is booting, running or shutting down. */
  "online",
  /** The guest is not booting, running or shutting down. */
  "offline",
  // Placement (power-on), in the order they are checked.
  "host_offline",
  "no_storage_host",
  "needs_pro",
  "no_network",
  "remote_boot_disk",
  "remote_uefi",
  "cpu_reservation",
  "cpu",
  "memory",
  "no_host_fits",
  // Cluster rules: refuse every change.
  "cluster_frozen",
  "cluster_incompatible",
  "cluster_not_ready",
  "task_not_found",
  /** Task outcome: an image was made on only some of its storages. */
  "image_partial",
  /** Answered after an edit that stayed applied: HA hosts could not reserve the new figures. */
  "ha_reservation",
] as const;

export type Reason = (typeof REASONS)[number];

/** Thrown by the model; the call's transaction rolls back and the dialect answers its code. */
export class Refusal extends Error {
  override name = "Refusal";
  constructor(readonly reason: Reason) {
    super(`refused: ${reason}`);
  }
}

export function refuse(reason: Reason): never {
  throw new Refusal(reason);
}
