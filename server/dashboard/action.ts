/**
 * A button that calls the control plane. The call is data on the button (method, path, JSON
 * body), read by the page's one click handler, which sends it with fetch as JSON with the
 * token; nothing happens without the script, and no GET ever changes state.
 */
import { type Html, html } from "./html";

export interface ControlCall {
  readonly method: "POST" | "DELETE" | "PATCH";
  /** Under `/__admin/`, each variable segment already URI-encoded. */
  readonly path: string;
  readonly body?: unknown;
}

/**
 * Buttons in the first view are drawn disabled: without the script they could do nothing. The
 * script's first refresh replaces them with enabled ones. `none`: the read-only page of an
 * emulator whose control plane is off draws none at all.
 */
export type Buttons = "enabled" | "disabled" | "none";

/**
 * `what` names the action for the status line ("Power on win10"); `key` identifies the button
 * across live refreshes, so keyboard focus survives the section being redrawn.
 */
export function actionButton(
  text: string,
  call: ControlCall,
  what: string,
  key: string,
  buttons: Buttons,
): Html {
  if (buttons === "none") return html``;
  return html`<button type="button" class="action"${buttons === "disabled" && html` disabled`} data-method="${call.method}" data-path="${call.path}" data-body="${call.body === undefined ? "" : JSON.stringify(call.body)}" data-what="${what}" data-key="${key}">${text}</button>`;
}

/** `/__admin/<segments...>` with each segment encoded, so a name can never add a path segment. */
export function controlPath(...segments: string[]): string {
  return `/__admin/${segments.map(encodeURIComponent).join("/")}`;
}
