/**
 * DSM's error codes as data, one table per family. DSM reuses numbers with other meanings in
 * other families: 400-404 mean one thing on `SYNO.API.Auth` and another on the Virtualization
 * APIs, and the web UI's internal VMM APIs give 903-905 meanings of their own. Every API names
 * its family in apis.ts; the emulator answers codes from that family (plus the common ones),
 * and the conformance kit, the error-code tests and the docs check (docs/api-reference.md) read
 * the same tables.
 */

/** Codes every DSM WebAPI shares (guide chapter 2, plus what real DSM 7 answers beyond it). */
export const COMMON_ERRORS = {
  100: "Unknown error",
  101: "No parameter of API, method or version",
  102: "The requested API does not exist",
  103: "The requested method does not exist",
  104: "The requested version does not support the function",
  105: "The login session does not have permission",
  106: "Session timeout",
  107: "Session interrupted by duplicate login",
  113: "Invalid compound request",
  114: "Missing required parameters",
  119: "SID not found",
  120: "Invalid parameter",
  150: "Source IP mismatch",
  160: "Insufficient application privilege",
} as const;

/** The public `SYNO.Virtualization.API.*` family (guide chapter 2). */
export const VMM_ERRORS = {
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

/**
 * `SYNO.API.Auth`'s own table: the guide's 400-404, and DSM 7's 405-411 as the clients know them
 * (py-synologydsm-api's and go-synology's tables agree on the numbers).
 */
export const AUTH_ERRORS = {
  400: "No such account or incorrect password",
  401: "Account disabled",
  402: "Permission denied",
  403: "2-step verification code required",
  404: "Failed to authenticate 2-step verification code",
  405: "App portal incorrect",
  406: "2-step verification code enforced",
  407: "Blocked IP source (auto-block)",
  408: "Password expired and cannot be changed",
  409: "Password expired",
  410: "Password must be changed",
  411: "Account locked",
} as const;

/**
 * The web UI's internal `SYNO.Virtualization.*` family. DSM documents none of it; the numbers
 * here are those clients know: the guide's where no client says otherwise, and 903-905 and 939
 * with the meanings py-synologydsm-api's table gives the power actions (not recorded from a NAS:
 * docs/differences.md says so, and the kit's scenarios probe them).
 */
export const VMM_INTERNAL_ERRORS = {
  ...VMM_ERRORS,
  903: "Cannot shut down the guest: it is not running",
  904: "Cannot power off the guest: it is not running",
  905: "Cannot restart the guest: it is not running",
  939: "The guest is already running",
} as const;

export const ERROR_TABLES = {
  common: COMMON_ERRORS,
  vmm: VMM_ERRORS,
  "vmm-internal": VMM_INTERNAL_ERRORS,
  auth: AUTH_ERRORS,
} as const;

export type ErrorFamily = keyof typeof ERROR_TABLES;
export type CommonCode = keyof typeof COMMON_ERRORS;
export type CodeOf<F extends ErrorFamily> = CommonCode | keyof (typeof ERROR_TABLES)[F];
/** Any code of any table. */
export type DsmCode = { [F in ErrorFamily]: CodeOf<F> }[ErrorFamily];

/** The code a family answers for parameters it cannot read. */
export const BAD_PARAMETER: { readonly [F in ErrorFamily]: CodeOf<F> } = {
  common: 120,
  vmm: 401,
  "vmm-internal": 401,
  auth: 400,
};

/** The meaning of `code` in `family` (common codes apply to every family), or undefined. */
export function errorText(family: ErrorFamily, code: number): string | undefined {
  const own: Readonly<Record<number, string>> = ERROR_TABLES[family];
  const common: Readonly<Record<number, string>> = COMMON_ERRORS;
  return own[code] ?? common[code];
}

/** True when some table knows `code`. */
export function isKnownCode(code: number): code is DsmCode {
  return Object.values(ERROR_TABLES).some((table) => Object.hasOwn(table, code));
}
