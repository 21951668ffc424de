/**
 * The responder of a `Noise_IK_25519_ChaChaPoly_BLAKE2b` handshake (Noise Protocol Framework,
 * revision 34), on node:crypto alone: X25519 through `crypto.diffieHellman`, ChaCha20-Poly1305
 * with 16-byte tags and Noise's nonce (4 zero bytes, then the 64-bit counter little-endian),
 * BLAKE2b-512 and HMAC-BLAKE2b (OpenSSL's BLAKE2b-512 has the 128-byte block HMAC needs here).
 *
 * IK:  <- s   (the responder's static key, known to the initiator beforehand)
 *      ...
 *      -> e, es, s, ss
 *      <- e, ee, se
 *
 * DSM's use of it (encodings, payload, request hashes) lives in `noise.ts`; this file knows
 * nothing of DSM, so it can be checked against the published test vectors.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";

const PROTOCOL_NAME = Buffer.from("Noise_IK_25519_ChaChaPoly_BLAKE2b", "ascii");
const HASHLEN = 64;
const DHLEN = 32;
const TAGLEN = 16;
const MAX_MESSAGE = 65_535; // Noise's limit for any message
const EMPTY = Buffer.alloc(0);
/** The largest nonce a cipher may use: 2^64 - 1 is reserved by Noise. */
export const MAX_NONCE = 2n ** 64n - 2n;

// DER wrappers of a raw X25519 key (RFC 8410), since Node 20 imports no raw X25519 keys.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");

export interface X25519KeyPair {
  readonly privateKey: KeyObject;
  /** The raw 32-byte public key, as it travels in handshake messages. */
  readonly publicKey: Buffer;
}

export function generateX25519(): X25519KeyPair {
  return x25519Pair(generateKeyPairSync("x25519").privateKey);
}

/** The key pair of a raw 32-byte X25519 private key (stored keys, test vectors). */
export function x25519FromPrivate(raw: Buffer): X25519KeyPair {
  if (raw.length !== DHLEN) throw new Error("an X25519 private key has 32 bytes");
  return x25519Pair(
    createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: "der", type: "pkcs8" }),
  );
}

function x25519Pair(privateKey: KeyObject): X25519KeyPair {
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  return { privateKey, publicKey: spki.subarray(SPKI_PREFIX.length) };
}

// OpenSSL refuses an all-zero shared secret (a low-order public key): the handshake fails.
function dh(privateKey: KeyObject, publicRaw: Buffer): Buffer | undefined {
  try {
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, publicRaw]),
      format: "der",
      type: "spki",
    });
    return diffieHellman({ privateKey, publicKey });
  } catch {
    return undefined;
  }
}

function nonceBytes(n: bigint): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64LE(n, 4);
  return nonce;
}

/** ENCRYPT(k, n, ad, plaintext): the ciphertext followed by its 16-byte tag. */
export function aeadEncrypt(key: Buffer, n: bigint, ad: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv("chacha20-poly1305", key, nonceBytes(n), { authTagLength: TAGLEN });
  cipher.setAAD(ad, { plaintextLength: plaintext.length });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** DECRYPT(k, n, ad, ciphertext), or undefined when the tag does not authenticate it. */
export function aeadDecrypt(key: Buffer, n: bigint, ad: Buffer, ciphertext: Buffer): Buffer | undefined {
  if (ciphertext.length < TAGLEN) return undefined;
  const body = ciphertext.subarray(0, ciphertext.length - TAGLEN);
  try {
    const decipher = createDecipheriv("chacha20-poly1305", key, nonceBytes(n), { authTagLength: TAGLEN });
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAGLEN));
    decipher.setAAD(ad, { plaintextLength: body.length });
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}

function hash(...parts: Buffer[]): Buffer {
  const h = createHash("blake2b512");
  for (const part of parts) h.update(part);
  return h.digest();
}

function hmac(key: Buffer, ...parts: Buffer[]): Buffer {
  const h = createHmac("blake2b512", key);
  for (const part of parts) h.update(part);
  return h.digest();
}

// Noise's HKDF with two outputs (the only count IK without PSKs needs).
function hkdf(chainingKey: Buffer, inputKeyMaterial: Buffer): [Buffer, Buffer] {
  const temp = hmac(chainingKey, inputKeyMaterial);
  const first = hmac(temp, Buffer.from([1]));
  return [first, hmac(temp, first, Buffer.from([2]))];
}

class SymmetricState {
  h: Buffer = Buffer.concat([PROTOCOL_NAME, Buffer.alloc(HASHLEN - PROTOCOL_NAME.length)]);
  ck: Buffer = this.h;
  #k: Buffer | undefined;
  #n = 0n;

