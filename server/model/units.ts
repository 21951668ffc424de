/**
 * Canonical units inside the model: memory and sizes in MiB, which the guide's public API calls
 * MB (its 1024 MB is a GiB). Each dialect's presenter converts on the way out and its parameter
 * schema on the way in; nothing below the dialects ever sees another unit.
 */
export type MiB = number;

export const KIB_PER_MIB = 1024;

/** The web UI's internal API counts memory in KiB. */
export const kibFromMib = (mib: MiB): number => mib * KIB_PER_MIB;

/** The web UI's edit form counts vdisk sizes in GiB. */
export const gibFromMib = (mib: MiB): number => mib / 1024;

export const BYTES_PER_MIB = 1024 * 1024;

/** A size in bytes, as the web UI's repos and both dialects' image `used_size` give it. */
export const bytesFromMib = (mib: MiB): number => mib * BYTES_PER_MIB;

/** An upload's size in bytes as the space it takes, rounded up to a whole MiB. */
export const mibFromBytes = (bytes: number): MiB => Math.ceil(bytes / BYTES_PER_MIB);
