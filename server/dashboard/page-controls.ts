/**
 * The static forms of the controls: add a fault rule, move the clock, reset, take a snapshot.
 * Each form names the JSON call it makes (`data-form`); the page's script builds the body from
 * the fields and leaves validation to the control plane, whose 400 message names the field.
 */
import { actionButton } from "./action";
import { type Html, html } from "./html";
import type { SectionId } from "./live";
import type { PageOptions } from "./page-options";

type Section = (id: SectionId, o: PageOptions, intro?: Html | string, after?: Html | string) => Html;

const ACTIONS = [
  ["error", "DSM error"],
  ["delay", "delay"],
  ["reset", "reset the connection"],
  ["hang", "hang"],
  ["malformed", "malformed JSON"],
  ["task_fail", "task fails"],
  ["task_stuck", "task sticks"],
] as const;

function field(id: string, label: string, input: Html, hint = ""): Html {
  return html`<div class="field"><label for="${id}">${label}</label>${input}${hint !== "" && html`<span class="hint small muted" id="${id}-hint">${hint}</span>`}</div>`;
}

function text(id: string, name: string, extra = ""): Html {
  return html`<input id="${id}" name="${name}" type="text" autocomplete="off" spellcheck="false" placeholder="${extra}">`;
}

function number(id: string, name: string, min: number, max: number, step = "1"): Html {
  return html`<input id="${id}" name="${name}" type="number" inputmode="decimal" min="${min}" max="${max}" step="${step}">`;
}

function faultForm(): Html {
  return html`<form id="fault-form" data-form="fault" class="stack-form">
<fieldset class="needs-script" disabled>
<legend>Add a fault rule</legend>
<p class="muted small">Match (every field optional; all given must hold)</p>
<div class="fields">
${field("fault-api", "API", text("fault-api", "api", "SYNO.Virtualization.API.Guest"))}
${field("fault-method", "Method", text("fault-method", "method", "delete"))}
${field("fault-version", "Version", number("fault-version", "version", 1, 99))}
${field("fault-target", "Target", text("fault-target", "target", "win10"), "a guest, image, task, host, storage or network id or name")}
${field("fault-account", "Account", text("fault-account", "account", "admin"))}
</div>
<p class="muted small">Then</p>
<div class="fields">
${field("fault-type", "Action", html`<select id="fault-type" name="type">${ACTIONS.map(([v, t]) => html`<option value="${v}">${t}</option>`)}</select>`)}
${field("fault-code", "Code", number("fault-code", "code", 100, 99999), "for a DSM error (needed) or a failing task")}
${field("fault-ms", "Delay ms", number("fault-ms", "ms", 0, 600000), "for a delay")}
${field("fault-progress", "At progress %", number("fault-progress", "at_progress", 0, 100), "for a task fault")}
${field("fault-times", "Times", number("fault-times", "times", 1, 1000000), "act at most this often")}
${field("fault-skip", "Skip", number("fault-skip", "skip", 0, 1000000), "let the first N through")}
${field("fault-probability", "Probability", number("fault-probability", "probability", 0, 1, "any"), "0 to 1, seeded")}
<div class="field field-check"><label><input type="checkbox" name="apply"> Run the call first (transport faults)</label></div>
</div>
<button type="submit">Add rule</button>
</fieldset>
</form>`;
}

function clockForms(): Html {
  return html`<div class="control-forms">
<form id="advance-form" data-form="advance" class="inline-form">
<fieldset class="needs-script bare" disabled>
${field("advance-seconds", "Advance by (seconds)", html`<input id="advance-seconds" name="seconds" type="number" inputmode="decimal" min="0" step="any" value="1" required>`)}
<button type="submit">Advance</button>
</fieldset>
</form>
<form id="scale-form" data-form="scale" class="inline-form">
<fieldset class="needs-script bare" disabled>
${field("scale-kind", "Time scale", html`<select id="scale-kind" name="kind"><option value="realtime">realtime (DSM-like)</option><option value="instant">instant</option><option value="factor">N times faster</option></select>`)}
${field("scale-factor", "N", html`<input id="scale-factor" name="factor" type="number" inputmode="decimal" min="0" step="any" value="10">`)}
<button type="submit">Set scale</button>
</fieldset>
</form>
<fieldset class="needs-script bare buttons" disabled>
${actionButton("Freeze time (virtual)", { method: "POST", path: "/__admin/clock", body: { mode: "virtual" } }, "Freeze the clock", "clock:virtual", "enabled")}
${actionButton("Real time", { method: "POST", path: "/__admin/clock", body: { mode: "real" } }, "Switch to real time", "clock:real", "enabled")}
</fieldset>
</div>`;
}

function resetForms(): Html {
  return html`<div class="control-forms">
<form id="reset-form" data-form="reset" class="inline-form">
<fieldset class="needs-script bare" disabled>
<div class="field field-check"><label><input type="checkbox" name="faults"> also remove the fault rules</label></div>
<div class="field field-check"><label><input type="checkbox" name="journal"> also clear the journal</label></div>
<button type="submit">Reset to the fixture</button>
</fieldset>
</form>
<form id="snapshot-form" data-form="snapshot" class="inline-form">
<fieldset class="needs-script bare" disabled>
${field("snapshot-name", "Snapshot name", html`<input id="snapshot-name" name="name" type="text" required pattern="[A-Za-z0-9._\\-]{1,64}" maxlength="64" autocomplete="off" spellcheck="false" aria-describedby="snapshot-name-hint">`, "1-64 letters, digits, '.', '_' or '-'")}
<button type="submit">Take snapshot</button>
</fieldset>
</form>
</div>`;
}

export function controlsPanel(section: Section, o: PageOptions): Html {
  return html`<div class="grid grid-controls">
${section(
  "faults",
  o,
  "",
  html`<fieldset class="needs-script bare" disabled>${actionButton("Remove every rule", { method: "DELETE", path: "/__admin/faults" }, "Remove every fault rule", "faults:clear", "enabled")}</fieldset>${faultForm()}`,
)}
${section("clock", o, "", clockForms())}
${section("snapshots", o, html`<p class="muted small">Reset returns to the fixture; a snapshot keeps the whole state, sessions and running tasks included.</p>`, resetForms())}
</div>`;
}
