/**
 * The whole state as one JSON document, for tests to assert on and humans to read. Figures
 * DSM derives are shown next to what they come from (a host's used CPU/RAM, a storage's used
 * space, a task's progress at the current instant). Secrets (password hashes, OTP secrets,
 * sids) are never part of it: accounts say only whether they need an OTP, sessions are counted.
 */
import { taskProgress } from "../model/tasks";
import type { Store } from "../store/index";

export function dumpState(store: Store, now: number) {
  const system = store.system.get();
  const networkHosts = store.inventory.networkHosts();
  return {
    system: {
      ...system,
      pro_licence: system.pro_licence === 1,
      ha_enabled: system.ha_enabled === 1,
      ha_reservation_ok: system.ha_reservation_ok === 1,
    },
    accounts: store.accounts.summaries(),
    hosts: store.inventory.hosts(),
    storages: store.inventory.storages(),
    networks: store.inventory
      .networks()
      .map((n) => ({ ...n, host_ids: networkHosts.get(n.network_id) ?? [] })),
    shares: store.images.shares(),
    images: store.images.list().map(({ copies, ...image }) => ({
      ...image,
      storages: copies.map((c) => ({
        storage_id: c.storage_id,
        storage_name: c.storage_name,
        state: c.state,
      })),
    })),
    guests: store.guests.list(),
    tasks: store.tasks.all().map((t) => ({ ...t, progress: taskProgress(t, now) })),
    sessions: store.accounts.sessionCount(),
    blocked_addresses: store.accounts.blocks().map((b) => b.address),
    nas: store.nas.get(),
  };
}

export type StateDump = ReturnType<typeof dumpState>;
