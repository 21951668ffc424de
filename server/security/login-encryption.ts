/**
 * DSM's encrypted login over plain HTTP (`SYNO.API.Encryption`): the client fetches an RSA
 * public key, encrypts its login parameters with AES under a random passphrase, encrypts the
 * passphrase with RSA, and sends both in one parameter instead of the plain ones.
 *
 * Client quirks (read from N4S4's `synology-api`, `synology_api/auth.py`, 2026 master):
 * - It encrypts only when `secure=False` (its default), and only in `login`.
 * - getinfo: `GET webapi/encryption.cgi?api=SYNO.API.Encryption&method=getinfo&version=1&format=module`
 *   (no `_sid`, no token header). It reads `public_key` with `int(public_key, 16)`, so with
 *   `format=module` the key is the modulus in hex; the exponent is fixed at 0x10001 on its side.
 *   Clients that leave `format` out (other Python clients' fixtures, a DSM 7.4 write-up) read
 *   `public_key` as the base64 of the DER public key instead: `encryptionInfo` answers both.
 * - The passphrase is 501 characters drawn uniformly (`secrets.choice`) from
 *   `0-9 a-z A-Z ~!@#$%^&*()_+-/`, encrypted with RSA PKCS#1 v1.5. 501 + 11 bytes of padding
 *   need a modulus of at least 512 bytes: hence DSM's 4096-bit key.
 * - Inside the AES part: `urlencode({account, enable_device_token: "no", logintype: "local",
 *   otp_code: "", rememberme: 0, passwd, session: "webui", format: "cookie",
 *   <ciphertoken>: <server_time>})` in that order (Python's `urlencode`: `+` for spaces). The
 *   padding is PKCS#7 computed on characters, which equals bytes because the text is ASCII.
 * - Outside, in the same form: `api, version, method, enable_syno_token=yes, client=browser,
 *   ik_message` and `<cipherkey>=json.dumps({"rsa": ..., "aes": ...})` (with Python's spaces
 *   after `:` and `,`); `otp_code=<code>` and `device_id`/`device_name` are added outside when
 *   set, so with 2-step verification `otp_code` is empty inside and filled outside.
 * - `server_time` is echoed unchanged as `<ciphertoken>`; the client's own clock is not used.
 *
 * DSM's side: its `synocgi.h` (published with Synology's GPL sources) names the parameters
 * `__cIpHeRtExT` and `__cIpHeRtOkEn` and defines `CIPHERTOKEN_VALID_DURATION 360` (seconds).
 *
 * By design: one 4096-bit key per process, made off the event loop at start-up (about a second;
 * 0.3 to 2.3 s measured), since every emulator in a test run would otherwise pay for its own.
 * A login's RSA block (about 5 ms of CPU) is opened on a worker thread, never on the event loop.
 *
 * Gaps: what DSM answers to an undecryptable or stale blob, whether it merges inner parameters
 * over outer ones, and whether its hex modulus is upper- or lower-case (clients read either)
 * are not known; the wiring decides the first two.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  constants,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  privateDecrypt,
  randomBytes,
} from "node:crypto";
import type { Socket } from "node:net";
import { promisify } from "node:util";
import { rsaDecryptRaw } from "./rsa-pool";

/** DSM's name of the parameter that carries the encrypted blob (`SZK_CIPHERTEXT`). */
export const CIPHER_KEY = "__cIpHeRtExT";
/** DSM's name of the parameter, inside the blob, that echoes `server_time` (`SZK_CIPHERTOKEN`). */
export const CIPHER_TOKEN = "__cIpHeRtOkEn";
/** How long DSM accepts a `server_time` echo (`CIPHERTOKEN_VALID_DURATION`). */
export const CIPHER_TOKEN_VALID_SECONDS = 360;
export const LOGIN_KEY_BITS = 4096;

// Far above a login's few hundred bytes, far below the dispatcher's body limit.
const MAX_CIPHER_VALUE = 256 * 1024;
const SALT_MAGIC = Buffer.from("Salted__", "latin1");

