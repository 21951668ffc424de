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

/**
 * `params` with every secret replaced. With `cut`, a value longer than that is cut first (and
 * says how much is left out): a preview is redacted by its pairs, never parsed whole, so a 4 MiB
 * batch costs no more to show than its first KiB.
 */
export function redactParams(params: Readonly<Record<string, string>>, cut?: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (isSecretName(key)) out[key] = REDACTED;
    else if (cut !== undefined && value.length > cut)
      out[key] = `${redactJsonText(value.slice(0, cut))}… (${value.length - cut} more characters)`;
    else out[key] = redactValue(value);
  }
  return out;
}

/**
 * An answer's JSON text with the values of secret names replaced (a login's sid, token, device
 * id), wherever they are nested. Works on text, so a body the journal cut short (no longer
 * JSON) is redacted too.
 */
export function redactBody(text: string): string {
  return redactJsonText(text);
}

/** A `Set-Cookie` value with its value redacted (`id=***; path=/`): cookies carry the session. */
export function redactCookie(cookie: string): string {
  return cookie.replace(/^([^=;]*)=[^;]*/, `$1=${REDACTED}`);
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

/**
 * `"name": value` pairs of secret names in JSON text that does not parse (cut short), at any
 * depth of escaping (a batch's element carries JSON in a string: `\\"passwd\\":\\"…\\"`). A
 * string value runs to the quote of its own depth (as many backslashes as its opening one, not
 * one more) or to the end of the text; else the value is a bare number or word.
 */
const SECRET_HEAD = /\\*"([\w.-]+)\\*"\s*:\s*/g;
const VALUE = /(\\*)"[\s\S]*?(?:(?<!\\)\1"|$)|[^,}\]\s\\"]*/y;

function redactJsonText(text: string): string {
  let out = "";
  let last = 0;
  const heads = new RegExp(SECRET_HEAD);
  for (let m = heads.exec(text); m !== null; m = heads.exec(text)) {
    if (!isSecretName(m[1] ?? "")) continue;
    const start = m.index + m[0].length;
    const value = new RegExp(VALUE);
    value.lastIndex = start;
    const end = start + (value.exec(text)?.[0].length ?? 0);
    out += `${text.slice(last, start)}"${REDACTED}"`;
    last = end;
    heads.lastIndex = end;
  }
  return out + text.slice(last);
}
