/** Small formatting helpers shared by the sections: sizes, percentages, times, usage bars. */
import { type Html, html } from "./html";

/** DSM gives sizes in MB; above 1 GB they read better in GB (1024 MB, as DSM's own UI counts). */
export function size(mb: number): string {
  if (Math.abs(mb) < 1024) return `${mb} MB`;
  const gb = mb / 1024;
  return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
}

export function percent(used: number, total: number): number {
  return total <= 0 ? 0 : Math.round((used / total) * 100);
}

/** `HH:MM:SS.mmm` of an ISO instant (the emulator's clock is shown in UTC). */
export function timeOfDay(iso: string): string {
  return iso.length >= 23 ? iso.slice(11, 23) : iso;
}

/**
 * A usage bar with its figures beside it as text, so neither colour nor the bar's length is the
 * only cue. `<meter>` needs no inline style (the CSP allows none); its low/high marks turn it
 * amber from 75 % and red from 90 %. An over-committed value is clamped by the bar, not the text.
 */
export function usage(label: string, used: number, total: number, text: string): Html {
  const max = Math.max(total, 1);
  const value = Math.min(Math.max(used, 0), max);
  return html`<div class="usage"><span class="usage-label">${label}</span><meter min="0" max="${max}" value="${value}" low="${max * 0.75}" high="${max * 0.9}" optimum="0" aria-label="${label}"></meter><span class="usage-text">${text} (${percent(used, total)} %)</span></div>`;
}

/** A status shown as a coloured badge whose text names it (colour is never the only cue). */
export function badge(kind: "ok" | "busy" | "warn" | "bad" | "off", text: string): Html {
  return html`<span class="badge badge-${kind}">${text}</span>`;
}