export interface LoginKey {
  readonly privateKey: KeyObject;
  /** The modulus in upper-case hex, what getinfo answers with `format=module`. */
  readonly modulusHex: string;
  /** The DER SubjectPublicKeyInfo in base64, what getinfo answers without `format`. */
  readonly spkiBase64: string;
  readonly modulusBytes: number;
}

/** A fresh RSA key with exponent 0x10001; `crypto.generateKeyPair` runs it off the event loop. */
export async function generateLoginKey(bits: number = LOGIN_KEY_BITS): Promise<LoginKey> {
  const { privateKey } = await promisify(generateKeyPair)("rsa", {
    modulusLength: bits,
    publicExponent: 0x10001,
  });
  return loginKeyFrom(privateKey);
}

/** The login key of an existing RSA private key (with exponent 0x10001, as clients assume). */
export function loginKeyFrom(privateKey: KeyObject): LoginKey {
  const jwk = privateKey.export({ format: "jwk" });
  if (privateKey.asymmetricKeyType !== "rsa" || jwk.n === undefined || jwk.e !== "AQAB") {
    throw new Error("the login key must be an RSA key with exponent 0x10001");
  }
  const modulus = Buffer.from(jwk.n, "base64url");
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  return {
    privateKey,
    modulusHex: modulus.toString("hex").toUpperCase(),
    spkiBase64: spki.toString("base64"),
    modulusBytes: modulus.length,
  };
}

/** Holds the login key while it is being made; `ready` settles once, `current()` never waits. */
export class LoginKeyHolder {
  readonly ready: Promise<LoginKey>;
  #state: "pending" | "ready" | "failed" = "pending";
  #key: LoginKey | undefined;

  constructor(make: () => Promise<LoginKey> = () => generateLoginKey()) {
    this.ready = make();
    // Handled here, so a failure is kept as a state instead of crashing an idle process.
    this.ready.then(
      (key) => {
        this.#key = key;
        this.#state = "ready";
      },
      () => {
        this.#state = "failed";
      },
    );
  }

  get state(): "pending" | "ready" | "failed" {
    return this.#state;
  }

  current(): LoginKey | undefined {
    return this.#key;
  }
}

let processHolder: LoginKeyHolder | undefined;
let keyMaker: ChildProcess | undefined;
let exitHooked = false;

/**
 * The process's login key holder, created (and its key started) on first use. A key is
 * immutable, so sharing it between emulators is safe; each emulator may still be given its own.
 *
 * By design: the key is made in a child process, not on Node's thread pool. A process that
 * exits waits for the thread pool's running work, so a stop right after a start waited up to
 * 2.5 s for a key nobody would use; a child is killed at once (`stopMakingLoginKey`, and on
 * exit). Where no child can be started, the thread pool makes it as before.
 */
export function processLoginKey(): LoginKeyHolder {
  processHolder ??= new LoginKeyHolder(() =>
    generateInChild().catch((err: unknown) => {
      if (err instanceof SpawnFailure) return generateLoginKey();
      throw err;
    }),
  );
  return processHolder;
}

/** Kills the child still making the process's login key, if any (a stop must not wait for it). */
export function stopMakingLoginKey(): void {
  keyMaker?.kill("SIGKILL");
  keyMaker = undefined;
}

const CHILD_SCRIPT = `const { generateKeyPairSync } = require("node:crypto");
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: ${LOGIN_KEY_BITS}, publicExponent: 0x10001 });
process.stdout.write(privateKey.export({ type: "pkcs8", format: "pem" }));`;

/** No child could be started (a sandbox, a bundled runtime): the thread pool makes the key. */
class SpawnFailure extends Error {}

function generateInChild(): Promise<LoginKey> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", CHILD_SCRIPT], {
      stdio: ["ignore", "pipe", "ignore"],
      // Not the parent's --import hooks, inspector or loaders: a plain Node does this.
      env: { PATH: process.env.PATH ?? "" },
    });
    keyMaker = child;
    if (!exitHooked) process.once("exit", stopMakingLoginKey);
    exitHooked = true;
    // Neither the child nor its pipe keeps the parent alive.
    child.unref();
    const out: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    (child.stdout as Socket | null)?.unref();
    child.once("error", (err) => reject(new SpawnFailure(err.message)));
    child.once("close", (code) => {
      if (keyMaker === child) keyMaker = undefined;
      if (code !== 0) return reject(new Error(`the login key's process ended with ${code}`));
      try {
        resolve(loginKeyFrom(createPrivateKey(Buffer.concat(out).toString("utf8"))));
      } catch (err) {
        reject(err);
      }
    });
  });
}

