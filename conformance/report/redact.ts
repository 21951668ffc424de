/**
 * Redaction for everything the kit writes: every secret value it handled (passwords, sids,
 * SynoTokens, device tokens) is replaced wherever it appears, and secret-named fields are
 * masked by shape too, in case a value was never registered (a sid inside an error message).
 */
export const REDACTED = "<redacted>";

const SECRET_KEYS = [
  "passwd",
  "password",
  "_sid",
  "sid",
  "synotoken",
  "SynoToken",
  "did",
  // The trusted-device token: it skips 2-step verification on the NAS that gave it.
  "device_id",
  "otp_code",
  "token",
];
const keyAlternation = SECRET_KEYS.join("|");
/** `"sid":"…"` in JSON text. */
const JSON_FIELD = new RegExp(`("(?:${keyAlternation})"\\s*:\\s*)"[^"]*"`, "g");
/** `sid=…` in query strings and form bodies. */
const FORM_FIELD = new RegExp(`([?&](?:${keyAlternation})=)[^&\\s"]*`, "g");

export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text;
  // Longest first, so a secret that contains another is not half-replaced.
  const values = [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join(REDACTED);
  out = out.replace(JSON_FIELD, `$1"${REDACTED}"`);
  return out.replace(FORM_FIELD, `$1${REDACTED}`);
}

/** Whether a parameter or field name holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.includes(key) || /pass(wd|word)|token|secret/i.test(key);
}
