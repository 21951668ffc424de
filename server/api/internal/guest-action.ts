/**
 * SYNO.Virtualization.Guest.Action `pwr_ctl`: `action` is `poweron`, `poweroff`, `shutdown` or
 * `reboot` (py-synologydsm-api, dsm_helper), or `on`/`off` (a Swift client). The guest is
 * `guest_id`, JSON-quoted by some clients (`"<id>"`). A guest already running answers 939; one
 * that is not running answers 903 (shutdown), 904 (poweroff) or 905 (reboot), as the internal
 * API's table has it. A reboot is a real transition: `booting` for the boot's time, then running.
 */
import { z } from "zod";
import { refOf } from "../../model/context";
import { findGuest } from "../../model/guests";
import { powerOff, powerOn, reboot, shutdown } from "../../model/power";
import { Refusal } from "../../model/refusal";
import { unquote } from "../../wire/codecs";
import { DsmError } from "../../wire/errors";
import { type ApiOperations, op } from "../../wire/operation";
import { guestRef } from "../params";
import { INTERNAL_REFUSALS, NOT_RUNNING } from "./codes";

const ACTIONS = {
  poweron: "poweron",
  on: "poweron",
  poweroff: "poweroff",
  off: "poweroff",
  shutdown: "shutdown",
  reboot: "reboot",
} as const;

const action = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const key = unquote(v ?? "");
    if (!Object.hasOwn(ACTIONS, key)) {
      ctx.addIssue({ code: "custom", message: "action is poweron, poweroff, shutdown or reboot" });
      return z.NEVER;
    }
    return ACTIONS[key as keyof typeof ACTIONS];
  });

export const internalGuestActionApi: ApiOperations<"SYNO.Virtualization.Guest.Action"> = {
  refusals: INTERNAL_REFUSALS,
  methods: {
    pwr_ctl: op({
      params: z.object({ ...guestRef, action }),
      run: (ctx, p) => {
        const guest = findGuest(ctx.store, refOf(p.guest_id, p.guest_name));
        try {
          if (p.action === "poweron") powerOn(ctx, guest, undefined);
          else if (p.action === "poweroff") powerOff(ctx, guest);
          else if (p.action === "shutdown") shutdown(ctx, guest);
          else reboot(ctx, guest);
        } catch (err) {
          const code = err instanceof Refusal && err.reason === "offline" ? NOT_RUNNING[p.action] : undefined;
          if (code !== undefined) throw new DsmError(code);
          throw err;
        }
      },
    }),
  },
};
