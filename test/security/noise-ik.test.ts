/**
 * The generic Noise_IK_25519_ChaChaPoly_BLAKE2b responder on node:crypto: its primitives
 * compared with libsodium's (through the `noise-protocol` library), and the whole handshake
 * with the published IK test vector.
 */
import { createHash, createHmac, createPublicKey, diffieHellman, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  aeadDecrypt,
  aeadEncrypt,
  MAX_NONCE,
  respondIk,
  x25519FromPrivate,
} from "../../server/security/noise-ik";
import { noise, sodiumCipher, sodiumDh } from "../clients/noise-library";

const b64url = (bytes: Buffer) => Buffer.from(bytes).toString("base64url");

describe("node:crypto gives the primitives Noise_25519_ChaChaPoly_BLAKE2b needs", () => {
  it("HMAC-BLAKE2b uses BLAKE2b's 128-byte block, as Noise's HMAC requires", () => {
    const key = randomBytes(64);
    const data = randomBytes(300);
    const manual = (block: number) => {
      const padded = Buffer.concat([key, Buffer.alloc(block - key.length)]);
      const inner = createHash("blake2b512")
        .update(padded.map((b) => b ^ 0x36))
        .update(data)
        .digest();
      return createHash("blake2b512")
        .update(padded.map((b) => b ^ 0x5c))
        .update(inner)
        .digest();
    };
    const node = createHmac("blake2b512", key).update(data).digest();
    expect(node.equals(manual(128))).toBe(true);
    expect(node.equals(manual(64))).toBe(false);
  });

  it("ChaCha20-Poly1305 with Noise's nonce (4 zero bytes, counter little-endian) matches libsodium", () => {
    const key = randomBytes(32);
    const ad = randomBytes(64);
    const plaintext = randomBytes(50);
    for (const n of [0n, 1n, 255n, 256n, 2n ** 32n + 7n, MAX_NONCE]) {
      const nonce = Buffer.alloc(8);
      nonce.writeBigUInt64LE(n);
      const expected = Buffer.alloc(plaintext.length + 16);
      sodiumCipher.encrypt(expected, key, nonce, ad, plaintext);
      const ours = aeadEncrypt(key, n, ad, plaintext);
      expect(ours.equals(expected)).toBe(true);
      expect(aeadDecrypt(key, n, ad, ours)?.equals(plaintext)).toBe(true);
      expect(aeadDecrypt(key, n + 1n, ad, ours)).toBeUndefined();
    }
  });

  it("X25519 through crypto.diffieHellman matches libsodium's scalar multiplication", () => {
    const theirs = noise.keygen();
    const ours = x25519FromPrivate(randomBytes(32));
    const expected = Buffer.alloc(32);
    sodiumDh.dh(expected, theirs.secretKey, ours.publicKey);
    const publicKey = createPublicKey({
      key: { kty: "OKP", crv: "X25519", x: b64url(theirs.publicKey) },
      format: "jwk",
    });
    expect(diffieHellman({ privateKey: ours.privateKey, publicKey }).equals(expected)).toBe(true);
    // A raw private key imports to the public key libsodium derives from it.
    expect(
      x25519FromPrivate(Buffer.from(theirs.secretKey)).publicKey.equals(Buffer.from(theirs.publicKey)),
    ).toBe(true);
  });
});

// The Noise_IK_25519_ChaChaPoly_BLAKE2b vector of cacophony's vectors/cacophony.txt
// (github.com/centromere/cacophony, as copied into plizonczyk/noiseprotocol's tests/vectors):
// the values needed to check the responder, its reply and the transport keys.
const VECTOR = {
  prologue: "4a6f686e2047616c74",
  initStatic: "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
  respStatic: "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
  respEphemeral: "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
  handshakeHash:
    "1c8fa891cb414fedba6daa7c6f4ae0a6d98e5f9768cc9cecd27e805614943ee9c8a1b27fbfb76dc197255c8aa69f6b4285c423840b8bedf45e652ca64f797d81",
  messages: [
    [
      "4c756477696720766f6e204d69736573",
      "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944ba83a447b38c83e327ad936929812f624884847b7831e95e197b2f797088efdd2f88f1db7e1fb0e99c64419097af91cee64e470f4b6fcd9298ce0b56fe20f86e13bf70439c538e3602a7127af71a29cc",
    ],
    [
      "4d757272617920526f746862617264",
      "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f1448088439f069b267a06b3de3ecb1043bcb098e9af91d9c64748d998c7b47890871571",
    ],
    ["462e20412e20486179656b", "cd54383060e7a28434cca27fb1cc524cfbabeb18181589df219d07"],
    ["4361726c204d656e676572", "a856d3bf0246bfc476c655009cd1ed677b8dcc5b349ae8ef2a05f2"],
    [
      "4a65616e2d426170746973746520536179",
      "49063084b2c51f098337cb8a13739ac848f907e67cfb2cc8a8b60586467aa02fc7",
    ],
    [
      "457567656e2042f6686d20766f6e2042617765726b",
      "8b9709d23b47e4639df7678d7a21741eba4ef1e9c60383001c7435549c20f9d56f30e935d3",
    ],
  ],
} as const;

describe("the IK responder against the cacophony test vector", () => {
  const hex = (text: string) => Buffer.from(text, "hex");
  const [m0, m1, m2, m3, m4, m5] = VECTOR.messages;

  it("reads message 1, writes message 2 byte for byte, and ends with the vector's handshake hash", () => {
    const response = respondIk(x25519FromPrivate(hex(VECTOR.respStatic)), hex(m0[1]), {
      prologue: hex(VECTOR.prologue),
      payload: hex(m1[0]),
      ephemeral: x25519FromPrivate(hex(VECTOR.respEphemeral)),
    });
    if (!response.ok) throw new Error(response.reason);
    expect(response.initiatorPayload.toString("hex")).toBe(m0[0]);
    expect(response.initiatorStatic.equals(x25519FromPrivate(hex(VECTOR.initStatic)).publicKey)).toBe(true);
    expect(response.reply.toString("hex")).toBe(m1[1]);
    expect(response.handshakeHash.toString("hex")).toBe(VECTOR.handshakeHash);
    // Transport: the initiator's messages under the receive key, the responder's under the send key.
    expect(aeadDecrypt(response.receiveKey, 0n, Buffer.alloc(0), hex(m2[1]))?.toString("hex")).toBe(m2[0]);
    expect(aeadEncrypt(response.sendKey, 0n, Buffer.alloc(0), hex(m3[0])).toString("hex")).toBe(m3[1]);
    expect(aeadDecrypt(response.receiveKey, 1n, Buffer.alloc(0), hex(m4[1]))?.toString("hex")).toBe(m4[0]);
    expect(aeadEncrypt(response.sendKey, 1n, Buffer.alloc(0), hex(m5[0])).toString("hex")).toBe(m5[1]);
  });

  it("refuses message 1 under another prologue or another responder key", () => {
    const options = { ephemeral: x25519FromPrivate(hex(VECTOR.respEphemeral)) };
    const key = x25519FromPrivate(hex(VECTOR.respStatic));
    expect(respondIk(key, hex(m0[1]), options)).toEqual({ ok: false, reason: "undecryptable" });
    const other = x25519FromPrivate(randomBytes(32));
    expect(respondIk(other, hex(m0[1]), { ...options, prologue: hex(VECTOR.prologue) })).toEqual({
      ok: false,
      reason: "undecryptable",
    });
  });
});
