/**
 * SYNO.Virtualization.API.Guest `set` and `delete`.
 *
 * By design: vCPU and memory can only change while the guest is off (VMM has no hot-plug), so
 * changing them on a guest that is booting, running or shutting down answers 904; its name,
 * description and autorun can change at any time. On a cluster with HA whose hosts cannot
 * reserve the new figures, the edit is applied and 1600 answers, as the guide describes.
 * A guest still being created cannot be edited or deleted (402).
 */
import { z } from "zod";
import { int, ref, text } from "../dsm/codecs";
import { DsmError } from "../dsm/errors";
import { operation } from "../dsm/registry";
import { findGuest, guestRef } from "./guest";

/** Statuses in which a guest holds a host (its CPU and memory count there). */
export const ONLINE = new Set(["running", "booting", "shutting_down"]);

export const guestSet = operation({
  session: "required",
  adminOnly: true,
  mutating: true,
  params: z.object({
    ...guestRef,
    new_guest_name: ref(),
    description: text(),
    autorun: int(0, 2),
    vcpu_num: int(1, 256),
    vram_size: int(1, 1024 * 1024),
  }),
  handle: (ctx, p) => {
    const { store } = ctx.services;
    const haFailed = store.transaction(() => {
      const guest = findGuest(ctx, p);
      if (guest.status === "creating") throw new DsmError(402);
      const resizes =
        (p.vcpu_num !== undefined && p.vcpu_num !== guest.vcpu_num) ||
        (p.vram_size !== undefined && p.vram_size !== guest.vram_size);
      if (resizes && ONLINE.has(guest.status)) throw new DsmError(904);
      if (p.new_guest_name !== undefined && p.new_guest_name !== guest.guest_name) {
        if (store.guests.find({ name: p.new_guest_name }) !== undefined) throw new DsmError(403);
      }
      store.mutations.updateGuest(guest.guest_id, {
        guest_name: p.new_guest_name,
        description: p.description,
        autorun: p.autorun,
        vcpu_num: p.vcpu_num,
        vram_size: p.vram_size,
      });
      const system = store.system.get();
      const haActive = system.ha_enabled === 1 && system.pro_licence === 1;
      return resizes && haActive && system.ha_reservation_ok === 0;
    });
    // Thrown after the commit: the edit stays applied, only the HA reservation failed.
    if (haFailed) throw new DsmError(1600);
    return undefined;
  },
});

export const guestDelete = operation({
  session: "required",
  adminOnly: true,
  mutating: true,
  params: z.object(guestRef),
  handle: (ctx, p) => {
    const { store } = ctx.services;
    store.transaction(() => {
      const guest = findGuest(ctx, p);
      if (ONLINE.has(guest.status)) throw new DsmError(904);
      if (guest.status === "creating") throw new DsmError(402);
      store.mutations.deleteGuest(guest.guest_id);
    });
    return undefined;
  },
});
