/**
 * The whole state as one JSON document, for tests to assert on and humans to read. Figures
 * DSM derives are shown next to what they come from (a host's used CPU/RAM, a storage's used
 * space, a task's progress at the current instant). Secrets (password hashes, OTP secrets,
 * sids) are never part of it: accounts say only whether they need an OTP, sessions are counted.
 */
import type { Services } from "../dsm/registry";
import type { AdminStore } from "../store/admin";
import { taskProgress } from "../store/tasks";

export function dumpState(services: Services, admin: AdminStore) {
  const { store, clock } = services;
  const now = clock.now();
  const system = store.system.get();
  const networkHosts = admin.networkHosts();
  return {
    system: {
      ...system,
      pro_licence: system.pro_licence === 1,
      ha_enabled: system.ha_enabled === 1,
      ha_reservation_ok: system.ha_reservation_ok === 1,
    },
    accounts: admin.accounts(),
    hosts: store.inventory.hosts(),
    storages: store.inventory.storages(),
    networks: store.inventory
      .networks()
      .map((n) => ({ ...n, host_ids: networkHosts.get(n.network_id) ?? [] })),
    shares: admin.shares(),
    images: store.images.list().map(({ copies, ...image }) => ({
      ...image,
      storages: copies.map((c) => ({
        storage_id: c.storage_id,
        storage_name: c.storage_name,
        state: c.state,
      })),
    })),
    guests: store.guests.list(),
    tasks: admin.tasks().map((t) => ({ ...t, progress: taskProgress(t, now) })),
    sessions: admin.sessionCount(),
  };
}

export type StateDump = ReturnType<typeof dumpState>;
