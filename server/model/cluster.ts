/**
 * Cluster rules that refuse every change before it is attempted: a frozen cluster (more than
 * half of the hosts offline), a cluster in incompatible mode (DSM versions differ), or not ready.
 */
import type { Store } from "../store/index";
import type { Reason } from "./refusal";
import { isHostOffline } from "./status";

export function clusterRefusal(store: Store): Reason | undefined {
  const statuses = store.inventory.hostStatuses();
  const offline = statuses.filter(isHostOffline).length;
  if (offline * 2 > statuses.length) return "cluster_frozen";
  const { cluster_status } = store.system.get();
  if (cluster_status === "incompatible") return "cluster_incompatible";
  if (cluster_status === "not_ready") return "cluster_not_ready";
  return undefined;
}
