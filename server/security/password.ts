/**
 * Password hashes for fixture accounts: scrypt with a random salt, never plain text at rest.
 * By design the cost is lowered (N=2^11) so that logins stay cheap in CI; this is a test
 * double's credential store, not a production one.
 *
 * A login checks its password with `checkPassword`, which never blocks the event loop: the hash
 * runs on libuv's thread pool, and a password already found right for the same stored hash is
 * remembered, so a client logging in again and again (every test of a suite) pays an HMAC, not
 * scrypt. Only successes are remembered: a wrong password, or an unknown account checked against
 * a dummy hash, always pays the full hash. A verification is a pure function of the password
 * and the stored hash, and the memory is keyed by both (an HMAC under a key made per process,
 * so it holds no password), so it can never answer for a changed password (a new hash, a new
 * salt): a fixture load or password change makes the old entries unreachable, and the oldest
 * go first beyond `REMEMBERED`. Being pure, it is shared by every emulator of the process.
 *
 * Hashes off the loop run one fewer at a time than the machine has processors (at least one),
 * the rest waiting their turn: a crowd of wrong passwords then cannot take every core from the
 * event loop, so other calls are still answered while it is refused. A login's check waits
 * behind at most `MAX_CHECKS_WAITING` others; beyond, `checkPassword` throws `HashingBusy` at
 * once (the login is refused unread) instead of queueing without bound.
 */

import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";

const N = 2048;
const KEYLEN = 32;
/** Successful verifications remembered (HMAC digests, 64 bytes each). */
const REMEMBERED = 4096;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return encode(salt, scryptSync(password, salt, KEYLEN, { N }));
}

const encode = (salt: Buffer, key: Buffer) =>
  `scrypt$${N}$${salt.toString("base64")}$${key.toString("base64")}`;

/**
 * `hashPassword` for a fixture's accounts, one per process (`fixtureHashes`). A fixture is seeded
 * again on every fixture load and by every in-memory emulator, so an account's password gets the
 * hash (and salt) made for it the first time in this process: a ten-account fixture then loads
 * without ten scrypt runs. Two accounts never share a salt; two emulators of one process loading
 * the same account and password do (they share the process's memory anyway, and a seeded image
 * kept for later emulators holds the hash already: server/store/seeded-images.ts). Keyed by an
 * HMAC of the account and the password, never the password.
 */
