/**
 * The NAS's states a test sets for DSM's system APIs (PATCH /__admin/nas): temperature, update,
 * Security Advisor, disks and volumes set apart from normal, USB devices. Shown beside the
 * cluster's facts, so a client author sees which error path the emulator is playing.
 */
import { badge } from "./format";
import { type Html, html } from "./html";
import type { StateView } from "./source";

export function nasFacts(state: StateView): Html {
  const { nas } = state;
  const names = new Map(state.storages.map((s) => [s.storage_id, s.storage_name]));
  const disks = Object.entries(nas.disks);
  const volumes = Object.entries(nas.volumes);
  return html`<dl class="facts" aria-label="NAS states">
  <div><dt>Temperature</dt><dd>${nas.temperature >= 70 ? badge("bad", `${nas.temperature} °C`) : `${nas.temperature} °C`}</dd></div>
  <div><dt>DSM update</dt><dd>${nas.update === null ? "none" : badge("warn", nas.update)}</dd></div>
  <div><dt>Security Advisor</dt><dd>${nas.security === "safe" ? badge("ok", "safe") : badge("warn", nas.security)}</dd></div>
  <div><dt>Disks</dt><dd>${disks.length === 0 ? "all normal" : disks.map(([id, s]) => html`${badge(s === "crashed" ? "bad" : "warn", `${id} ${s}`)} `)}</dd></div>
  <div><dt>Volumes set</dt><dd>${volumes.length === 0 ? "as their storages" : volumes.map(([id, s]) => html`${badge(s === "crashed" ? "bad" : "warn", `${names.get(id) ?? id} ${s}`)} `)}</dd></div>
  <div><dt>USB devices</dt><dd>${nas.usb.length === 0 ? "none" : nas.usb.map((d) => `${d.producer} ${d.product}`).join(", ")}</dd></div>
</dl>`;
}
