/**
 * SYNO.Virtualization.API.Guest.Action: `poweron`, `poweroff` (forced), `shutdown` (graceful).
 * Power-on places the guest (model/placement.ts) and boots it; see model/power.ts for the
 * transitions. Each check and its change run in the call's transaction, so simultaneous
 * power-ons can never over-commit a host.
 */
import { z } from "zod";
import { refOf } from "../../model/context";
import { findGuest } from "../../model/guests";
import { powerOff, powerOn, shutdown } from "../../model/power";
import { ref } from "../../wire/codecs";
import { type ApiOperations, op } from "../../wire/operation";
import { guestRef } from "../params";
import { PUBLIC_REFUSALS } from "./codes";

export const guestActionApi: ApiOperations<"SYNO.Virtualization.API.Guest.Action"> = {
  refusals: PUBLIC_REFUSALS,
  methods: {
    poweron: op({
      params: z.object({ ...guestRef, host_id: ref(), host_name: ref() }),
      run: (ctx, p) => {
        const guest = findGuest(ctx.store, refOf(p.guest_id, p.guest_name));
        const target =
          p.host_id === undefined && p.host_name === undefined ? undefined : refOf(p.host_id, p.host_name);
        powerOn(ctx, guest, target);
      },
    }),
    poweroff: op({
      params: z.object(guestRef),
      run: (ctx, p) => powerOff(ctx, findGuest(ctx.store, refOf(p.guest_id, p.guest_name))),
    }),
    shutdown: op({
      params: z.object(guestRef),
      run: (ctx, p) => shutdown(ctx, findGuest(ctx.store, refOf(p.guest_id, p.guest_name))),
    }),
  },
};
