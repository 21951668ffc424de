/** The cluster's own state and licence, its hosts (CPU threads and RAM) and storages (space, LUNs). */
import { badge, size, usage } from "./format";
import { type Html, html } from "./html";
import { nasFacts } from "./render-nas";
import type { HostView, StateView, StorageView } from "./source";

export function clusterSection(state: StateView): Html {
  const { system } = state;
  const luns = state.guests.reduce((n, g) => n + g.vdisks.length, 0);
  const online = state.hosts.filter((h) => h.status === "running").length;
  return html`<dl class="facts">
  <div><dt>Cluster</dt><dd>${badge(system.cluster_status === "normal" ? "ok" : "bad", system.cluster_status)}</dd></div>
  <div><dt>Licence</dt><dd>${system.pro_licence ? badge("ok", "VMM Pro") : badge("warn", "no Pro licence")}</dd></div>
  <div><dt>High availability</dt><dd>${system.ha_enabled ? (system.ha_reservation_ok ? "on, reservation ok" : "on, reservation failing") : "off"}</dd></div>
  <div><dt>Auto-select host</dt><dd>${system.auto_select_host}</dd></div>
  <div><dt>Hosts online</dt><dd>${online} of ${state.hosts.length}</dd></div>
  <div><dt>Sessions</dt><dd>${state.sessions}</dd></div>
  <div><dt>NAS</dt><dd>${system.model}, DSM ${system.dsm_version}, VMM ${system.vmm_version}</dd></div>
</dl>
${usage("iSCSI LUNs", luns, system.max_iscsi_luns, `${luns} of ${system.max_iscsi_luns} LUNs`)}
${nasFacts(state)}`;
}

const HOST_KIND: Record<string, "ok" | "warn" | "bad"> = {
  running: "ok",
  inaccessible: "bad",
};

export function hostsSection(state: StateView): Html {
  if (state.hosts.length === 0) return html`<p>No hosts.</p>`;
  return html`<ul class="cards">${state.hosts.map(hostCard)}</ul>`;
}

function hostCard(host: HostView): Html {
  const ram = host.used_ram + host.other_ram_used;
  return html`<li class="card">
  <h3>${host.host_name} ${badge(HOST_KIND[host.status] ?? "warn", host.status)}</h3>
  ${usage("CPU threads", host.used_cpu, host.total_cpu_core, `${host.used_cpu} of ${host.total_cpu_core} threads`)}
  ${usage("RAM", ram, host.total_ram_size, `guests ${size(host.used_ram)} + other ${size(host.other_ram_used)} of ${size(host.total_ram_size)}`)}
</li>`;
}

const STORAGE_KIND: Record<string, "ok" | "warn" | "bad"> = {
  online: "ok",
  degraded: "warn",
  full: "warn",
  provision_warning: "warn",
};

export function storagesSection(state: StateView): Html {
  if (state.storages.length === 0) return html`<p>No storages.</p>`;
  // One LUN per vdisk, counted where the vdisk lives (its guest's storage).
  const luns = new Map<string, number>();
  for (const g of state.guests) luns.set(g.storage_id, (luns.get(g.storage_id) ?? 0) + g.vdisks.length);
  const max = state.system.max_iscsi_luns;
  return html`<ul class="cards">${state.storages.map((s) => storageCard(s, luns.get(s.storage_id) ?? 0, max))}</ul>`;
}

function storageCard(storage: StorageView, luns: number, max: number): Html {
  return html`<li class="card">
  <h3>${storage.storage_name} ${badge(STORAGE_KIND[storage.status] ?? "bad", storage.status)}</h3>
  <p class="muted">on ${storage.host_name}</p>
  ${usage("Space", storage.used, storage.size, `${size(storage.used)} of ${size(storage.size)}`)}
  ${usage("LUNs", luns, max, `${luns} of the cluster's ${max} LUNs`)}
</li>`;
}
