/**
 * The colour DSM's web UI gives an object (its `status_type`): derived from the status here,
 * once, so that a guest's own colour and the cluster's count of colours cannot disagree. The
 * public dialect shows statuses only; the internal one shows these colours and counts them.
 */
import { isHostOffline } from "./status";

/** The three colours; only this module makes one. */
export type Health = "healthy" | "warning" | "error";

/**
 * A crashed guest is an error; one DSM cannot reach or cannot name the state of (`inaccessible`,
 * `unknown`, `undefined`) is a warning; every other status, transitional ones included, is healthy.
 */
export function guestHealth(status: string): Health {
  if (status === "crashed") return "error";
  if (status === "inaccessible" || status === "unknown" || status === "undefined") return "warning";
  return "healthy";
}

/** An unreachable host is an error; one running is healthy; any other status is a warning. */
export function hostHealth(status: string): Health {
  if (isHostOffline(status)) return "error";
  return status === "running" ? "healthy" : "warning";
}

/** A storage, by the status DSM shows for it (model/status.ts `storageStatus`). */
export function storageHealth(shownStatus: string): Health {
  if (shownStatus === "online") return "healthy";
  return shownStatus === "missing" || shownStatus === "crashed" ? "error" : "warning";
}

/** The licence: Pro (which moving guests and HA need) is healthy, without it a warning. */
export const licenceHealth = (pro: boolean): Health => (pro ? "healthy" : "warning");

/** Counts by colour, in DSM's key order (a guest summary also counts the running ones). */
export function healthSummary(items: readonly Health[], running?: number) {
  return {
    error: items.filter((t) => t === "error").length,
    healthy: items.filter((t) => t === "healthy").length,
    ...(running === undefined ? {} : { running }),
    warning: items.filter((t) => t === "warning").length,
  };
}
