/**
 * Issue 20, item 1: a batch of 256 encrypted logins with junk RSA blocks held every client's
 * answer for seconds, and an auto-blocked address still paid the full RSA cost. Now a blocked
 * address (and a login from another site) is answered before any crypto, a batch carries at
 * most MAX_BATCH_LOGINS logins, and the RSA step runs on a bounded pool of worker threads that
 * refuses, rather than queues, beyond MAX_RSA_WAITING. (The hold itself is measured in
 * `tsx bench/worst-request.ts`, docs/bench.md; tests never assert speed.)
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loginKeyFrom } from "../../server/security/login-encryption";
import { checkPassword, HashingBusy, hashPassword, MAX_CHECKS_WAITING } from "../../server/security/password";
import { MAX_RSA_WAITING, rsaDecryptRaw } from "../../server/security/rsa-pool";
import { MAX_BATCH_LOGINS } from "../../server/wire/limits";
import type { Keys } from "../../server/wire/operation";
import { expectDsmError, expectSuccess, useEmulator } from "../harness";
import { encryptedLogin } from "../support/attacks";
import { batchParams } from "../support/client";
import { testKeys } from "../support/dsm7";

/** The test keys, counting how often a login reached for the RSA key. */
function countingKeys(): { keys: Keys; used: () => number } {
  const base = testKeys();
  let used = 0;
  return {
    keys: {
      noise: base.noise,
      get login() {
        used++;
        return base.login;
      },
    },
    used: () => used,
  };
}

/** The same login as one form post (its version a string, as a form sends it). */
const encryptedLoginForm = () => ({ ...encryptedLogin(), version: "7" });

describe("a flood of encrypted logins", () => {
  const counted = countingKeys();
  const t = useEmulator({ keys: counted.keys, autoBlockAttempts: 3 }, { login: false, each: true });

  it("an auto-blocked address is answered 407 without any RSA work", async () => {
    for (let i = 0; i < 3; i++) await t.emu.post("entry.cgi", encryptedLoginForm());
    const before = counted.used();
    for (let i = 0; i < 5; i++) expectDsmError(await t.emu.post("entry.cgi", encryptedLoginForm()), 407);
    expect(counted.used()).toBe(before);
  });

  it(`a batch of 256 encrypted logins opens ${MAX_BATCH_LOGINS} blobs and refuses the rest with 113`, async () => {
    await t.start({ keys: counted.keys, autoBlockAttempts: "off" });
    const before = counted.used();
    const data = expectSuccess(
      await t.emu.post("entry.cgi", batchParams(Array.from({ length: 256 }, encryptedLogin))),
    );
    const codes = (data.result as { error?: { code: number } }[]).map((r) => r.error?.code);
    expect(codes.slice(0, MAX_BATCH_LOGINS)).toEqual(Array(MAX_BATCH_LOGINS).fill(400));
    expect(codes.slice(MAX_BATCH_LOGINS).every((c) => c === 113)).toBe(true);
    expect(counted.used() - before).toBe(MAX_BATCH_LOGINS);
  });

  it(`the RSA pool refuses work beyond ${MAX_RSA_WAITING} waiting instead of queueing it`, async () => {
    const key = await testKeys().login.ready;
    const block = randomBytes(key.modulusBytes);
    block[0] = 0; // below the modulus
    const results = await Promise.all(
      Array.from({ length: MAX_RSA_WAITING * 2 }, () => rsaDecryptRaw(key.privateKey, block)),
    );
    const busy = results.filter((r) => r === "busy").length;
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThanOrEqual(MAX_RSA_WAITING);
    // What ran is the same raw decryption the event loop would have made.
    const done = results.find((r): r is Buffer => r instanceof Buffer);
    expect(done?.length).toBe(key.modulusBytes);
    expect(loginKeyFrom(key.privateKey).modulusBytes).toBe(512);
  });

  it(`password checks beyond ${MAX_CHECKS_WAITING} waiting are refused at once, not queued`, async () => {
    const stored = hashPassword("right");
    const results = await Promise.allSettled(
      Array.from({ length: MAX_CHECKS_WAITING * 3 }, (_, i) => checkPassword(`wrong-${i}`, stored)),
    );
    const busy = results.filter((r) => r.status === "rejected" && r.reason instanceof HashingBusy).length;
    expect(busy).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === "fulfilled").every((r) => r.value === false)).toBe(true);
  });
});
