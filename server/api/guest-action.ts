/**
 * SYNO.Virtualization.API.Guest.Action: `poweron`, `poweroff` (forced), `shutdown` (graceful).
 * Power-on places the guest (see engine/placement.ts) and boots it: `booting`, then `running`
 * after the boot duration; a graceful shutdown passes through `shutting_down`; a forced
 * power-off is immediate. Each check and its change run in one transaction, so simultaneous
 * power-ons can never over-commit a host.
 */
import { z } from "zod";
import { ref } from "../dsm/codecs";
import { DsmError } from "../dsm/errors";
import { operation } from "../dsm/registry";
import { chooseHost } from "../engine/placement";
import { findGuest, guestRef } from "./guest";
import { ONLINE } from "./guest-edit";

const action = { session: "required", adminOnly: true, mutating: true } as const;

export const poweron = operation({
  ...action,
  params: z.object({ ...guestRef, host_id: ref(), host_name: ref() }),
  handle: (ctx, p) => {
    const { store, durations } = ctx.services;
    store.transaction(() => {
      const guest = findGuest(ctx, p);
      if (ONLINE.has(guest.status)) throw new DsmError(904);
      if (guest.status === "creating") throw new DsmError(402);
      let target: ReturnType<typeof store.inventory.host>;
      if (p.host_id !== undefined || p.host_name !== undefined) {
        target = store.inventory.host({ id: p.host_id, name: p.host_name });
        if (target === undefined) throw new DsmError(401);
      }
      const host = chooseHost(store, store.guests.record(guest), target);
      store.mutations.setGuestStatus(guest.guest_id, "booting", host.host_id, ctx.now + durations.boot);
    });
    return undefined;
  },
});

export const poweroff = operation({
  ...action,
  params: z.object(guestRef),
  handle: (ctx, p) => {
    const { store } = ctx.services;
    store.transaction(() => {
      const guest = findGuest(ctx, p);
      if (!ONLINE.has(guest.status)) throw new DsmError(907);
      store.mutations.setGuestStatus(guest.guest_id, "shutdown", null, null);
    });
    return undefined;
  },
});

export const shutdown = operation({
  ...action,
  params: z.object(guestRef),
  handle: (ctx, p) => {
    const { store, durations } = ctx.services;
    store.transaction(() => {
      const guest = findGuest(ctx, p);
      if (!ONLINE.has(guest.status)) throw new DsmError(907);
      // A second shutdown while one is under way changes nothing.
      if (guest.status === "shutting_down") return;
      store.mutations.setGuestStatus(
        guest.guest_id,
        "shutting_down",
        guest.host_id,
        ctx.now + durations.shutdown,
      );
    });
    return undefined;
  },
});
