/** Parameter schemas both dialects share. */
import { ref } from "../wire/codecs";

/** `guest_id` | `guest_name`: an empty one is absent (clients send both, one empty). */
export const guestRef = { guest_id: ref(), guest_name: ref() };
