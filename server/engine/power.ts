/** Power transitions that end with time: booting → running, shutting_down → shutdown. */
import type { Store } from "../store/index";

export function settleTransitions(store: Store, now: number): void {
  for (const guest of store.mutations.dueTransitions(now)) {
    if (guest.status === "booting")
      store.mutations.setGuestStatus(guest.guest_id, "running", guest.host_id, null);
    else if (guest.status === "shutting_down")
      store.mutations.setGuestStatus(guest.guest_id, "shutdown", null, null);
    else store.mutations.setGuestStatus(guest.guest_id, guest.status, guest.host_id, null);
  }
}
