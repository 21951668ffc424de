/**
 * The codes both dialects answer alike for the model's refusals (the guide's numbers, chapter 2).
 * Each dialect's table (public/codes.ts, internal/codes.ts) spreads this one and adds the reasons
 * whose numbers differ between them; the compiler makes each dialect's table complete.
 *
 * By design (not stated by the guide, see docs/differences.md): an unknown guest or image
 * answers 401 like a missing parameter; a guest being created answers 402; an image in use 402.
 */
import type { CodeOf } from "../../contract/errors";
import type { Reason } from "../model/refusal";

/** The reasons each dialect answers with a number of its own. */
export type DialectReason = "online" | "offline" | "memory";

/** A code both families know (the public guide's and the web UI's internal table). */
type SharedCode = CodeOf<"vmm"> & CodeOf<"vmm-internal">;

export const BASE_REFUSALS: { readonly [R in Exclude<Reason, DialectReason>]: SharedCode } = {
  bad_parameter: 401,
  not_found: 401,
  name_taken: 403,
  mac_taken: 905,
  storage_invalid: 700,
  image_not_found: 906,
  lun_limit: 404,
  no_space: 402,
  failed: 402,
  busy: 402,
  file_missing: 402,
  image_in_use: 402,
  host_offline: 601,
  no_storage_host: 901,
  needs_pro: 1001,
  no_network: 909,
  remote_boot_disk: 910,
  remote_uefi: 911,
  cpu_reservation: 908,
  cpu: 902,
  no_host_fits: 900,
  cluster_frozen: 500,
  cluster_incompatible: 501,
  cluster_not_ready: 600,
  task_not_found: 1000,
  image_partial: 1400,
  ha_reservation: 1600,
};
