/**
 * The statuses of the emulated cluster and the rules over them. The names are DSM's own
 * (the guide's), which both dialects show as they are.
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

/** Statuses in which a guest holds a host (its CPU and memory count there). */
export const ONLINE: ReadonlySet<string> = new Set(["running", "booting", "shutting_down"]);

/** Storage states a vdisk or an image copy can be written to. */
export const WRITABLE_STORAGE: ReadonlySet<string> = new Set(["online", "degraded", "provision_warning"]);

/** A host DSM cannot reach: its figures are not reported and nothing can run there. */
export const isHostOffline = (status: string): boolean => status === "inaccessible";

/** The status DSM shows for a storage: a storage whose host is unreachable is missing. */
export function storageStatus(s: { status: string; host_status: string }): string {
  return isHostOffline(s.host_status) ? "missing" : s.status;
}
