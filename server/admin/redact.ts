/**
 * Secrets never leave the emulator: passwords, OTP codes, sids, SynoTokens and device ids are
 * replaced by "***" in the journal and in request log lines. Parameter names are matched
 * case-insensitively because clients differ (`SynoToken`, `synotoken`).
 */
const SECRET_PARAMS = new Set([
  "passwd",
  "password",
  "otp_code",
  "_sid",
  "sid",
  "synotoken",
  "did",
  "device_id",
]);

export const REDACTED = "***";

export function redactParams(params: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    out[key] = SECRET_PARAMS.has(key.toLowerCase()) ? REDACTED : value;
  }
  return out;
}

/**
 * A client's text as one line of a log: control characters (a newline would forge a line),
 * quotes and backslashes escaped as JSON escapes them, and cut to `max` characters.
 */
export function printable(text: string, max = 128): string {
  const escaped = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
  return escaped.slice(1, -1);
}