export interface EncryptionInfo {
  public_key: string;
  cipherkey: string;
  ciphertoken: string;
  server_time: number;
}

/** The `data` of `SYNO.API.Encryption getinfo`; `format` is the request's `format` parameter. */
export function encryptionInfo(
  key: LoginKey,
  serverTime: number,
  format: string | undefined,
): EncryptionInfo {
  return {
    public_key: format === "module" ? key.modulusHex : key.spkiBase64,
    cipherkey: CIPHER_KEY,
    ciphertoken: CIPHER_TOKEN,
    server_time: serverTime,
  };
}

export type LoginDecryptFailureReason =
  /** Too long, not JSON, or not an object with string `rsa` and `aes`. */
  | "malformed-envelope"
  /** `rsa` is not base64 of exactly one RSA block. */
  | "malformed-rsa"
  /** `aes` is not base64 of `Salted__`, an 8-byte salt and whole AES blocks. */
  | "malformed-aes"
  /** The RSA padding, the AES padding or the text is wrong: one reason for all three, on purpose. */
  | "undecryptable";

export type LoginDecryptResult =
  | { ok: true; params: Record<string, string> }
  | { ok: false; reason: LoginDecryptFailureReason; message: string };

/**
 * The login parameters inside `<cipherkey>`'s value `{"rsa":"<base64>","aes":"<base64>"}`,
 * parsed as a form (URLSearchParams; a repeated name keeps its last value). Never throws.
 */
export function decryptLoginParams(key: LoginKey, cipherValue: string): LoginDecryptResult {
  const blob = readBlob(key, cipherValue);
  if (!("rsa" in blob)) return blob;
  let em: Buffer | undefined;
  try {
    em = privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, blob.rsa);
  } catch {
    em = undefined;
  }
  return openBlob(key, em, blob.aes);
}

/**
 * `decryptLoginParams` with its RSA step on a worker thread (security/rsa-pool.ts), so the event
 * loop is held only for the cheap parts; "busy" when too many wait for the pool already.
 */
export async function decryptLoginParamsOffThread(
  key: LoginKey,
  cipherValue: string,
): Promise<LoginDecryptResult | "busy"> {
  const blob = readBlob(key, cipherValue);
  if (!("rsa" in blob)) return blob;
  const em = await rsaDecryptRaw(key.privateKey, blob.rsa);
  return em === "busy" ? em : openBlob(key, em, blob.aes);
}

/** The blob's two parts, checked for shape (cheap: no key operation). */
function readBlob(key: LoginKey, cipherValue: string): { rsa: Buffer; aes: Buffer } | LoginDecryptResult {
  const envelope = parseEnvelope(cipherValue);
  if (envelope === undefined) return failure("malformed-envelope", 'expected {"rsa":"…","aes":"…"}');
  const rsa = strictBase64(envelope.rsa);
  if (rsa === undefined || rsa.length !== key.modulusBytes) {
    return failure("malformed-rsa", `rsa must be base64 of ${key.modulusBytes} bytes`);
  }
  const aes = strictBase64(envelope.aes);
  if (
    aes === undefined ||
    aes.length < 32 ||
    aes.length % 16 !== 0 ||
    !aes.subarray(0, 8).equals(SALT_MAGIC)
  ) {
    return failure("malformed-aes", "aes must be base64 of Salted__, an 8-byte salt and AES-256-CBC blocks");
  }
  return { rsa, aes };
}

/** The parameters, from the RSA block's raw decryption (`em`; undefined if the key refused it). */
function openBlob(key: LoginKey, em: Buffer | undefined, aes: Buffer): LoginDecryptResult {
  const passphrase = recoverPassphrase(key, em);
  const plain = decryptSalted(passphrase, aes.subarray(8, 16), aes.subarray(16));
  if (plain === undefined) return failure("undecryptable", "the blob does not decrypt with this key");
  return { ok: true, params: Object.fromEntries(new URLSearchParams(plain)) };
}

