/**
 * The web UI's inventory: SYNO.Virtualization.Host, .Cluster, .Network and .Repo, over the same
 * hosts, storages (repos) and networks as the guide's API, memory in KiB.
 *
 * Gaps: only the internal Host list is recorded (DSM 7.1.1); the Cluster summaries are derived
 * from the state in the recorded key set; Cluster `get_guest`'s per-guest `cpu_usage` and
 * `ram_usage` are hundredths of a percent (hass-synovmm shows value / 100 as %), of the host's
 * threads and of the guest's memory; Network and Repo lists are not recorded (docs/differences.md).
 */
import { z } from "zod";
import { freezeOf } from "../../model/cluster";
import { guestHealth, healthSummary, hostHealth, licenceHealth, storageHealth } from "../../model/health";
import { ONLINE, storageStatus } from "../../model/status";
import { usageOf } from "../../model/telemetry";
import type { Store } from "../../store/index";
import { type ApiOperations, op } from "../../wire/operation";
import { INTERNAL_REFUSALS } from "./codes";
import { presentHost, presentRepo } from "./present";

const none = z.object({});

/** Per host, the per-mille CPU load of its running guests, from the same telemetry as the guests'. */
function hostLoads(store: Store, now: number): Map<string, number> {
  const hosts = new Map(store.inventory.hosts().map((h) => [h.host_id, h]));
  const loads = new Map<string, number>();
  for (const g of store.guests.list()) {
    if (!ONLINE.has(g.status) || g.host_id === null) continue;
    const threads = hosts.get(g.host_id)?.total_cpu_core ?? 1;
    const { cpuPerMille } = usageOf(g.guest_id, g.vcpu_num, g.vram_size, threads, now);
    loads.set(g.host_id, Math.min(1000, (loads.get(g.host_id) ?? 0) + cpuPerMille));
  }
  return loads;
}

export const internalHostApi: ApiOperations<"SYNO.Virtualization.Host"> = {
  refusals: INTERNAL_REFUSALS,
  methods: {
    list: op({
      params: none,
      run: (ctx) => {
        const system = ctx.store.system.get();
        const hosts = ctx.store.inventory.hosts();
        const loads = hostLoads(ctx.store, ctx.now);
        return {
          hosts: hosts.map((h) => presentHost(h, system, loads.get(h.host_id) ?? 0)),
          is_freeze: freezeOf(hosts.map((h) => h.status)).frozen,
          max_host_num: 7,
        };
      },
    }),
  },
};

export const clusterApi: ApiOperations<"SYNO.Virtualization.Cluster"> = {
  refusals: INTERNAL_REFUSALS,
  methods: {
    get: op({
      params: none,
      run: (ctx) => {
        const { store } = ctx;
        const system = store.system.get();
        const hosts = store.inventory.hosts();
        const { offline, frozen } = freezeOf(hosts.map((h) => h.status));
        const guests = store.guests.list();
        const storages = store.inventory.storages();
        return {
          cluster_status: frozen ? "frozen" : system.cluster_status,
          guest_summ: healthSummary(
            guests.map((g) => guestHealth(g.status)),
            guests.filter((g) => g.status === "running").length,
          ),
          host_summ: healthSummary(hosts.map((h) => hostHealth(h.status))),
          license_summ: healthSummary([licenceHealth(system.pro_licence === 1)]),
          reasons: frozen ? [{ num: offline, status: "host_offline" }] : [],
          repo_summ: healthSummary(storages.map((s) => storageHealth(storageStatus(s)))),
        };
      },
    }),
    get_guest: op({
      params: none,
      run: (ctx) => {
        const hosts = new Map(ctx.store.inventory.hosts().map((h) => [h.host_id, h]));
        return {
          guests: ctx.store.guests.list().map((g) => {
            const online = ONLINE.has(g.status) && g.host_id !== null;
            const usage = online
              ? usageOf(
                  g.guest_id,
                  g.vcpu_num,
                  g.vram_size,
                  hosts.get(g.host_id ?? "")?.total_cpu_core ?? 1,
                  ctx.now,
                )
              : undefined;
            return {
              cpu_usage: usage === undefined ? 0 : usage.cpuPerMille * 10,
              host_id: g.host_id ?? "",
              id: g.guest_id,
              name: g.guest_name,
              ram_usage: usage === undefined ? 0 : Math.round((usage.ramUsed / g.vram_size) * 10_000),
              status: g.status,
            };
          }),
        };
      },
    }),
  },
};

export const internalNetworkApi: ApiOperations<"SYNO.Virtualization.Network"> = {
  refusals: INTERNAL_REFUSALS,
  methods: {
    list: op({
      params: none,
      run: (ctx) => {
        const hostsOf = ctx.store.inventory.networkHosts();
        return {
          networks: ctx.store.inventory.networks().map((n) => ({
            host_ids: hostsOf.get(n.network_id) ?? [],
            network_id: n.network_id,
            network_name: n.network_name,
          })),
        };
      },
    }),
  },
};

export const repoApi: ApiOperations<"SYNO.Virtualization.Repo"> = {
  refusals: INTERNAL_REFUSALS,
  methods: {
    list: op({ params: none, run: (ctx) => ({ repos: ctx.store.inventory.storages().map(presentRepo) }) }),
  },
};
