/**
 * The responder side of DSM 7's web-login handshake, as N4S4's `synology-api` speaks it
 * (`synology_api/auth.py`, 2026 master, with the Python `noiseprotocol` library).
 *
 * Client quirks (what N4S4 does, read from its source):
 * - `POST webapi/entry.cgi/SYNO.API.Auth.UIConfig` with body `api=SYNO.API.Auth.UIConfig&
 *   method=get&version=1`; it needs HTTP 200 and a cookie `_SSID` (it ignores the JSON body).
 *   It decodes the cookie as base64url, adding the `=` padding itself, and uses the 32 bytes
 *   as the responder's static key of `Noise_IK_25519_ChaChaPoly_BLAKE2b`.
 * - It makes a new static key of its own for every login, sets no prologue (empty), and
 *   writes the first message with the payload `json.dumps({"time": int(time.time())})`, i.e.
 *   `{"time": 1793000000}` with a space: its own clock, not DSM's `server_time`.
 * - `ik_message` is that message in base64url without padding (116 bytes: 155 characters), sent
 *   in the login form outside the encrypted blob; it is made before `SYNO.API.Encryption
 *   getinfo` is called. The `_SSID` cookie is not sent back: N4S4 keeps no cookie jar (it uses
 *   a requests.Session only through QuickConnect).
 * - If the login answer's `data.ik_message` is a string, it base64url-decodes it, reads it as
 *   the second handshake message (the payload is ignored; a message that does not
 *   authenticate raises, and the login fails) and keeps `h`, the handshake hash. A missing or
 *   non-string `ik_message` leaves the session without request hashes.
 * - Every later request through its helpers (request_data, request_multi_datas,
 *   request_webapi_data) carries `X-SYNO-HASH: <first 8 characters of base64url(h)>
 *   <base64url(tag)>.<base64url(nonce in decimal ASCII)>`, where tag is the 16-byte
 *   ChaCha20-Poly1305 tag of encrypting nothing, with empty associated data, under the
 *   initiator's sending key (Split's first key) at the counter `nonce`, which starts at 0 and
 *   goes up by one per request. Nothing of the request (URL, body, time) is hashed or MAC'd:
 *   the header proves possession of the session's key and orders the requests, nothing more.
 *
 * By design:
 * - The reply's payload is empty (N4S4 ignores it; DSM's is unknown).
 * - Request hashes are checked against a 64-wide sliding window: any nonce not seen yet and
 *   not older than 64 below the highest is accepted once, so concurrent requests that arrive
 *   out of order pass while a replayed header does not.
 *
 * Gaps: DSM's own web UI (synowebapi.min.js, not public) is the source N4S4 reproduced; whether
 * DSM checks the client's `time`, what it puts in its reply payload, which `_SSID` cookie
 * attributes it sets, what it answers to a bad or missing X-SYNO-HASH (a third-party note says
 * an absent header is accepted) and whether it requires increasing nonces could not be read
 * anywhere. `clientTime` is returned so the wiring can choose a freshness rule.
 */
import { timingSafeEqual } from "node:crypto";
import {
  aeadEncrypt,
  generateX25519,
  type IkFailureReason,
  MAX_NONCE,
  respondIk,
  type X25519KeyPair,
  x25519FromPrivate,
} from "./noise-ik";

/** The cookie UIConfig sets, holding the responder's public key. */
export const SSID_COOKIE = "_SSID";
/** The request header that carries the per-request proof after the handshake. */
export const HASH_HEADER = "X-SYNO-HASH";

