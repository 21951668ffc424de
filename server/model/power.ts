/**
 * The power state machine. A guest starts a transition (`booting`, `shutting_down`) that ends
 * on the clock; the tick settles it into its end state. Starting and settling are written
 * side by side in TRANSITIONS so that a new transition is one row.
 *
 * By design: a forced power-off is immediate; a second shutdown while one is under way changes
 * nothing; a guest still being created cannot boot. Where the guest runs is kept on it
 * (`host_id`), so a host's used CPU and RAM always follow its guests.
 */
import type { GuestRow } from "../store/guests";
import type { Store } from "../store/index";
import type { ModelContext, Ref } from "./context";
import { POWER_MS } from "./pace";
import { chooseHost } from "./placement";
import { refuse } from "./refusal";
import { ONLINE } from "./status";

interface Transition {
  /** How long it takes on a NAS. */
  readonly realtimeMs: number;
  /** The status it settles into, and whether the guest still holds its host there. */
  readonly settlesTo: string;
  readonly keepsHost: boolean;
}

export const TRANSITIONS = {
  booting: { realtimeMs: POWER_MS.boot, settlesTo: "running", keepsHost: true },
  shutting_down: { realtimeMs: POWER_MS.shutdown, settlesTo: "shutdown", keepsHost: false },
} as const satisfies Record<string, Transition>;

function begin(
  ctx: ModelContext,
  guest: GuestRow,
  status: keyof typeof TRANSITIONS,
  hostId: string | null,
): void {
  const due = ctx.holdTransition === true ? null : ctx.now + ctx.pace.of(TRANSITIONS[status].realtimeMs);
  ctx.store.guests.setPower(guest.guest_id, status, hostId, due);
}

/** Places the guest (on `target` when given, else by the cluster's policy) and boots it. */
export function powerOn(ctx: ModelContext, guest: GuestRow, target: Ref | undefined): void {
  const { store } = ctx;
  if (ONLINE.has(guest.status)) refuse("online");
  if (guest.status === "creating") refuse("busy");
  let host: ReturnType<typeof store.inventory.host>;
  if (target !== undefined) {
    host = store.inventory.host(target);
    if (host === undefined) refuse("bad_parameter");
  }
  const placed = chooseHost(store, store.guests.record(guest), host);
  begin(ctx, guest, "booting", placed.host_id);
}

/** A forced power-off: immediate, and the host is free at once. */
export function powerOff(ctx: ModelContext, guest: GuestRow): void {
  if (!ONLINE.has(guest.status)) refuse("offline");
  ctx.store.guests.setPower(guest.guest_id, "shutdown", null, null);
}

/** A graceful shutdown: `shutting_down` until it settles; the guest holds its host meanwhile. */
export function shutdown(ctx: ModelContext, guest: GuestRow): void {
  if (!ONLINE.has(guest.status)) refuse("offline");
  if (guest.status === "shutting_down") return;
  begin(ctx, guest, "shutting_down", guest.host_id);
}

/**
 * A reboot (the internal `pwr_ctl reboot`): a running guest boots again on the host it holds,
 * showing `booting` for the boot's duration, then `running`. By design (DSM's status during a
 * reboot is not recorded): only a running guest reboots.
 */
export function reboot(ctx: ModelContext, guest: GuestRow): void {
  if (guest.status !== "running") refuse("offline");
  begin(ctx, guest, "booting", guest.host_id);
}

/** A crash (the control plane's): the guest stops at once and frees its host. */
export function crash(ctx: ModelContext, guest: GuestRow): void {
  ctx.store.guests.setPower(guest.guest_id, "crashed", null, null);
}

/** Settles every transition due by `now` into its end state. */
export function settleTransitions(store: Store, now: number): void {
  for (const guest of store.guests.dueTransitions(now)) {
    const transition = Object.hasOwn(TRANSITIONS, guest.status)
      ? TRANSITIONS[guest.status as keyof typeof TRANSITIONS]
      : undefined;
    if (transition === undefined) {
      // A due mark on a guest in no transition (an old database): drop the mark only.
      store.guests.setPower(guest.guest_id, guest.status, guest.host_id, null);
    } else {
      store.guests.setPower(
        guest.guest_id,
        transition.settlesTo,
        transition.keepsHost ? guest.host_id : null,
        null,
      );
    }
  }
}
