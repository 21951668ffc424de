/**
 * The page at `/` when the control plane is switched off (`--admin false`): the emulated cluster
 * and the journal, read-only. No script, no buttons, no live endpoint: reload it for a fresh view;
 * the journal filter is a plain GET form. What it shows is what the control plane's state and
 * journal would show (no secrets: parameters are redacted).
 */
import type { AssetUrls } from "./assets";
import { type Html, html } from "./html";
import type { SectionId } from "./live";
import { documentHead } from "./page-head";

/** The sections a read-only view shows: what the NAS holds and what clients did, no controls. */
export const READ_ONLY_SECTIONS = [
  ["cluster", "Cluster"],
  ["hosts", "Hosts"],
  ["storages", "Storages"],
  ["guests", "Guests"],
  ["tasks", "Tasks"],
  ["journal", "Journal"],
  ["unimplemented", "Not emulated"],
] as const satisfies readonly (readonly [SectionId, string])[];

export function disabledPage(assets: AssetUrls, sections: Record<SectionId, Html>): Html {
  return html`<!doctype html>
<html lang="en">
${documentHead(assets, "Synology VMM emulator (read-only)")}
<body>
<header class="top"><h1>Synology VMM emulator</h1></header>
<main id="main">
<p class="note">The control plane is switched off (<code>--admin false</code>): this page is read-only, as it was when it loaded (reload it for a fresh view). The DSM WebAPI answers under <code>/webapi/</code>.</p>
${READ_ONLY_SECTIONS.map(
  ([id, title]) => html`<section id="${id}" class="panel panel-${id}" aria-labelledby="h-${id}">
<h2 id="h-${id}">${title}</h2>
<div class="live">${sections[id]}</div>
</section>`,
)}
</main>
</body>
</html>`;
}
