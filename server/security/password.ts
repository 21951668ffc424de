/**
 * Password hashes for fixture accounts: scrypt with a random salt, never plain text at rest.
 * By design the cost is lowered (N=2^11) so that logins stay cheap in CI; this is a test
 * double's credential store, not a production one.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

const N = 2048;
const KEYLEN = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, KEYLEN, { N });
  return `scrypt$${N}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || n === undefined || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, "base64");
  const actual = scryptSync(password, Buffer.from(salt, "base64"), expected.length, { N: Number(n) });
  return timingSafeEqual(expected, actual);
}
