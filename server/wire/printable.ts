/** Client text made safe to write into a log line. */

/**
 * A client's text as one line of a log: control characters (a newline would forge a line),
 * quotes and backslashes escaped as JSON escapes them, and cut to `max` characters.
 */
export function printable(text: string, max = 128): string {
  const escaped = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
  return escaped.slice(1, -1);
}
