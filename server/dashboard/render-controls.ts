/** The live parts of the controls: fault rules with their counters, the clock, snapshots. */
import { actionButton, type Buttons, controlPath } from "./action";
import { type Html, html } from "./html";
import type { ClockView, FaultView, SnapshotView } from "./source";

export function faultsSection(faults: readonly FaultView[], buttons: Buttons): Html {
  if (faults.length === 0) return html`<p>No fault rules: every call gets the emulator's own answer.</p>`;
  return html`<ul class="plain rules">${faults.map((f) => faultItem(f, buttons))}</ul>`;
}

function faultItem(f: FaultView, buttons: Buttons): Html {
  const match = Object.entries(f.match).filter(([, v]) => v !== undefined);
  const { type, ...detail } = f.action;
  const limits = [
    f.skip !== undefined && `skip ${f.skip}`,
    f.times !== undefined && `at most ${f.times} times`,
    f.probability !== undefined && `probability ${f.probability}`,
  ].filter((s) => s !== false);
  return html`<li class="rule" data-rule="${f.id}">
<span class="rule-id">${f.id}</span>
<span>${match.length === 0 ? "every call" : match.map(([k, v]) => html`<code>${k}=${String(v)}</code> `)}</span>
<span>→ <strong>${type}</strong>${Object.keys(detail).length > 0 && html` <code>${JSON.stringify(detail)}</code>`}</span>
<span class="muted">${limits.join(", ")}${limits.length > 0 && "; "}matched ${f.matched}, acted ${f.acted}</span>
${actionButton("Remove", { method: "DELETE", path: controlPath("faults", f.id) }, `Remove fault rule ${f.id}`, `fault:${f.id}`, buttons)}
</li>`;
}

export function clockSection(clock: ClockView): Html {
  const scale = typeof clock.time_scale === "number" ? `${clock.time_scale}× faster` : clock.time_scale;
  return html`<dl class="facts">
<div><dt>Now (UTC)</dt><dd><time datetime="${clock.iso}" class="clock-now">${clock.iso.replace("T", " ").replace("Z", "")}</time></dd></div>
<div><dt>Mode</dt><dd class="clock-mode">${clock.mode === "virtual" ? "virtual (moves only when advanced)" : "real"}</dd></div>
<div><dt>Time scale</dt><dd class="clock-scale">${scale}</dd></div>
</dl>`;
}

export function snapshotsSection(snapshots: readonly SnapshotView[], buttons: Buttons): Html {
  if (snapshots.length === 0) return html`<p>No snapshots.</p>`;
  return html`<ul class="plain snapshots">${snapshots.map(
    (
      s,
    ) => html`<li data-snapshot="${s.name}"><strong>${s.name}</strong> <span class="muted small">taken ${s.created_at}</span>
${[actionButton("Restore", { method: "POST", path: controlPath("snapshots", s.name, "restore") }, `Restore snapshot ${s.name}`, `snapshot:restore:${s.name}`, buttons), actionButton("Delete", { method: "DELETE", path: controlPath("snapshots", s.name) }, `Delete snapshot ${s.name}`, `snapshot:delete:${s.name}`, buttons)]}</li>`,
  )}</ul>`;
}
