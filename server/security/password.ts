/**
 * Password hashes for fixture accounts: scrypt with a random salt, never plain text at rest.
 * By design the cost is lowered (N=2^11) so that logins stay cheap in CI; this is a test
 * double's credential store, not a production one.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";

const N = 2048;
const KEYLEN = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return encode(salt, scryptSync(password, salt, KEYLEN, { N }));
}

/** `hashPassword` on libuv's thread pool: a fixture of many accounts never blocks other calls. */
export function hashPasswordAsync(password: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { N }, (err, key) => (err ? reject(err) : resolve(encode(salt, key)))),
  );
}

const encode = (salt: Buffer, key: Buffer) =>
  `scrypt$${N}$${salt.toString("base64")}$${key.toString("base64")}`;

/**
 * True when `password` matches `stored`. A stored value that is not a well-formed hash of ours
 * never matches (an empty key would otherwise compare equal to an empty derivation).
 */
export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, salt, key, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || n === undefined || salt === undefined || key === undefined) return false;
  if (rest.length > 0 || !/^\d{1,6}$/.test(n)) return false;
  const cost = Number(n);
  // scrypt needs a power of two above 1, and a cost beyond 2^14 would need more than Node's
  // default memory cap: either is a corrupt row, not a password to try.
  if (cost < 2 || cost > 2 ** 14 || (cost & (cost - 1)) !== 0) return false;
  const expected = Buffer.from(key, "base64");
  const saltBytes = Buffer.from(salt, "base64");
  if (expected.length !== KEYLEN || saltBytes.length === 0) return false;
  const actual = scryptSync(password, saltBytes, KEYLEN, { N: cost });
  return timingSafeEqual(expected, actual);
}
