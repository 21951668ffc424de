/**
 * The one exception class for DSM answers, and the marker for committed-but-failed answers.
 * The codes themselves are data in contract/errors.ts, one table per family; a handler throws the
 * code of its API's family, and the model's refusals are turned into codes by each dialect.
 */
import type { DsmCode } from "../../contract/errors";

/** Detail DSM sometimes sends beside the code: an object or an array, never both. */
export type DsmErrorDetail = Record<string, unknown> | unknown[];

/** A DSM-level failure: answered with HTTP 200 and `{"error":{"code":..},"success":false}`. */
export class DsmError extends Error {
  constructor(
    readonly code: DsmCode,
    readonly errors?: DsmErrorDetail,
  ) {
    super(`DSM error ${code}`);
    this.name = "DsmError";
  }
}

/**
 * An error answer for a change that stays applied (DSM's 1600: "edited, but the HA hosts could
 * not reserve"): a handler returns it instead of throwing, so the call's transaction commits.
 */
export class ErrorAnswer {
  constructor(
    readonly code: DsmCode,
    readonly errors?: DsmErrorDetail,
  ) {}
}

/**
 * Whether `err` says the client left while its body was being read (the socket closed, the
 * HTTP/2 stream was reset): the client's doing, answered quietly (nobody reads the answer) and
 * never logged as an unexpected fault.
 */
export function clientLeft(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return (
    err.name === "AbortError" ||
    (err.message === "aborted" && (code === undefined || code === "ECONNRESET")) ||
    code === "ECONNRESET" ||
    code === "ERR_STREAM_PREMATURE_CLOSE"
  );
}
