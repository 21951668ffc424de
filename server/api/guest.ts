/**
 * SYNO.Virtualization.API.Guest reads: `list` and `get`.
 *
 * Gaps: `additional` is accepted and changes nothing: the guide's examples show `vdisks` and
 * `vnics` without it, so they are always present; what more DSM adds with it is not documented.
 * By design: an unknown guest answers 401 (the parameter names nothing), as for a missing one.
 */
import { z } from "zod";
import { bool, ref } from "../dsm/codecs";
import { RawJson } from "../dsm/envelope";
import { DsmError } from "../dsm/errors";
import { type CallContext, operation } from "../dsm/registry";
import type { GuestRecord, GuestRow } from "../store/guests";
import { presentGuest } from "./present";

const vmm = { session: "required", adminOnly: true } as const;

export const guestRef = { guest_id: ref(), guest_name: ref() };

/** The guest named by `guest_id` or `guest_name` (401 when neither is given or it does not exist). */
export function findGuest(ctx: CallContext, p: { guest_id?: string; guest_name?: string }): GuestRow {
  if (p.guest_id === undefined && p.guest_name === undefined) throw new DsmError(401);
  const guest = ctx.services.store.guests.find({ id: p.guest_id, name: p.guest_name });
  if (guest === undefined) throw new DsmError(401);
  return guest;
}

/**
 * The serialised answer for each records array. The store hands back the same array until the
 * database changes, so polling clients reuse one serialisation; keyed weakly by the store's own
 * array, it holds nothing once the store has moved on, and emulators never share an entry.
 */
const serialised = new WeakMap<GuestRecord[], RawJson>();

export const guestList = operation({
  ...vmm,
  params: z.object({ additional: bool(false) }),
  handle: (ctx) => {
    const records = ctx.services.store.guests.list();
    let answer = serialised.get(records);
    if (answer === undefined) {
      answer = new RawJson(JSON.stringify({ guests: records.map(presentGuest) }));
      serialised.set(records, answer);
    }
    return answer;
  },
});

export const guestGet = operation({
  ...vmm,
  params: z.object({ additional: bool(false), ...guestRef }),
  handle: (ctx, p) => {
    const guest = findGuest(ctx, p);
    return presentGuest(ctx.services.store.guests.record(guest));
  },
});
