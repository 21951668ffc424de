/** RFC 6238 time-based one-time passwords (SHA-1, 6 digits, 30 s steps), as DSM's 2-step verification. */
import { createHmac } from "node:crypto";

const STEP_MS = 30_000;

export function base32Decode(secret: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const clean = secret.replace(/=+$/, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const index = alphabet.indexOf(ch);
    if (index < 0) throw new Error("not base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The code for the step that contains `atMs`. */
export function totp(secret: string, atMs: number): string {
  const counter = Math.floor(atMs / STEP_MS);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac("sha1", base32Decode(secret)).update(message).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, "0");
}

/** Accepts the current step and one step either side, for clock drift, as authenticators expect. */
export function verifyTotp(secret: string, code: string, atMs: number): boolean {
  return totpStep(secret, code, atMs) !== undefined;
}

/** The 30-second step whose code `code` is (current or one either side), or undefined. */
export function totpStep(secret: string, code: string, atMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  for (const drift of [-1, 0, 1]) {
    const at = atMs + drift * STEP_MS;
    if (totp(secret, at) === code) return Math.floor(at / STEP_MS);
  }
  return undefined;
}
