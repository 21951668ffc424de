/** Parameter schemas the public dialect's APIs share. */
import { ref } from "../../wire/codecs";

/** `guest_id` | `guest_name`: an empty one is absent (clients send both, one empty). */
export const guestRef = { guest_id: ref(), guest_name: ref() };

/** The model's reference from the guide's id/name pair. */
export const refOf = (id: string | undefined, name: string | undefined) => ({ id, name });
