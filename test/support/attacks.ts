/**
 * The hostile requests of issue 20, built once for the tests that prove they are refused
 * (test/hardening/, test/reliability/hostile-sockets.ts) and the bench that measures what they
 * cost the event loop (bench/worst-request.ts).
 */
import { randomBytes } from "node:crypto";
import { batchParams } from "./client";

/** `{"rsa": 512 random bytes, "aes": "Salted__" + salt + 64 bytes}`: well formed, never decrypts. */
function junkCipher(): string {
  const aes = Buffer.concat([Buffer.from("Salted__"), randomBytes(8 + 64)]);
  return JSON.stringify({ rsa: randomBytes(512).toString("base64"), aes: aes.toString("base64") });
}

/** A version 7 login whose only parameter is a junk encrypted blob. */
export function encryptedLogin(): { api: string; method: string; version: number; __cIpHeRtExT: string } {
  return { api: "SYNO.API.Auth", method: "login", version: 7, __cIpHeRtExT: junkCipher() };
}

/** A form body: one batch of `logins` encrypted logins with junk RSA blocks. */
export function encryptedLoginBatch(logins = 256): string {
  return new URLSearchParams(batchParams(Array.from({ length: logins }, encryptedLogin))).toString();
}

/** A form body: a batch of `outer` batches (`method=Request`) of `inner` Info queries each. */
export function nestedBatch(outer = 64, inner = 256): string {
  const innerCompound = JSON.stringify(
    Array.from({ length: inner }, () => ({ api: "SYNO.API.Info", method: "query", version: 1 })),
  );
  const compound = Array.from({ length: outer }, () => ({
    api: "SYNO.Entry.Request",
    method: "Request",
    version: 1,
    compound: innerCompound,
  }));
  return new URLSearchParams(batchParams(compound)).toString();
}
