/**
 * DSM error codes and the one exception class that carries them.
 *
 * Two tables exist on a real NAS: the common/Virtualization table (entry.cgi) and the
 * SYNO.API.Auth table, where 400-404 mean something else. A handler throws `DsmError`
 * with the code of the table of the API it serves; the dispatcher writes the envelope.
 */

/** Codes every DSM WebAPI shares, plus the Virtualization API's own (guide chapter 2). */
export const VMM_ERRORS = {
  100: "Unknown error", // DSM's catch-all; the emulator answers it for unexpected faults.
  101: "No parameter of API, method or version",
  102: "The requested API does not exist",
  103: "The requested method does not exist",
  104: "The requested version does not support the function",
  105: "The login session does not have permission",
  106: "Session timeout",
  107: "Session interrupted by duplicate login", // known to clients; the emulator never answers it.
  119: "SID not found", // beyond the guide: real DSM's answer for a missing or unknown sid.
  401: "Bad parameter",
  402: "Operation failed",
  403: "Name conflict",
  404: "The number of iSCSI LUNs has reached the system limit",
  500: "The cluster is frozen. More than half of the hosts are offline",
  501: "The cluster is in the incompatible mode",
  600: "The cluster is not ready",
  601: "The host is offline",
  700: "The storage is invalid",
  900: "Failed to set a host to a virtual machine",
  901: "The virtual machine does not have a host",
  902: "Failed to power on a virtual machine due to insufficient CPU threads",
  903: "Failed to power on a virtual machine due to insufficient memory",
  904: "The status of virtual machine is online",
  905: "MAC conflict",
  906: "Failed to create virtual machine because the selected image is not found",
  907: "The status of virtual machine is offline",
  908: "Failed to power on a virtual machine due to insufficient CPU threads for reservation on the host",
  909: "Failed to power on the virtual machine because there is no corresponding networking on the host",
  910: "Only the VirtIO hard disk controller can be used to boot the virtual machine remotely",
  911: "Virtual machines with UEFI enabled cannot be powered on remotely",
  1000: "Cannot find task_id",
  1001: "Need Virtual Machine Manager Pro",
  1400: "The result of image creating is partial success",
  1600: "The virtual machine has been successfully edited. However, errors occurred while reserving the memory or CPU on the HA hosts",
} as const;

/** SYNO.API.Auth's own table (guide chapter 3). */
export const AUTH_ERRORS = {
  400: "No such account or incorrect password",
  401: "Account disabled",
  402: "Permission denied",
  403: "2-step verification code required",
  404: "Failed to authenticate 2-step verification code",
} as const;

export type VmmErrorCode = keyof typeof VMM_ERRORS;
export type AuthErrorCode = keyof typeof AUTH_ERRORS;
export type DsmErrorCode = VmmErrorCode | AuthErrorCode;

/** Detail DSM sometimes sends beside the code: an object or an array, never both. */
export type DsmErrorDetail = Record<string, unknown> | unknown[];

/** A DSM-level failure: answered with HTTP 200 and `{"error":{"code":..},"success":false}`. */
export class DsmError extends Error {
  constructor(
    readonly code: DsmErrorCode,
    readonly errors?: DsmErrorDetail,
  ) {
    super(`DSM error ${code}`);
    this.name = "DsmError";
  }
}

export function isKnownCode(code: number): boolean {
  return code in VMM_ERRORS || code in AUTH_ERRORS;
}
