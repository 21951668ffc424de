/**
 * Cluster rules that refuse every change before it is attempted: a frozen cluster (more than
 * half of the hosts offline), a cluster in incompatible mode (DSM versions differ), or not ready.
 */
import type { Store } from "../store/index";
import type { Reason } from "./refusal";
import { isHostOffline } from "./status";

/** How many hosts DSM cannot reach, and whether that freezes the cluster. */
export interface Freeze {
  readonly offline: number;
  /** More than half of the hosts offline: every change is refused, the web UI shows "frozen". */
  readonly frozen: boolean;
}

export function freezeOf(hostStatuses: readonly string[]): Freeze {
  const offline = hostStatuses.filter(isHostOffline).length;
  return { offline, frozen: offline * 2 > hostStatuses.length };
}

export function clusterRefusal(store: Store): Reason | undefined {
  if (freezeOf(store.inventory.hostStatuses()).frozen) return "cluster_frozen";
  const { cluster_status } = store.system.get();
  if (cluster_status === "incompatible") return "cluster_incompatible";
  if (cluster_status === "not_ready") return "cluster_not_ready";
  return undefined;
}
