/**
 * DSM's status vocabulary, as the guide lists it: what a host, a storage and a guest can be,
 * the image types and the cluster's states. The rules over them are the model's
 * (server/model/status.ts).
 */
export const HOST_STATUSES = ["running", "inaccessible", "network_warn", "control_unavail"] as const;
export const STORAGE_STATUSES = [
  "online",
  "missing",
  "unavailable",
  "degraded",
  "crashed",
  "full",
  "provision_warning",
] as const;
export const GUEST_STATUSES = [
  "running",
  "shutdown",
  "inaccessible",
  "booting",
  "shutting_down",
  "moving",
  "stor_migrating",
  "creating",
  "importing",
  "preparing",
  "ha_standby",
  "unknown",
  "crashed",
  "undefined",
] as const;
/** What a fixture may say a guest is; the transitional states come only from the simulation. */
export const FIXTURE_GUEST_STATUSES = ["running", "shutdown", "crashed", "inaccessible"] as const;
export const IMAGE_TYPES = ["disk", "vdsm", "iso"] as const;
export const CLUSTER_STATUSES = ["normal", "incompatible", "not_ready"] as const;
export const AUTO_SELECT = ["most_free_memory", "storage_host", "first"] as const;

export type HostStatus = (typeof HOST_STATUSES)[number];
export type GuestStatus = (typeof GUEST_STATUSES)[number];
export type ImageType = (typeof IMAGE_TYPES)[number];
