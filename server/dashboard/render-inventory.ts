/** The rest of the cluster: images (with their copies), networks (with their hosts) and accounts. */
import { badge, size } from "./format";
import { type Html, html } from "./html";
import type { StateView } from "./source";

export function imagesSection(state: StateView): Html {
  if (state.images.length === 0) return html`<p>No images.</p>`;
  return html`<table class="stack images">
<caption class="visually-hidden">Images</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Size</th><th scope="col">State</th><th scope="col">Copies</th></tr></thead>
<tbody>${state.images.map(
    (im) => html`<tr data-image="${im.image_id}">
<th scope="row" data-label="Name" class="image-name">${im.image_name}</th>
<td data-label="Type">${im.type}</td>
<td data-label="Size">${size(im.size)}</td>
<td data-label="State">${badge(im.state === "ready" ? "ok" : "busy", im.state)}</td>
<td data-label="Copies"><ul class="plain">${im.storages.map((s) => html`<li>${s.storage_name} <span class="muted small">${s.state}</span></li>`)}</ul></td>
</tr>`,
  )}</tbody>
</table>`;
}

export function networksSection(state: StateView): Html {
  if (state.networks.length === 0) return html`<p>No networks.</p>`;
  const hosts = new Map(state.hosts.map((h) => [h.host_id, h.host_name]));
  const nics = new Map<string, number>();
  for (const g of state.guests)
    for (const n of g.vnics)
      if (n.network_name !== null) nics.set(n.network_name, (nics.get(n.network_name) ?? 0) + 1);
  return html`<ul class="cards networks">${state.networks.map(
    (n) => html`<li class="card" data-network="${n.network_id}">
  <h3 class="network-name">${n.network_name}</h3>
  <p class="muted">on ${n.host_ids.length === 0 ? "no host" : n.host_ids.map((id) => hosts.get(id) ?? id).join(", ")}</p>
  <p>${nics.get(n.network_name) ?? 0} vNICs</p>
</li>`,
  )}</ul>`;
}

export function accountsSection(state: StateView): Html {
  if (state.accounts.length === 0) return html`<p>No accounts.</p>`;
  return html`<ul class="plain accounts">${state.accounts.map(
    (a) =>
      html`<li data-account="${a.name}"><code class="account-name">${a.name}</code> ${a.is_admin ? badge("ok", "administrator") : badge("off", "user")}${a.disabled && html` ${badge("bad", "disabled")}`}${a.otp && html` ${badge("warn", "2-step")}`}</li>`,
  )}</ul>
<p class="muted small">Passwords are the fixture's; the emulator keeps only their hashes.</p>`;
}
