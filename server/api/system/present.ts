/** What the system presenters share: DSM's figures as strings, the temperature warning, USB ids. */
import { createHash } from "node:crypto";
import { BYTES_PER_MIB } from "../../model/nas";
import type { UsbDevice } from "../../store/nas";

/** °C from which DSM's temperature warnings are on (a guess: DSM's threshold is per model). */
export const HOT = 70;

/** Bytes as DSM's storage answers carry them: a decimal string (they may pass 2^53 on a NAS). */
export const bytesText = (mib: number): string => String(mib * BYTES_PER_MIB);

/** A USB device's vendor and product ids: four hex digits each, stable per device. */
export function usbIds(d: UsbDevice, index: number): { vid: string; pid: string } {
  const hex = createHash("sha256").update(`${index}/${d.producer}/${d.product}`).digest("hex");
  return { vid: hex.slice(0, 4), pid: hex.slice(4, 8) };
}
