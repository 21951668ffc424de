/**
 * Cluster rules that refuse every change before it is attempted: a frozen cluster (more than
 * half of the hosts offline, 500), a cluster in incompatible mode (501), or not ready (600).
 */
import type { Store } from "../store/index";
import { isHostOffline } from "../store/inventory";

export function clusterRefusal(store: Store): 500 | 501 | 600 | undefined {
  const hosts = store.inventory.hosts();
  const offline = hosts.filter((h) => isHostOffline(h.status)).length;
  if (offline * 2 > hosts.length) return 500;
  const { cluster_status } = store.system.get();
  if (cluster_status === "incompatible") return 501;
  if (cluster_status === "not_ready") return 600;
  return undefined;
}
