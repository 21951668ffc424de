/**
 * HTML built with a tagged template that escapes every interpolated value unless it is itself
 * markup made by `html`. Names, parameters and messages come from clients (a guest may be
 * called `<img src=x onerror=alert(1)>`), so escaping is the default and cannot be forgotten;
 * the same escaping is right in text and in double-quoted attributes.
 */

/** Markup that is already safe to insert. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What may be interpolated: text is escaped, markup is kept, arrays are joined, nothing renders as "". */
export type Interpolated = Html | string | number | boolean | null | undefined | readonly Interpolated[];

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function piece(value: Interpolated): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(piece).join("");
  // `false` and absent values render nothing, so `${cond && html`...`}` reads naturally.
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly Interpolated[]): Html {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + (strings[i + 1] ?? "");
  return new Html(out);
}
