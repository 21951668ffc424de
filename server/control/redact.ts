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
