/**
 * What can go wrong when talking to DSM, as typed exceptions a caller can tell apart:
 * a DSM-level failure (`DsmApiError`, HTTP 200 with `success: false`), a transport or protocol
 * failure (`DsmTransportError`: refused connection, TLS pin mismatch, non-200, not JSON), and a
 * call the safety guard refused before anything was sent (`SafetyRefusal`, see safety.ts).
 */
import { AUTH_ERRORS, VMM_ERRORS } from "../../server/dsm/errors";

/**
 * The guide's code tables (and the common codes clients know beyond them), shared with the
 * emulator: they only word a failure, they never judge whether an answer is right.
 */
export const VMM_ERROR_TEXT: Readonly<Record<number, string>> = VMM_ERRORS;
/** SYNO.API.Auth's own table: 400-404 mean something else there. */
export const AUTH_ERROR_TEXT: Readonly<Record<number, string>> = AUTH_ERRORS;

export type DsmErrorDetail = Record<string, unknown> | unknown[];

/** A DSM answer with `success: false`. `errors` is DSM's detail, an object or an array when present. */
export class DsmApiError extends Error {
  override name = "DsmApiError";
  constructor(
    readonly api: string,
    readonly method: string,
    readonly code: number,
    readonly errors?: DsmErrorDetail,
  ) {
    const table = api === "SYNO.API.Auth" ? AUTH_ERROR_TEXT : VMM_ERROR_TEXT;
    super(`${api}.${method} failed with DSM error ${code} (${table[code] ?? "unknown code"})`);
  }
}

/** The request never produced a DSM answer: network, TLS, HTTP status or body not DSM's envelope. */
export class DsmTransportError extends Error {
  override name = "DsmTransportError";
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
