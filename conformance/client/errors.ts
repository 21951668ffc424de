/**
 * What can go wrong when talking to DSM, as typed exceptions a caller can tell apart:
 * a DSM-level failure (`DsmApiError`, HTTP 200 with `success: false`), a transport or protocol
 * failure (`DsmTransportError`: refused connection, TLS pin mismatch, non-200, not JSON), and a
 * call the safety guard refused before anything was sent (`SafetyRefusal`, see safety.ts).
 */

/** Codes of the common/Virtualization table (guide chapter 2) and those clients know beyond it. */
export const VMM_ERROR_TEXT: Readonly<Record<number, string>> = {
  100: "Unknown error",
  101: "No parameter of API, method or version",
  102: "The requested API does not exist",
  103: "The requested method does not exist",
  104: "The requested version does not support the function",
  105: "The login session does not have permission",
  106: "Session timeout",
  107: "Session interrupted by duplicate login",
  119: "SID not found",
  401: "Bad parameter",
  402: "Operation failed",
  403: "Name conflict",
  404: "The number of iSCSI LUNs has reached the system limit",
  500: "The cluster is frozen",
  501: "The cluster is in incompatible mode",
  600: "The cluster is not ready",
  601: "The host is offline",
  700: "The storage is invalid",
  900: "Failed to set a host to a virtual machine",
  901: "The virtual machine does not have a host",
  902: "Insufficient CPU threads",
  903: "Insufficient memory",
  904: "The virtual machine is online",
  905: "MAC conflict",
  906: "Selected image not found",
  907: "The virtual machine is offline",
  908: "Insufficient CPU threads for reservation",
  909: "No corresponding networking on the host",
  910: "Only VirtIO can boot remotely",
  911: "UEFI VMs cannot be powered on remotely",
  1000: "Cannot find task_id",
  1001: "Need Virtual Machine Manager Pro",
  1400: "Image creation partially succeeded",
  1600: "Edited, but HA reservation failed",
};

/** SYNO.API.Auth's own table: 400-404 mean something else there. */
export const AUTH_ERROR_TEXT: Readonly<Record<number, string>> = {
  400: "No such account or incorrect password",
  401: "Account disabled",
  402: "Permission denied",
  403: "2-step verification code required",
  404: "Failed to authenticate 2-step verification code",
};

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