const WINDOW = 64n;
const PREFIX_LENGTH = 8;
// A tag is 16 bytes: 22 base64url characters. A nonce is at most 20 decimal digits: 27.
const HEADER = /^([A-Za-z0-9_-]{8})([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{1,27})$/;

export type NoiseResponderKey = X25519KeyPair;

/** A new static X25519 key for the responder. */
export function newResponderKey(): NoiseResponderKey {
  return generateX25519();
}

/** The responder key of a stored raw 32-byte private key. */
export function responderKeyFrom(privateBytes: Buffer): NoiseResponderKey {
  return x25519FromPrivate(privateBytes);
}

/** The `Set-Cookie` value of `SYNO.API.Auth.UIConfig get`: `_SSID=<base64url public key>`. */
export function publicKeyCookie(key: NoiseResponderKey): string {
  return `${SSID_COOKIE}=${key.publicKey.toString("base64url")}; path=/; HttpOnly`;
}

export type IkAnswerFailureReason = "not-base64url" | IkFailureReason;

export type IkAnswer =
  | {
      ok: true;
      /** The login answer's `ik_message`: the second handshake message in base64url. */
      reply: string;
      /** The `time` of the client's payload (Unix seconds), when it sent one. */
      clientTime: number | undefined;
      initiatorStatic: Buffer;
      session: NoiseSession;
    }
  | { ok: false; reason: IkAnswerFailureReason };

/** Answers a login's `ik_message` (the initiator's first message, base64url, padded or not). */
export function respondToIk(key: NoiseResponderKey, ikMessage: string): IkAnswer {
  const message = decodeBase64url(ikMessage);
  if (message === undefined) return { ok: false, reason: "not-base64url" };
  const response = respondIk(key, message);
  if (!response.ok) return response;
  return {
    ok: true,
    reply: response.reply.toString("base64url"),
    clientTime: clientTime(response.initiatorPayload),
    initiatorStatic: response.initiatorStatic,
    session: new NoiseSession({
      handshakeHash: response.handshakeHash.toString("base64url"),
      receiveKey: response.receiveKey.toString("base64url"),
      highestNonce: null,
      seen: "0",
    }),
  };
}

/** A finished handshake's state, plain data so it can be stored beside a DSM session. */
export interface NoiseSessionState {
  /** base64url of the 64-byte handshake hash. */
  handshakeHash: string;
  /** base64url of the 32-byte key the client signs requests with. */
  receiveKey: string;
  /** The highest nonce accepted so far, in decimal, or null before the first request. */
  highestNonce: string | null;
  /** Which of the 64 nonces at and below the highest were seen: a bit mask in decimal. */
  seen: string;
}

export type HashCheck =
  | { ok: true; nonce: bigint }
  | {
      ok: false;
      /** Not the header's format, or a nonce that is not canonical decimal or is out of range. */
      reason:
        | "malformed"
        /** The handshake hash prefix belongs to another session. */
        | "other-session"
        /** The tag does not authenticate this nonce under this session's key. */
        | "bad-tag"
        /** This nonce was already used, or is older than the window. */
        | "replayed";
    };

/** The request-hash side of a finished handshake: checks `X-SYNO-HASH` headers. */
export class NoiseSession {
  #state: NoiseSessionState;
  readonly #key: Buffer;

  constructor(state: NoiseSessionState) {
    this.#state = { ...state };
    this.#key = Buffer.from(state.receiveKey, "base64url");
    if (this.#key.length !== 32) throw new Error("a Noise session's receive key has 32 bytes");
  }

  /** The state to store; `new NoiseSession(state)` restores it. */
  state(): NoiseSessionState {
    return { ...this.#state };
  }

  /** The header a client sends with its request number `nonce` (counting from 0). */
  expectedHash(nonce: bigint): string {
    const prefix = this.#state.handshakeHash.slice(0, PREFIX_LENGTH);
    const counter = Buffer.from(nonce.toString(), "ascii").toString("base64url");
    return `${prefix}${this.#tag(nonce).toString("base64url")}.${counter}`;
  }

  /** Checks one request's header and, when it is good, records its nonce as used. */
  verifyHash(header: string): HashCheck {
    const match = HEADER.exec(header);
    if (match === null) return { ok: false, reason: "malformed" };
    const [, prefix, tagText = "", counterText = ""] = match;
    const tag = decodeBase64url(tagText);
    const counter = decodeBase64url(counterText)?.toString("latin1");
    // Python's str(n): decimal without leading zeros, and below Noise's reserved 2^64 - 1.
    if (tag === undefined || counter === undefined || !/^(0|[1-9]\d{0,19})$/.test(counter)) {
      return { ok: false, reason: "malformed" };
    }
    const nonce = BigInt(counter);
    if (nonce > MAX_NONCE) return { ok: false, reason: "malformed" };
    if (prefix !== this.#state.handshakeHash.slice(0, PREFIX_LENGTH)) {
      return { ok: false, reason: "other-session" };
    }
    if (!this.#fresh(nonce)) return { ok: false, reason: "replayed" };
    if (!timingSafeEqual(tag, this.#tag(nonce))) return { ok: false, reason: "bad-tag" };
    this.#record(nonce);
    return { ok: true, nonce };
  }

  // ENCRYPT(k, nonce, "", ""): nothing but the 16-byte Poly1305 tag.
  #tag(nonce: bigint): Buffer {
    return aeadEncrypt(this.#key, nonce, Buffer.alloc(0), Buffer.alloc(0));
  }

  #fresh(nonce: bigint): boolean {
    if (this.#state.highestNonce === null) return true;
    const highest = BigInt(this.#state.highestNonce);
    if (nonce > highest) return true;
    const age = highest - nonce;
    return age < WINDOW && ((BigInt(this.#state.seen) >> age) & 1n) === 0n;
  }

  #record(nonce: bigint): void {
    const seen = BigInt(this.#state.seen);
    if (this.#state.highestNonce === null || nonce > BigInt(this.#state.highestNonce)) {
      const shift = this.#state.highestNonce === null ? WINDOW : nonce - BigInt(this.#state.highestNonce);
      const moved = shift >= WINDOW ? 0n : (seen << shift) & ((1n << WINDOW) - 1n);
      this.#state = { ...this.#state, highestNonce: nonce.toString(), seen: (moved | 1n).toString() };
      return;
    }
    const age = BigInt(this.#state.highestNonce) - nonce;
    this.#state = { ...this.#state, seen: (seen | (1n << age)).toString() };
  }
}

function clientTime(payload: Buffer): number | undefined {
  try {
    const value: unknown = JSON.parse(payload.toString("utf8"));
    if (typeof value !== "object" || value === null) return undefined;
    const time = (value as Record<string, unknown>).time;
    return typeof time === "number" && Number.isSafeInteger(time) ? time : undefined;
  } catch {
    return undefined;
  }
}

// Canonical base64url, with or without `=` padding; anything else is refused, not half-read.
function decodeBase64url(text: string): Buffer | undefined {
  const unpadded = text.replace(/={1,2}$/, "");
  if (!/^[A-Za-z0-9_-]*$/.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  if (unpadded !== text && text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(unpadded, "base64url");
  return bytes.toString("base64url") === unpadded ? bytes : undefined;
}