export class FixtureHashes {
  readonly #key = randomBytes(32);
  readonly #hashes = new Map<string, string>();
  hash(account: string, password: string): string {
    const digest = this.#digest(account, password);
    return this.#hashes.get(digest) ?? this.#remember(digest, hashPassword(password));
  }
  /**
   * Hashes, on the thread pool, the passwords `hash` would otherwise hash on the event loop: a
   * fixture load awaits this first, so a fixture of many new accounts never blocks other calls.
   */
  async prepare(
    accounts: readonly { name: string; password: string }[],
    hash: (password: string) => Promise<string> = hashPasswordOffThread,
  ): Promise<void> {
    const missing = new Map<string, string>();
    for (const a of accounts) {
      const digest = this.#digest(a.name, a.password);
      if (!this.#hashes.has(digest)) missing.set(digest, a.password);
    }
    const hashed = await Promise.all(
      [...missing].map(async ([digest, password]) => [digest, await hash(password)] as const),
    );
    for (const [digest, hash] of hashed) this.#remember(digest, hash);
  }
  #digest(account: string, password: string): string {
    return createHmac("sha256", this.#key)
      .update(`${account.length}:${account}`)
      .update(password)
      .digest("base64");
  }
  #remember(digest: string, hash: string): string {
    if (this.#hashes.size >= REMEMBERED) this.#hashes.clear();
    this.#hashes.set(digest, hash);
    return hash;
  }
}

/** The process's fixture hashes (see FixtureHashes). */
export const fixtureHashes = new FixtureHashes();

const HASHING_AT_ONCE = Math.max(1, availableParallelism() - 1);
/** Login checks waiting for a turn beyond which a new one is refused. */
export const MAX_CHECKS_WAITING = 64;

/** Too many password checks are already waiting: the login is refused without one. */
export class HashingBusy extends Error {
  override name = "HashingBusy";
}
let hashing = 0;
const waiting: (() => void)[] = [];

/** scrypt on libuv's thread pool, at once. */
function scryptAsync(password: string, salt: Buffer, cost: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEYLEN, { N: cost }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * scrypt on the thread pool, at most HASHING_AT_ONCE at a time (see above); `bounded`: refused
 * (HashingBusy) when MAX_CHECKS_WAITING already wait.
 */
async function scryptOffThread(
  password: string,
  salt: Buffer,
  cost: number,
  bounded = false,
): Promise<Buffer> {
  if (hashing >= HASHING_AT_ONCE) {
    if (bounded && waiting.length >= MAX_CHECKS_WAITING) throw new HashingBusy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  hashing++;
  try {
    return await scryptAsync(password, salt, cost);
  } finally {
    hashing--;
    waiting.shift()?.();
  }
}

/** `hashPassword` on the thread pool. */
export async function hashPasswordOffThread(password: string): Promise<string> {
  const salt = randomBytes(16);
  return encode(salt, await scryptOffThread(password, salt, N));
}

/**
 * `hashPassword` on the thread pool without waiting for a turn: for a start-up, when no call is
 * being answered yet and every processor may hash (a fixture's accounts in parallel).
 */
export async function hashPasswordAtStart(password: string): Promise<string> {
  const salt = randomBytes(16);
  return encode(salt, await scryptAsync(password, salt, N));
}

interface StoredHash {
  readonly cost: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

/**
 * The parts of a stored hash. A stored value that is not a well-formed hash of ours never
 * matches (an empty key would otherwise compare equal to an empty derivation).
 */
function parse(stored: string): StoredHash | undefined {
  const [scheme, n, salt, key, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || n === undefined || salt === undefined || key === undefined) return undefined;
  if (rest.length > 0 || !/^\d{1,6}$/.test(n)) return undefined;
  const cost = Number(n);
  // scrypt needs a power of two above 1, and a cost beyond 2^14 would need more than Node's
  // default memory cap: either is a corrupt row, not a password to try.
  if (cost < 2 || cost > 2 ** 14 || (cost & (cost - 1)) !== 0) return undefined;
  const expected = Buffer.from(key, "base64");
  const saltBytes = Buffer.from(salt, "base64");
  if (expected.length !== KEYLEN || saltBytes.length === 0) return undefined;
  return { cost, salt: saltBytes, key: expected };
}

/** True when `password` matches `stored`, hashed on this thread (it blocks for the hash). */
export function verifyPassword(password: string, stored: string): boolean {
  const parsed = parse(stored);
  if (parsed === undefined) return false;
  return timingSafeEqual(parsed.key, scryptSync(password, parsed.salt, KEYLEN, { N: parsed.cost }));
}

/** True when `password` matches `stored`, hashed on the thread pool (`bounded`: see HashingBusy). */
export async function verifyPasswordOffThread(
  password: string,
  stored: string,
  bounded = false,
): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === undefined) return false;
  return timingSafeEqual(parsed.key, await scryptOffThread(password, parsed.salt, parsed.cost, bounded));
}

const memoryKey = randomBytes(32);
const remembered = new Set<string>();

function digestOf(password: string, stored: string): string {
  // Lengths first, so no two (password, hash) pairs write the same bytes.
  return createHmac("sha256", memoryKey)
    .update(`${password.length}:${stored.length}:`)
    .update(password)
    .update(stored)
    .digest("base64");
}

/**
 * Whether `password` matches `stored`: remembered, else hashed off the event loop (see above).
 * Throws HashingBusy when too many checks already wait.
 */
export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const digest = digestOf(password, stored);
  if (remembered.has(digest)) return true;
  const ok = await verifyPasswordOffThread(password, stored, true);
  if (ok) {
    if (remembered.size >= REMEMBERED) {
      const oldest = remembered.values().next();
      if (oldest.done !== true) remembered.delete(oldest.value);
    }
    remembered.add(digest);
  }
  return ok;
}
