/**
 * What can go wrong when talking to DSM, as typed exceptions a caller can tell apart:
 * a DSM-level failure (`DsmApiError`, HTTP 200 with `success: false`), a transport or protocol
 * failure (`DsmTransportError`: refused connection, TLS pin mismatch, non-200, not JSON), and a
 * call the safety guard refused before anything was sent (`SafetyRefusal`, see safety.ts).
 */
import { apiSpec } from "../../contract/apis";
import { errorText } from "../../contract/errors";

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
    // The spec's tables only word a failure here; they never judge whether an answer is right.
    const text = errorText(apiSpec(api)?.errors ?? "vmm", code);
    super(`${api}.${method} failed with DSM error ${code} (${text ?? "unknown code"})`);
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
