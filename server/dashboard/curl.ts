/**
 * "Copy as curl" for a journal entry: the request as a form-encoded POST (how the kit and most
 * clients send it). Secrets are left out: the journal has them redacted already, and each
 * becomes a shell variable the user fills in (`$SID`, `$SYNOTOKEN`, `$PASSWORD`), never a value.
 */
import type { JournalEntryView } from "./source";

const PLACEHOLDERS: Record<string, string> = {
  _sid: "SID",
  sid: "SID",
  passwd: "PASSWORD",
  password: "PASSWORD",
  otp_code: "OTP_CODE",
  did: "DEVICE_ID",
  device_id: "DEVICE_ID",
};

/** A value in single quotes, safe in any POSIX shell. */
const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export function curlOf(e: JournalEntryView, baseUrl: string): string {
  const parts = [`curl -s ${quote(`${baseUrl}/webapi/${e.cgi}`)}`];
  for (const [key, value] of Object.entries(e.params)) {
    if (key.toLowerCase() === "synotoken") {
      parts.push(`-H "X-SYNO-TOKEN: $SYNOTOKEN"`);
      continue;
    }
    const variable = PLACEHOLDERS[key.toLowerCase()];
    if (variable !== undefined) parts.push(`--data-urlencode "${key}=$${variable}"`);
    else if (value !== "***") parts.push(`--data-urlencode ${quote(`${key}=${value}`)}`);
  }
  return parts.join(" ");
}
