/**
 * The web login's Noise IK responder, checked against an independent implementation: the npm
 * library `noise-protocol` (libsodium) plays N4S4's initiator, the way `synology-api` uses
 * Python's `noiseprotocol` (empty prologue, `{"time": …}` payload, base64url messages, the
 * X-SYNO-HASH header from the sending cipher). The generic handshake is checked against the
 * published test vector in noise-ik.test.ts.
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HASH_HEADER,
  NoiseSession,
  newResponderKey,
  publicKeyCookie,
  respondToIk,
  SSID_COOKIE,
} from "../../server/security/noise";
import { MAX_NONCE } from "../../server/security/noise-ik";
import { b64url, cookieValue, n4s4Client, pythonDecode } from "../clients/n4s4";

function handshake() {
  const key = newResponderKey();
  const client = n4s4Client(cookieValue(publicKeyCookie(key)));
  const answer = respondToIk(key, client.ikMessage);
  if (!answer.ok) throw new Error(`handshake failed: ${answer.reason}`);
  return { key, answer, client: client.finish(answer.reply) };
}

describe("UIConfig's _SSID cookie", () => {
  it("is _SSID=<base64url of the 32-byte public key>, which N4S4 decodes to the key", () => {
    const key = newResponderKey();
    const cookie = publicKeyCookie(key);
    expect(SSID_COOKIE).toBe("_SSID");
    expect(cookie).toMatch(/^_SSID=[A-Za-z0-9_-]{43}; path=\/; HttpOnly$/);
    expect(pythonDecode(cookieValue(cookie)).equals(key.publicKey)).toBe(true);
    expect(key.publicKey).toHaveLength(32);
  });
});

describe("the login's ik_message as N4S4 sends it (noise-protocol as the initiator)", () => {
  it("is answered with a reply the client accepts, and both sides agree on the handshake hash", () => {
    const key = newResponderKey();
    const messages = Array.from(
      { length: 100 },
      () => n4s4Client(cookieValue(publicKeyCookie(key))).ikMessage,
    );
    const started = performance.now();
    for (const message of messages) expect(respondToIk(key, message).ok).toBe(true);
    const perHandshake = (performance.now() - started) / messages.length;
    console.info(
      `Noise IK responder: ${perHandshake.toFixed(2)} ms per handshake (mean of ${messages.length})`,
    );
    expect(messages[0]).toHaveLength(155); // e, encrypted s, {"time": 1793000000} and its tag: 116 bytes
    const { answer, client } = handshake();
    expect(answer.reply).toMatch(/^[A-Za-z0-9_-]{64}$/); // 32-byte e and an empty payload's tag
    expect(answer.clientTime).toBe(1_793_000_000);
    expect(answer.session.state().handshakeHash).toBe(b64url(client.handshakeHash));
  });

  it("signs with Split's first key, the one the session checks (noise-protocol keeps it in rx)", () => {
    const { answer, client } = handshake();
    const [first, second] = client.splitKeys;
    expect(b64url(first ?? Buffer.alloc(0))).toBe(answer.session.state().receiveKey);
    expect(second?.equals(first ?? Buffer.alloc(0))).toBe(false);
  });

  it("accepts the client's X-SYNO-HASH on each request, nonce 0, 1, 2, …", () => {
    const { answer, client } = handshake();
    expect(HASH_HEADER).toBe("X-SYNO-HASH");
    for (let nonce = 0n; nonce < 5n; nonce++) {
      const header = client.nextHash();
      expect(header).toBe(answer.session.expectedHash(nonce));
      expect(answer.session.verifyHash(header)).toEqual({ ok: true, nonce });
    }
  });

  it("refuses a replayed header, accepts out-of-order ones within the window, not older ones", () => {
    const { answer, client } = handshake();
    const headers = Array.from({ length: 120 }, () => client.nextHash());
    const verify = (n: number) => answer.session.verifyHash(headers[n] ?? "");
    expect(verify(0)).toMatchObject({ ok: true });
    expect(verify(0)).toEqual({ ok: false, reason: "replayed" });
    expect(verify(5)).toMatchObject({ ok: true });
    expect(verify(3)).toMatchObject({ ok: true });
    expect(verify(3)).toEqual({ ok: false, reason: "replayed" });
    expect(verify(100)).toMatchObject({ ok: true });
    expect(verify(36)).toEqual({ ok: false, reason: "replayed" }); // 64 below the highest
    expect(verify(37)).toMatchObject({ ok: true });
    expect(verify(5)).toEqual({ ok: false, reason: "replayed" });
    // Stored and restored (e.g. in SQLite beside the DSM session), it remembers what it saw.
    const restored = new NoiseSession(JSON.parse(JSON.stringify(answer.session.state())));
    expect(restored.verifyHash(headers[37] ?? "")).toEqual({ ok: false, reason: "replayed" });
    expect(restored.verifyHash(headers[101] ?? "")).toMatchObject({ ok: true });
  });

  it("refuses another session's header, a forged tag and malformed headers", () => {
    const one = handshake();
    const two = handshake();
    const header = one.client.nextHash();
    expect(two.answer.session.verifyHash(header)).toEqual({ ok: false, reason: "other-session" });
    const [prefixAndTag = "", nonce = ""] = header.split(".");
    const forged = `${prefixAndTag.slice(0, 8)}${b64url(randomBytes(16))}.${nonce}`;
    expect(one.answer.session.verifyHash(forged)).toEqual({ ok: false, reason: "bad-tag" });
    const tag = prefixAndTag.slice(8);
    const prefix = prefixAndTag.slice(0, 8);
    const withNonce = (text: string) => `${prefix}${tag}.${b64url(Buffer.from(text))}`;
    for (const bad of [
      "",
      prefixAndTag,
      `${prefixAndTag}.`,
      `${header}.x`,
      withNonce("01"),
      withNonce("-1"),
      withNonce("1e3"),
      withNonce((MAX_NONCE + 1n).toString()),
      `${prefix}${tag.slice(1)}.${nonce}`,
      `${prefix}${tag}=.${nonce}`,
    ]) {
      expect(one.answer.session.verifyHash(bad)).toEqual({ ok: false, reason: "malformed" });
    }
    expect(one.answer.session.verifyHash(header)).toMatchObject({ ok: true });
  });

  it("a reply the client cannot authenticate makes its login fail (the reply must be right)", () => {
    const key = newResponderKey();
    const client = n4s4Client(cookieValue(publicKeyCookie(key)));
    const answer = respondToIk(key, client.ikMessage);
    if (!answer.ok) throw new Error(answer.reason);
    const reply = Buffer.from(answer.reply, "base64url");
    reply[40] = (reply[40] ?? 0) ^ 1;
    expect(() => client.finish(b64url(reply))).toThrow();
  });

  it("takes padded base64url too, and reports no clientTime for a payload without one", () => {
    const key = newResponderKey();
    const client = n4s4Client(cookieValue(publicKeyCookie(key)), Buffer.from("hello"));
    const padded = client.ikMessage + "=".repeat((4 - (client.ikMessage.length % 4)) % 4);
    const answer = respondToIk(key, padded);
    expect(answer).toMatchObject({ ok: true, clientTime: undefined });
  });
});

describe("a bad ik_message gives a typed failure, never a throw", () => {
  const key = newResponderKey();
  const message = () => Buffer.from(n4s4Client(cookieValue(publicKeyCookie(key))).ikMessage, "base64url");

  it("refuses what is not canonical base64url", () => {
    const text = b64url(message());
    for (const bad of [`${text}+`, `${text.slice(0, 10)}/${text.slice(11)}`, ` ${text}`, `${text}===`, "A"]) {
      expect(respondToIk(key, bad)).toEqual({ ok: false, reason: "not-base64url" });
    }
  });

  it("refuses a message for another responder key (a stale _SSID cookie)", () => {
    const stale = n4s4Client(cookieValue(publicKeyCookie(newResponderKey()))).ikMessage;
    expect(respondToIk(key, stale)).toEqual({ ok: false, reason: "undecryptable" });
  });

  it("refuses truncated, oversized, tampered and low-order messages", () => {
    const good = message();
    expect(respondToIk(key, b64url(good.subarray(0, 95)))).toEqual({ ok: false, reason: "bad-length" });
    expect(respondToIk(key, b64url(Buffer.alloc(65_536, 1)))).toEqual({ ok: false, reason: "bad-length" });
    for (const index of [40, 79, good.length - 1]) {
      const tampered = Buffer.from(good);
      tampered[index] = (tampered[index] ?? 0) ^ 0x80;
      expect(respondToIk(key, b64url(tampered))).toEqual({ ok: false, reason: "undecryptable" });
    }
    const zeroEphemeral = Buffer.concat([Buffer.alloc(32), good.subarray(32)]);
    expect(respondToIk(key, b64url(zeroEphemeral))).toEqual({ ok: false, reason: "bad-key" });
  });

  it("never throws on random input", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.uint8Array({ maxLength: 400 }).map((b) => b64url(Buffer.from(b))),
        ),
        (text) => {
          expect(respondToIk(key, text).ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
