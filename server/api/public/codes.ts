/**
 * How the guide's public API answers each of the model's refusals (guide chapter 2). The
 * internal dialect has a table of its own, because DSM's web-UI APIs give some of the same
 * numbers other meanings.
 *
 * By design (not stated by the guide, see the README's differences): an unknown guest or image
 * answers 401 like a missing parameter; a guest being created answers 402; an image in use 402.
 */
import type { CodeOf } from "../../../contract/errors";
import type { Reason } from "../../model/refusal";

export const PUBLIC_REFUSALS: { readonly [R in Reason]: CodeOf<"vmm"> } = {
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
  online: 904,
  offline: 907,
  host_offline: 601,
  no_storage_host: 901,
  needs_pro: 1001,
  no_network: 909,
  remote_boot_disk: 910,
  remote_uefi: 911,
  cpu_reservation: 908,
  cpu: 902,
  memory: 903,
  no_host_fits: 900,
  cluster_frozen: 500,
  cluster_incompatible: 501,
  cluster_not_ready: 600,
  task_not_found: 1000,
  image_partial: 1400,
  ha_reservation: 1600,
};
