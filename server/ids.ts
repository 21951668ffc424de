/** Identifiers in DSM's shapes, from a CSPRNG. */
import { randomBytes, randomUUID } from "node:crypto";

/**
 * A session id in DSM's shape for the login's version: 86 base64url characters on version 7
 * (512 random bits, as DSM 7's sids look), 26 on older versions (DSM 6's length; 156 bits).
 */
export const newSid = (loginVersion: number): string =>
  loginVersion >= 7
    ? randomBytes(64).toString("base64url")
    : randomBytes(20).toString("base64url").slice(0, 26);

/** A SynoToken (CSRF token): 96 random bits. */
export const newSynoToken = (): string => randomBytes(12).toString("base64url");

/**
 * A device token for trusted-device logins: on version 7 (`device_id`) an 86-character base64url
 * token like the sid, as DSM 7.1.1 issues them; on older versions (`did`) 32 characters, DSM 6's
 * format not being recorded.
 */
export const newDeviceToken = (loginVersion: number): string =>
  randomBytes(loginVersion >= 7 ? 64 : 24).toString("base64url");

/** Guest, vdisk, vnic and image ids are UUIDs on DSM. */
export const newUuid = (): string => randomUUID();

/** `@<group>/virtualization_api_<kind>_create<16 hex>` as in the guide. */
export function newTaskId(group: "administrators" | "users", kind: string): string {
  return `@${group}/virtualization_api_${kind}_create${randomBytes(8).toString("hex").toUpperCase()}`;
}

/** A random MAC in Synology's OUI range (02:11:32), as VMM generates them. */
export function newMac(): string {
  const tail = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, "0"));
  return `02:11:32:${tail.join(":")}`;
}
