/**
 * N4S4's `synology-api` client side of DSM 7's web login, written in the tests independently of
 * the emulator's modules: the Noise IK initiator (npm `noise-protocol`, libsodium, as Python's
 * `noiseprotocol` is used) and the encrypted login (RSA PKCS#1 v1.5 with Node's publicEncrypt,
 * OpenSSL's `Salted__` AES-256-CBC made by the `openssl enc` binary when installed, else by a
 * test-local EVP_BytesToKey). The unit tests of the modules and the client-flow replays use it.
 */
import { spawnSync } from "node:child_process";
import {
  constants,
  createCipheriv,
  createHash,
  createPublicKey,
  type KeyObject,
  publicEncrypt,
  randomInt,
} from "node:crypto";
import { noise, sodiumCipherState } from "./noise-library";

export const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ~!@#$%^&*()_+-/";
export const HAS_OPENSSL = spawnSync("openssl", ["version"]).status === 0;

/** Python's `urllib.parse.urlencode` (quote_plus): only `A-Za-z0-9_.-~` stay as they are. */
export function pythonUrlencode(pairs: Array<[string, string]>): string {
  const quote = (text: string) =>
    Array.from(Buffer.from(text, "utf8"))
      .map((byte) => {
        const ch = String.fromCharCode(byte);
        if (/[A-Za-z0-9_.~-]/.test(ch)) return ch;
        return byte === 0x20 ? "+" : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      })
      .join("");
  return pairs.map(([k, v]) => `${quote(k)}=${quote(v)}`).join("&");
}

export function randomPassphrase(length = 501): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
}

// OpenSSL's EVP_BytesToKey with MD5 and one iteration, written for the test alone.
export function testKeyAndIv(passphrase: Buffer, salt: Buffer): Buffer {
  let out = Buffer.alloc(0);
  let last = Buffer.alloc(0);
  while (out.length < 48) {
    last = createHash("md5")
      .update(Buffer.concat([last, passphrase, salt]))
      .digest();
    out = Buffer.concat([out, last]);
  }
  return out;
}

export function saltedWithNode(passphrase: string, plaintext: string, salt: Buffer): Buffer {
  const derived = testKeyAndIv(Buffer.from(passphrase), salt);
  const cipher = createCipheriv("aes-256-cbc", derived.subarray(0, 32), derived.subarray(32, 48));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from("Salted__"), salt, body]);
}

export function saltedWithOpenssl(passphrase: string, plaintext: string, salt?: Buffer): Buffer {
  const args = ["enc", "-aes-256-cbc", "-md", "md5", "-pass", "env:VMM_TEST_PASS"];
  const run = spawnSync("openssl", salt ? [...args, "-S", salt.toString("hex")] : [...args, "-salt"], {
    input: plaintext,
    env: { ...process.env, VMM_TEST_PASS: passphrase },
  });
  if (run.status !== 0) throw new Error(`openssl failed: ${run.stderr.toString()}`);
  // With -S, OpenSSL 3 writes no header: add it as the client's library does.
  return salt ? Buffer.concat([Buffer.from("Salted__"), salt, run.stdout]) : run.stdout;
}

export function salted(passphrase: string, plaintext: string): Buffer {
  return HAS_OPENSSL
    ? saltedWithOpenssl(passphrase, plaintext)
    : saltedWithNode(passphrase, plaintext, Buffer.from("0123456789abcdef", "hex"));
}

/** The client's RSA key, rebuilt from getinfo's `format=module` answer (hex modulus, e=0x10001). */
export function clientKeyFromHex(modulusHex: string): KeyObject {
  const n = Buffer.from(modulusHex, "hex").toString("base64url");
  return createPublicKey({ key: { kty: "RSA", n, e: "AQAB" }, format: "jwk" });
}

export function envelope(publicKey: KeyObject, passphrase: string, plaintext: string): string {
  const rsa = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(passphrase),
  );
  const aes = salted(passphrase, plaintext);
  // json.dumps' separators, as N4S4 sends it.
  return `{"rsa": "${rsa.toString("base64")}", "aes": "${aes.toString("base64")}"}`;
}

/** A raw RSA block with chosen contents, to build paddings a correct client never sends. */
export function rawBlock(publicKey: KeyObject, em: Buffer): string {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, em).toString("base64");
}

export const b64url = (bytes: Buffer) => Buffer.from(bytes).toString("base64url");
/** N4S4's decode_ssid_cookie: base64url to standard base64, padded, decoded. */
export const pythonDecode = (text: string) => {
  const fixed = text.replace(/-/g, "+").replace(/_/g, "/");
  return Buffer.from(fixed + "=".repeat((4 - (fixed.length % 4)) % 4), "base64");
};

/** N4S4's side of the login: the first message from the cookie, then the reply and the hashes. */
export function n4s4Client(cookieValue: string, payload = Buffer.from('{"time": 1793000000}')) {
  const state = noise.initialize(
    "IK",
    true,
    Buffer.alloc(0),
    noise.keygen(),
    null,
    pythonDecode(cookieValue),
  );
  const out = Buffer.alloc(1024);
  noise.writeMessage(state, payload, out);
  const ikMessage = b64url(out.subarray(0, noise.writeMessage.bytes));
  return {
    ikMessage,
    finish(reply: string) {
      // noise-protocol hands out Split's keys by who wrote the last message, not by role
      // (handshake-state.js: the reader gets split(rx, tx)), so after IK's two messages its
      // initiator finds Split's first key, c1, in `rx`. c1 is the initiator's sending key in the
      // Noise specification (5.2) and in Python's noiseprotocol, whose `cipher_state_encrypt`
      // N4S4 signs with; the cacophony vector (noise-ik.test.ts) pins our c1 as that key.
      const { rx: c1, tx: c2 } = noise.readMessage(state, pythonDecode(reply), Buffer.alloc(1024));
      const handshakeHash = Buffer.from(state.symmetricState.subarray(64, 128));
      noise.destroy(state);
      return {
        handshakeHash,
        splitKeys: [Buffer.from(c1.subarray(0, 32)), Buffer.from(c2.subarray(0, 32))],
        /** `_get_request_hash`: hash prefix, tag of ENCRYPT(k, n, "", ""), ".", the nonce. */
        nextHash() {
          const nonce = c1.readBigUInt64LE(32);
          const tag = Buffer.alloc(16);
          sodiumCipherState.encryptWithAd(c1, tag, Buffer.alloc(0), Buffer.alloc(0));
          return `${b64url(handshakeHash).slice(0, 8)}${b64url(tag)}.${b64url(Buffer.from(String(nonce)))}`;
        },
      };
    },
  };
}

export function cookieValue(setCookie: string): string {
  const match = /^_SSID=([^;]*)/.exec(setCookie);
  if (match?.[1] === undefined) throw new Error(`no _SSID in ${setCookie}`);
  return match[1];
}
