/**
 * The independent Noise implementation the tests compare against: the npm library
 * `noise-protocol` (emilbayes, libsodium through sodium-native), CommonJS and untyped, so the
 * parts the tests use are typed here. It is a test dependency only.
 */
import { createRequire } from "node:module";

export interface KeyPair {
  publicKey: Buffer;
  secretKey: Buffer;
}
export interface HandshakeState {
  // ck (64 bytes) | h (64 bytes) | cipher state: the library's layout, read for h after Split.
  symmetricState: Buffer;
}
interface NoiseLibrary {
  keygen(): KeyPair;
  initialize(
    pattern: string,
    initiator: boolean,
    prologue: Buffer,
    s: KeyPair,
    e: null,
    rs: Buffer,
  ): HandshakeState;
  writeMessage: ((state: HandshakeState, payload: Buffer, out: Buffer) => unknown) & { bytes: number };
  readMessage: ((state: HandshakeState, message: Buffer, out: Buffer) => { tx: Buffer; rx: Buffer }) & {
    bytes: number;
  };
  destroy(state: HandshakeState): void;
}
interface CipherModule {
  encrypt(out: Buffer, k: Buffer, n: Buffer, ad: Buffer, plaintext: Buffer): void;
}
interface CipherStateModule {
  encryptWithAd(state: Buffer, out: Buffer, ad: Buffer, plaintext: Buffer): void;
}
interface DhModule {
  dh(out: Buffer, secretKey: Buffer, publicKey: Buffer): void;
}
const require = createRequire(import.meta.url);
export const noise = require("noise-protocol") as NoiseLibrary;
export const sodiumCipher = (require("noise-protocol/cipher") as () => CipherModule)();
export const sodiumCipherState = (
  require("noise-protocol/cipher-state") as (algs: { cipher: CipherModule }) => CipherStateModule
)({ cipher: sodiumCipher });
export const sodiumDh = (require("noise-protocol/dh") as () => DhModule)();
