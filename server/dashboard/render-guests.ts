/** The guests: status, placement, size, disks, NICs, mounted ISOs and power buttons. */
import { actionButton, type Buttons, controlPath } from "./action";
import { badge, size } from "./format";
import { type Html, html } from "./html";
import type { GuestView, StateView } from "./source";

/** Rows drawn at most: the page redraws the table on every refresh, 10,000 rows would crawl. */
export const MAX_GUESTS = 500;

const STATUS_KIND: Record<string, "ok" | "busy" | "off" | "bad"> = {
  running: "ok",
  booting: "busy",
  shutting_down: "busy",
  creating: "busy",
  shutdown: "off",
  crashed: "bad",
};

const POWER = [
  ["poweron", "Power on"],
  ["shutdown", "Shut down"],
  ["poweroff", "Power off"],
] as const;

/**
 * The states in which each power button does something (DSM answers the others with an error:
 * powering on a running guest, shutting down one that is off); elsewhere the button is drawn
 * disabled, saying why.
 */
const POWER_FROM: Record<(typeof POWER)[number][0], ReadonlySet<string>> = {
  poweron: new Set(["shutdown", "crashed"]),
  shutdown: new Set(["running"]),
  poweroff: new Set(["running", "booting", "shutting_down"]),
};

export function guestsSection(state: StateView, buttons: Buttons): Html {
  if (state.guests.length === 0) return html`<p>No guests.</p>`;
  const hosts = new Map(state.hosts.map((h) => [h.host_id, h.host_name]));
  const images = new Map(state.images.map((i) => [i.image_id, i.image_name]));
  const shown = state.guests.slice(0, MAX_GUESTS);
  return html`${
    shown.length < state.guests.length &&
    html`<p class="note">Showing the first ${shown.length} of ${state.guests.length} guests.</p>`
  }<table class="stack">
<caption class="visually-hidden">Guests</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Host</th><th scope="col">vCPU / RAM</th><th scope="col">Vdisks</th><th scope="col">vNICs</th><th scope="col">ISOs</th><th scope="col">Power</th></tr></thead>
<tbody>${shown.map((g) => guestRow(g, hosts, images, buttons))}</tbody>
</table>`;
}

function guestRow(
  g: GuestView,
  hosts: ReadonlyMap<string, string>,
  images: ReadonlyMap<string, string>,
  buttons: Buttons,
): Html {
  const host = g.host_id === null ? "—" : (hosts.get(g.host_id) ?? g.host_id);
  const isos = [g.iso_1, g.iso_2].filter((id): id is string => id !== null);
  return html`<tr data-guest="${g.guest_id}">
<th scope="row" data-label="Name"><span class="guest-name">${g.guest_name}</span><span class="muted small">${g.storage_name}</span></th>
<td data-label="Status" class="guest-status">${badge(STATUS_KIND[g.status] ?? "warn", g.status)}</td>
<td data-label="Host">${host}</td>
<td data-label="vCPU / RAM">${g.vcpu_num} vCPU, ${size(g.vram_size)}</td>
<td data-label="Vdisks">${g.vdisks.length === 0 ? "none" : html`<ul class="plain">${g.vdisks.map((d) => html`<li>${size(d.vdisk_size)}</li>`)}</ul>`}</td>
<td data-label="vNICs">${g.vnics.length === 0 ? "none" : html`<ul class="plain">${g.vnics.map((n) => html`<li><code>${n.mac}</code> ${n.network_name ?? "no network"}</li>`)}</ul>`}</td>
<td data-label="ISOs">${isos.length === 0 ? "none" : html`<ul class="plain">${isos.map((id) => html`<li>${images.get(id) ?? id}</li>`)}</ul>`}</td>
<td data-label="Power"><div class="buttons">${POWER.map(([action, text]) => actionButton(text, { method: "POST", path: controlPath("guests", g.guest_id, "power"), body: { action } }, `${text} ${g.guest_name}`, `power:${action}:${g.guest_id}`, buttons === "none" || POWER_FROM[action].has(g.status) ? buttons : "disabled"))}</div></td>
</tr>`;
}
