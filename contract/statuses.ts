/**
 * DSM's status vocabulary, as the guide lists it: what a host, a storage and a guest can be,
 * the image types and the cluster's states; and the NAS's own (volumes, disks, Security Advisor)
 * that DSM's system APIs show. The rules over them are the model's (server/model/status.ts,
 * server/model/nas.ts).
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

/** DSM's volume statuses that a test can bring about (a volume is `normal` otherwise). */
export const VOLUME_STATES = ["normal", "degraded", "crashed"] as const;
/** A disk's health as a test sets it: `failing` (SMART warns, still in its pool) or `crashed`. */
export const DISK_STATES = ["normal", "failing", "crashed"] as const;
/** Security Advisor's `sysStatus` values (SYNO.Core.SecurityScan.Status, as py-synologydsm-api lists them). */
export const SECURITY_STATES = ["safe", "info", "outOfDate", "risk", "warning", "danger"] as const;

export type HostStatus = (typeof HOST_STATUSES)[number];
export type GuestStatus = (typeof GUEST_STATUSES)[number];
export type ImageType = (typeof IMAGE_TYPES)[number];
