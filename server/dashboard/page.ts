/**
 * The dashboard document. Its live parts are `data-live` containers filled from the same
 * renderers as `GET /dashboard/live`; everything else (headings, forms) is static. Action forms
 * sit in fieldsets that are disabled until the script runs, since every action is a JSON call
 * the script makes; the journal filter is a plain GET form and works without it.
 */
import { actionButton } from "./action";
import { type Html, html } from "./html";
import { JOURNAL_LIMIT, type JournalFilter, OUTCOMES, type SectionId } from "./live";
import { controlsPanel } from "./page-controls";
import { documentHead } from "./page-head";
import type { PageOptions } from "./page-options";

const TITLES: Record<SectionId, string> = {
  connect: "How to connect",
  cluster: "Cluster",
  hosts: "Hosts",
  storages: "Storages",
  guests: "Guests",
  images: "Images",
  networks: "Networks",
  accounts: "Accounts",
  tasks: "Tasks",
  journal: "Journal",
  unimplemented: "Not emulated",
  faults: "Fault rules",
  clock: "Clock",
  snapshots: "Snapshots",
};

const LOCKED = html`<p class="locked">This control plane needs its admin token: enter it above to see the emulated cluster.</p>`;

function live(id: SectionId, sections: PageOptions["sections"]): Html {
  return html`<div class="live" id="live-${id}" data-live="${id}">${sections === undefined ? LOCKED : sections[id]}</div>`;
}

/** A section: its heading, `intro` (filters, notes), the live part, then `after` (forms). */
function section(id: SectionId, o: PageOptions, intro: Html | string = "", after: Html | string = ""): Html {
  return html`<section id="${id}" class="panel panel-${id}" aria-labelledby="h-${id}">
<h2 id="h-${id}">${TITLES[id]}</h2>
${intro}${live(id, o.sections)}${after}
</section>`;
}

export function dashboardPage(o: PageOptions): Html {
  return html`<!doctype html>
<html lang="en">
${documentHead(
  o.assets,
  "VMM emulator dashboard",
  html`<meta name="referrer" content="no-referrer">
<script src="${o.assets.js}" defer></script>
`,
)}
<body data-auth="${o.tokenRequired ? "token" : "open"}" data-poll-ms="${o.pollMs}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<h1>Synology VMM emulator</h1>
<nav aria-label="Sections"><ul class="plain nav">${(["guests", "images", "networks", "accounts", "tasks", "journal", "faults", "clock", "snapshots", "connect"] as const).map((id) => html`<li><a href="#${id}">${TITLES[id]}</a></li>`)}</ul></nav>
<div class="live-toggle needs-script" hidden><label><input type="checkbox" id="live-updates" checked> Live updates</label> <span id="updated" class="muted small"></span></div>
</header>
${o.tokenRequired && tokenForm()}
<p id="status" class="status" role="status" aria-live="polite"></p>
<noscript><p class="note">Without JavaScript this page shows the emulator as it was when the page loaded. Live updates and actions (they are JSON calls to <code>/__admin</code>) need JavaScript.</p></noscript>
<main id="main" tabindex="-1">
<div class="grid grid-top">
${section("cluster", o)}
${section("hosts", o)}
${section("storages", o)}
</div>
${section("guests", o)}
<div class="grid grid-inventory">
${section("images", o)}
${section("networks", o)}
${section("accounts", o)}
</div>
${section("tasks", o)}
${section("journal", o, journalFilterForm(o.filter), html`<fieldset class="needs-script bare" disabled>${actionButton("Clear the journal", { method: "DELETE", path: "/__admin/journal" }, "Clear the journal", "journal:clear", "enabled")}</fieldset>`)}
${section("unimplemented", o, html`<p class="muted">DSM calls answered 102 (no such API) or 103 (no such method): what clients asked for that the emulator lacks.</p>`)}
${controlsPanel(section, o)}
${section("connect", o)}
</main>
<footer class="muted small"><p>The control plane's JSON API is under <code>/__admin</code>; see docs/control-plane.md and docs/dashboard.md.</p></footer>
</body>
</html>`;
}

function tokenForm(): Html {
  // The token lives in the tab's sessionStorage only: never rendered, never sent but as a header.
  return html`<form id="token-form" class="token" autocomplete="off">
<fieldset class="needs-script bare" disabled>
<label for="admin-token">Admin token</label>
<input id="admin-token" name="token" type="password" autocomplete="off" spellcheck="false" required>
<button type="submit">Use token</button>
<button type="button" id="forget-token">Forget token</button>
<span id="token-state" class="muted small">No token entered.</span>
</fieldset>
</form>`;
}

function journalFilterForm(f: JournalFilter): Html {
  const labels: Record<(typeof OUTCOMES)[number], string> = {
    all: "every call",
    error: "errors",
    unimplemented: "not emulated (102/103)",
    fault: "fault-rule answers",
    success: "successes",
  };
  return html`<form id="journal-filter" class="filters" method="get" action="/#journal" role="search" aria-label="Filter the journal">
<div class="field"><label for="f-api">API contains</label><input id="f-api" name="api" type="search" value="${f.api}" placeholder="e.g. Guest.Action" autocomplete="off"></div>
<div class="field"><label for="f-method">Method contains</label><input id="f-method" name="method" type="search" value="${f.method}" placeholder="e.g. poweron" autocomplete="off"></div>
<div class="field"><label for="f-outcome">Show</label><select id="f-outcome" name="outcome">${OUTCOMES.map((o) => html`<option value="${o}"${o === f.outcome && html` selected`}>${labels[o]}</option>`)}</select></div>
<div class="field"><label for="f-code">Error code</label><input id="f-code" name="code" type="number" inputmode="numeric" min="100" max="99999" value="${f.code ?? ""}"></div>
<div class="field field-button"><button type="submit">Filter</button></div>
</form>
<p class="muted small">The newest ${JOURNAL_LIMIT} matching calls, newest first; parameters are redacted.</p>`;
}