/** True when the blob's `__cIpHeRtOkEn` is a `server_time` DSM would still accept at `nowSeconds`. */
export function isCipherTokenFresh(params: Record<string, string>, nowSeconds: number): boolean {
  const token = params[CIPHER_TOKEN];
  if (token === undefined || !/^\d{1,12}$/.test(token)) return false;
  return Math.abs(nowSeconds - Number(token)) <= CIPHER_TOKEN_VALID_SECONDS;
}

function failure(reason: LoginDecryptFailureReason, message: string): LoginDecryptResult {
  return { ok: false, reason, message };
}

function parseEnvelope(text: string): { rsa: string; aes: string } | undefined {
  if (text.length > MAX_CIPHER_VALUE) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { rsa, aes } = value as Record<string, unknown>;
  return typeof rsa === "string" && typeof aes === "string" ? { rsa, aes } : undefined;
}

// Buffer.from(…, "base64") skips anything outside the alphabet; a blob that is not exactly the
// canonical base64 of some bytes is refused instead of half-read.
function strictBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

/**
 * The passphrase of a PKCS#1 v1.5 type 2 block, or a random one when the block is not one.
 * Node 20 refuses RSA_PKCS1_PADDING for decryption (the Marvin attack), so the block is
 * decrypted raw and its padding checked here: every byte is visited and the checks are folded
 * into one flag, with no exit that tells which check failed. A bad block then goes on with a
 * random passphrase (the "implicit rejection" OpenSSL 3.2 adopted), so it fails later exactly
 * as a wrong AES part does. JavaScript gives no constant-time guarantee; this removes the
 * obvious oracles, which is what a test double needs.
 */
function recoverPassphrase(key: LoginKey, em: Buffer | undefined): Buffer {
  // Only a block not below the modulus is refused by the key: public information, not an oracle.
  if (em === undefined) return randomBytes(key.modulusBytes - 11);
  let good = isEqual(em[0] ?? 1, 0x00) & isEqual(em[1] ?? 0, 0x02);
  let separator = 0;
  let found = 0;
  for (let i = 2; i < em.length; i++) {
    const zero = isEqual(em[i] ?? 1, 0);
    separator = select(zero & (found ^ 1), i, separator);
    found |= zero;
  }
  // At least 8 padding bytes (RFC 8017 7.2.2): the separator sits at index 10 or later.
  good &= found & (1 ^ ((separator - 10) >>> 31));
  const start = select(good, separator + 1, 11);
  const candidate = em.subarray(start);
  const random = randomBytes(candidate.length);
  const mask = -good & 0xff;
  for (let i = 0; i < candidate.length; i++) {
    random[i] = ((candidate[i] ?? 0) & mask) | ((random[i] ?? 0) & ~mask & 0xff);
  }
  return random;
}

/** 1 when the two bytes are equal, else 0, without a branch. */
function isEqual(a: number, b: number): number {
  return (((a ^ b) - 1) >>> 31) & 1;
}

/** `a` when `bit` is 1, `b` when it is 0, without a branch. */
function select(bit: number, a: number, b: number): number {
  return (a & -bit) | (b & (bit - 1));
}

// OpenSSL's `enc -md md5` key derivation: D_i = MD5(D_{i-1} || passphrase || salt), one
// iteration, concatenated until there are 32 key bytes and 16 IV bytes.
function evpBytesToKey(passphrase: Buffer, salt: Buffer): { key: Buffer; iv: Buffer } {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  while (blocks.length * 16 < 48) {
    previous = createHash("md5").update(previous).update(passphrase).update(salt).digest();
    blocks.push(previous);
  }
  const derived = Buffer.concat(blocks);
  return { key: derived.subarray(0, 32), iv: derived.subarray(32, 48) };
}

function decryptSalted(passphrase: Buffer, salt: Buffer, ciphertext: Buffer): string | undefined {
  const { key, iv } = evpBytesToKey(passphrase, salt);
  try {
    const decipher = createDecipheriv("aes-256-cbc", key, iv);
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    return undefined;
  }
}
