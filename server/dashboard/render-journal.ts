/**
 * The journal as a table, newest first: every DSM call with its redacted parameters and its
 * answer, fault-rule answers marked, and calls the emulator does not implement (102/103 not
 * produced by a rule) highlighted; beside it the running count of those missing calls.
 */
import { AUTH_ERRORS, VMM_ERRORS } from "../../contract/errors";
import { curlOf } from "./curl";
import { badge, timeOfDay } from "./format";
import { type Html, html } from "./html";
import type { JournalEntryView, UnimplementedView } from "./source";

/** Characters of one parameter value shown; the journal keeps up to 1 KiB of each. */
const VALUE_SHOWN = 160;
/**
 * Characters of an answer's body shown: the page redraws the journal every second, and 200 rows
 * of 16 KiB would be 3 MB each time. The whole kept body is in `GET /__admin/journal`.
 */
export const BODY_SHOWN = 2048;

/** A call DSM would have answered but the emulator does not know (not a code a fault rule chose). */
export function isUnimplemented(e: JournalEntryView): boolean {
  return (e.code === 102 || e.code === 103) && e.fault_rule === undefined;
}

export function codeMeaning(api: string | null, code: number): string | undefined {
  const auth: Record<number, string> = AUTH_ERRORS;
  const common: Record<number, string> = VMM_ERRORS;
  return (api === "SYNO.API.Auth" ? auth[code] : undefined) ?? common[code];
}

/** `entries` newest last, as the journal gives them; `filtered` says a filter is on (for the empty message). */
export function journalSection(
  entries: readonly JournalEntryView[],
  filtered: boolean,
  baseUrl = "http://127.0.0.1:5000",
): Html {
  if (entries.length === 0)
    return html`<p>${filtered ? "No call matches the filter." : "No DSM call yet. Calls to /webapi/ appear here as they are answered."}</p>`;
  const rows: Html[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry !== undefined) rows.push(journalRow(entry, baseUrl));
  }
  return html`<table class="stack journal">
<caption class="visually-hidden">DSM calls, newest first</caption>
<thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">API</th><th scope="col">Method</th><th scope="col">v</th><th scope="col">Parameters</th><th scope="col">Answer</th><th scope="col">ms</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

function journalRow(e: JournalEntryView, baseUrl: string): Html {
  const missing = isUnimplemented(e);
  const classes = [
    e.success ? "ok" : "error",
    missing && "unimplemented",
    e.fault_rule !== undefined && "fault",
  ]
    .filter((c) => c !== false)
    .join(" ");
  return html`<tr class="${classes}" data-seq="${e.seq}">
<td data-label="#">${e.seq}</td>
<td data-label="Time"><time datetime="${e.at}">${timeOfDay(e.at)}</time></td>
<td data-label="API" class="api">${e.api ?? "(none)"} <span class="muted small">${e.cgi}</span></td>
<td data-label="Method">${e.method ?? "(none)"}</td>
<td data-label="v">${e.version ?? "—"}</td>
<td data-label="Parameters" class="params">${params(e.params)}</td>
<td data-label="Answer">${answer(e, missing)}${exchange(e, baseUrl)}</td>
<td data-label="ms">${e.duration_ms.toFixed(1)}</td>
</tr>`;
}

function params(p: Readonly<Record<string, string>>): Html {
  const keys = Object.keys(p).filter((k) => k !== "api" && k !== "method" && k !== "version");
  if (keys.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="plain">${keys.map((k) => {
    const value = p[k] ?? "";
    const shown = value.length > VALUE_SHOWN ? `${value.slice(0, VALUE_SHOWN)}…` : value;
    return html`<li><code>${k}=${shown}</code></li>`;
  })}</ul>`;
}

function answer(e: JournalEntryView, missing: boolean): Html {
  const meaning = e.code === undefined ? undefined : codeMeaning(e.api, e.code);
  return html`${e.success ? badge("ok", "success") : badge("bad", `error ${e.code ?? "?"}`)}${
    meaning !== undefined && !e.success && html` <span class="small">${meaning}</span>`
  }${missing && html` ${badge("warn", "not emulated")}`}${
    e.fault_rule !== undefined &&
    html` ${badge("warn", `fault ${e.fault_rule}${e.transport === undefined ? "" : ` (${e.transport})`}`)}`
  }`;
}

/**
 * The whole exchange, folded: the answer's headers and body (as the journal keeps them, secrets
 * redacted), and the request as a curl line to copy (secrets as shell variables).
 */
function exchange(e: JournalEntryView, baseUrl: string): Html {
  const curl = curlOf(e, baseUrl);
  const r = e.response;
  return html`<details class="exchange"><summary>Exchange</summary>
<button type="button" class="copy-curl" data-curl="${curl}">Copy as curl</button>
<pre class="curl"><code>${curl}</code></pre>
${
  r !== undefined &&
  html`<pre class="response-headers"><code>${Object.entries(r.headers)
    .flatMap(([k, v]) => (typeof v === "string" ? [v] : v).map((x) => `${k}: ${x}`))
    .join("\n")}</code></pre>
<pre class="response-body"><code>${r.body.length > BODY_SHOWN ? `${r.body.slice(0, BODY_SHOWN)}…` : r.body}</code></pre>${
    (r.truncated !== undefined || r.body.length > BODY_SHOWN) &&
    html`<p class="muted small">${r.body.length > BODY_SHOWN ? `The first ${BODY_SHOWN} characters shown; ${r.body.length} kept (GET /__admin/journal)` : ""}${r.truncated !== undefined ? `; ${r.truncated} more not kept` : ""}.</p>`
  }`
}</details>`;
}

export function unimplementedSection(calls: readonly UnimplementedView[]): Html {
  if (calls.length === 0)
    return html`<p>Nothing so far: every API and method clients asked for is emulated.</p>`;
  return html`<ul class="plain missing">${calls.map(
    (c) =>
      html`<li><code>${c.api || "(no api)"}</code> <code>${c.method || "(no method)"}</code> <span class="count">${c.count} ${c.count === 1 ? "call" : "calls"}</span></li>`,
  )}</ul>`;
}
