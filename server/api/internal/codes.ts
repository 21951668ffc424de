/**
 * How the web UI's internal API answers the model's refusals. DSM documents none of it: these
 * are the guide's numbers (../refusals.ts), except where the internal API is known (from py-synologydsm-api's
 * table) to give a number another meaning: 939 for a guest already running, and 903/904/905 for
 * shutdown/power-off/restart of a guest that is not running (pwr_ctl picks by action). The
 * public 903 (not enough memory) is therefore answered 402 here; docs/differences.md says so.
 */
import type { CodeOf } from "../../../contract/errors";
import type { Reason } from "../../model/refusal";
import { BASE_REFUSALS } from "../refusals";

export const INTERNAL_REFUSALS: { readonly [R in Reason]: CodeOf<"vmm-internal"> } = {
  ...BASE_REFUSALS,
  online: 939,
  offline: 904,
  memory: 402,
};

/** pwr_ctl's code for a guest that is not running, by action. */
export const NOT_RUNNING: Readonly<Record<string, CodeOf<"vmm-internal">>> = {
  shutdown: 903,
  poweroff: 904,
  reboot: 905,
};
