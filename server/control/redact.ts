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

/** JSON keys whose string values are secrets in an answer's body (a login's sid, token, device id). */
const SECRET_KEYS =
  /"(passwd|password|otp_code|_sid|sid|synotoken|did|device_id)"(\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * An answer's JSON text with the values of secret keys replaced, wherever they are nested. Works
 * on text, so a body the journal cut short (no longer JSON) is redacted too.
 */
export function redactBody(text: string): string {
  return text.replace(SECRET_KEYS, `"$1"$2"${REDACTED}"`);
}

/** A `Set-Cookie` value with its value redacted (`id=***; path=/`): cookies carry the session. */
export function redactCookie(cookie: string): string {
  return cookie.replace(/^([^=;]*)=[^;]*/, `$1=${REDACTED}`);
}