  mixHash(data: Buffer): void {
    this.h = hash(this.h, data);
  }

  mixKey(inputKeyMaterial: Buffer): void {
    const [ck, temp] = hkdf(this.ck, inputKeyMaterial);
    this.ck = ck;
    this.#k = temp.subarray(0, 32); // HASHLEN is 64: keys are truncated to 32 bytes
    this.#n = 0n;
  }

  encryptAndHash(plaintext: Buffer): Buffer {
    const ciphertext = this.#k === undefined ? plaintext : aeadEncrypt(this.#k, this.#n++, this.h, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  decryptAndHash(ciphertext: Buffer): Buffer | undefined {
    const plaintext = this.#k === undefined ? ciphertext : aeadDecrypt(this.#k, this.#n, this.h, ciphertext);
    if (plaintext === undefined) return undefined;
    this.#n++;
    this.mixHash(ciphertext);
    return plaintext;
  }

  split(): [Buffer, Buffer] {
    const [first, second] = hkdf(this.ck, EMPTY);
    return [first.subarray(0, 32), second.subarray(0, 32)];
  }
}

export interface IkResponderOptions {
  prologue?: Buffer;
  /** The responder's payload in its reply; empty by default. */
  payload?: Buffer;
  /** A fixed ephemeral key, for test vectors only; a fresh one otherwise. */
  ephemeral?: X25519KeyPair;
}

export interface IkResponse {
  ok: true;
  /** The second handshake message: `e` followed by the encrypted payload. */
  reply: Buffer;
  initiatorStatic: Buffer;
  initiatorPayload: Buffer;
  /** `h` at the end of the handshake (64 bytes). */
  handshakeHash: Buffer;
  /** The initiator-to-responder transport key (the first of Split's keys). */
  receiveKey: Buffer;
  /** The responder-to-initiator transport key (the second). */
  sendKey: Buffer;
}

export type IkFailureReason =
  /** Shorter than `e`, an encrypted `s` and a tag, or longer than Noise allows. */
  | "bad-length"
  /** A public key in the message gives a zero shared secret. */
  | "bad-key"
  /** A tag does not authenticate: another responder key, another prologue, or tampering. */
  | "undecryptable";

/** Reads the initiator's first message and writes the reply that completes the handshake. */
export function respondIk(
  staticKey: X25519KeyPair,
  message: Buffer,
  options: IkResponderOptions = {},
): IkResponse | { ok: false; reason: IkFailureReason } {
  if (message.length < DHLEN + DHLEN + TAGLEN + TAGLEN || message.length > MAX_MESSAGE) {
    return { ok: false, reason: "bad-length" };
  }
  const state = new SymmetricState();
  state.mixHash(options.prologue ?? EMPTY);
  state.mixHash(staticKey.publicKey);
  // -> e, es, s, ss
  const re = message.subarray(0, DHLEN);
  state.mixHash(re);
  const es = dh(staticKey.privateKey, re);
  if (es === undefined) return { ok: false, reason: "bad-key" };
  state.mixKey(es);
  const rs = state.decryptAndHash(message.subarray(DHLEN, DHLEN + DHLEN + TAGLEN));
  if (rs === undefined) return { ok: false, reason: "undecryptable" };
  const ss = dh(staticKey.privateKey, rs);
  if (ss === undefined) return { ok: false, reason: "bad-key" };
  state.mixKey(ss);
  const initiatorPayload = state.decryptAndHash(message.subarray(DHLEN + DHLEN + TAGLEN));
  if (initiatorPayload === undefined) return { ok: false, reason: "undecryptable" };
  // <- e, ee, se
  const ephemeral = options.ephemeral ?? generateX25519();
  state.mixHash(ephemeral.publicKey);
  const ee = dh(ephemeral.privateKey, re);
  const se = dh(ephemeral.privateKey, rs);
  // Both keys already gave non-zero secrets with the static key, so neither can fail here.
  if (ee === undefined || se === undefined) return { ok: false, reason: "bad-key" };
  state.mixKey(ee);
  state.mixKey(se);
  const body = state.encryptAndHash(options.payload ?? EMPTY);
  const [receiveKey, sendKey] = state.split();
  return {
    ok: true,
    reply: Buffer.concat([ephemeral.publicKey, body]),
    initiatorStatic: Buffer.from(rs),
    initiatorPayload,
    handshakeHash: state.h,
    receiveKey,
    sendKey,
  };
}
