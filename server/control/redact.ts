/**
 * Secrets never leave the emulator: passwords, OTP codes, sids, SynoTokens, device ids and the
 * encrypted-login blob (`__cIpHeRtExT`, which replays as a login for 360 s) are replaced by
 * "***" in the journal, on the dashboard (which reads the journal) and in request log lines.
 * Parameter names are matched case-insensitively because clients differ (`SynoToken`,
 * `synotoken`), and by shape as well as by list (any name with `passwd`, `password`, `secret`,
 * `cipher` or ending in `token`). Values are redacted recursively: a batch's `compound` is JSON
 * whose elements carry their own parameters (a login's password, a nested blob), and a JSON
 * value cut short by the journal's bound is still redacted by its `"name": value` pairs.
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
  "__ciphertext",
]);

export const REDACTED = "***";

/** Whether a parameter or JSON field of that name holds a secret. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  if (SECRET_PARAMS.has(lower)) return true;
  // `enable_syno_token=yes` is a switch, not a token.
  if (lower.startsWith("enable_")) return false;
  return /passw(or)?d|secret|cipher|token$/.test(lower);
}

export function redactParams(params: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    out[key] = isSecretName(key) ? REDACTED : redactValue(value);
  }
  return out;
}

/** A value with the secrets inside it redacted, when it is JSON (whole, or cut short). */
export function redactValue(value: string): string {
  const first = value.trimStart()[0];
  if (first !== "[" && first !== "{") return value;
  try {
    return JSON.stringify(redactJson(JSON.parse(value) as unknown));
  } catch {
    return redactJsonText(value);
  }
}

function redactJson(value: unknown): unknown {
  if (typeof value === "string") {
    const first = value.trimStart()[0];
    return first === "[" || first === "{" ? redactValue(value) : value;
  }
  if (Array.isArray(value)) return value.map(redactJson);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value))
    out[key] = isSecretName(key) ? REDACTED : redactJson(inner);
  return out;
}

/** `"name": "value"` (or a number, or a string cut short) of every secret name in JSON text. */
const JSON_PAIR = /("((?:[^"\\]|\\.)*)"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|-?[\d.eE+-]+|true|false)/g;

function redactJsonText(text: string): string {
  return text.replace(JSON_PAIR, (pair, head: string, name: string) =>
    isSecretName(name.replace(/\\"/g, '"')) ? `${head}"${REDACTED}"` : pair,
  );
}
