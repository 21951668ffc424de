/**
 * The rules over the cluster's statuses (the lists themselves are DSM's vocabulary, in
 * contract/statuses.ts): which guests hold a host, which storages can be written, which hosts are
 * unreachable. Both dialects show the statuses as they are.
 */
export {
  AUTO_SELECT,
  CLUSTER_STATUSES,
  FIXTURE_GUEST_STATUSES,
  GUEST_STATUSES,
  type GuestStatus,
  HOST_STATUSES,
  type HostStatus,
  IMAGE_TYPES,
  type ImageType,
  STORAGE_STATUSES,
} from "../../contract/statuses";

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
