/**
 * The fixture format: a whole NAS (system, accounts, hosts, storages, networks, shares,
 * images, guests) as one JSON document, validated at load with a message naming the bad field.
 * Ids are given in the file, so every run of a fixture has the same ids.
 */
import { readFileSync, statSync } from "node:fs";
import { z } from "zod";
import {
  AUTO_SELECT,
  CLUSTER_STATUSES,
  DISK_STATES,
  FIXTURE_GUEST_STATUSES,
  HOST_STATUSES,
  IMAGE_TYPES,
  SECURITY_STATES,
  STORAGE_STATUSES,
  VOLUME_STATES,
} from "../contract/statuses";

const id = z.string().min(1);
const mb = z.number().int().min(0);

const system = z.strictObject({
  model: z.string().min(1),
  dsm_version: z.string().min(1),
  dsm_build: z.number().int().positive(),
  serial: z.string().min(1),
  ram_mb: mb,
  vmm_version: z.string().min(1),
  cluster_status: z.enum(CLUSTER_STATUSES).default("normal"),
  pro_licence: z.boolean().default(true),
  ha_enabled: z.boolean().default(false),
  ha_reservation_ok: z.boolean().default(true),
  max_iscsi_luns: z.number().int().min(0),
  auto_select_host: z.enum(AUTO_SELECT).default("most_free_memory"),
});

const account = z.strictObject({
  name: z.string().min(1),
  /** Plain text in the fixture (tests must know it); only a hash reaches the database. */
  password: z.string(),
  admin: z.boolean(),
  disabled: z.boolean().default(false),
  /** DSM's application privileges deny this account the login (the Auth API answers 402). */
  login_denied: z.boolean().default(false),
  /** Base32 TOTP secret: the account then needs a 2-step verification code. */
  otp_secret: z
    .string()
    .regex(/^[A-Z2-7]+=*$/, "must be base32 (A-Z, 2-7)")
    .optional(),
  /** The second factors DSM's 403 lists for this account (default: `["otp"]` with an OTP secret). */
  second_factors: z
    .array(z.enum(["otp", "authenticator", "fido"]))
    .min(1)
    .optional(),
  /** The 2-step policy enforces a code but the account has none set up: login answers 406. */
  otp_enforced: z.boolean().default(false),
  /** `expired` answers 409, `expired_locked` 408 (expired and may not be changed), `must_change` 410. */
  password_state: z.enum(["ok", "expired", "expired_locked", "must_change"]).default("ok"),
  /** Locked after too many failed attempts: login answers 411. */
  locked: z.boolean().default(false),
  /** What SYNO.Core.NormalUser answers about the account. */
  email: z.string().default(""),
  fullname: z.string().default(""),
});

const host = z.strictObject({
  host_id: id,
  host_name: z.string().min(1),
  status: z.enum(HOST_STATUSES).default("running"),
  total_cpu_core: z.number().int().positive(),
  total_ram_size: z.number().int().positive(),
  /** MB that DSM itself uses on this host, not available to guests. */
  other_ram_used: mb.default(0),
});

const storage = z.strictObject({
  storage_id: id,
  storage_name: z.string().min(1),
  host_id: id,
  size: mb,
  other_used: mb.default(0),
  status: z.enum(STORAGE_STATUSES).default("online"),
  volume_path: z.string().startsWith("/"),
});

const network = z.strictObject({
  network_id: id,
  network_name: z.string().min(1),
  /** The hosts that have this network; powering a guest on elsewhere answers 909. */
  host_ids: z.array(id),
});

const share = z.strictObject({
  name: z.string().regex(/^[^/]+$/, "a share name has no slash"),
  files: z.array(z.strictObject({ name: z.string().min(1), size: mb })).default([]),
});

const image = z.strictObject({
  image_id: id,
  image_name: z.string().min(1),
  type: z.enum(IMAGE_TYPES),
  size: mb,
  ds_file_path: z.string().startsWith("/"),
  storage_ids: z.array(id).min(1),
});

const vdisk = z.strictObject({
  vdisk_id: id,
  controller: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  unmap: z.boolean().default(false),
  vdisk_size: z.number().int().positive(),
  image_id: id.optional(),
});

const vnic = z.strictObject({
  vnic_id: id,
  mac: z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, "must be a lower-case MAC (02:11:32:aa:bb:cc)"),
  model: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  network_id: id.nullable(),
});

const guest = z.strictObject({
  guest_id: id,
  guest_name: z.string().min(1),
  description: z.string().default(""),
  autorun: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
  status: z.enum(FIXTURE_GUEST_STATUSES).default("shutdown"),
  storage_id: id,
  /** Required when status is running: where it runs. */
  host_id: id.optional(),
  vcpu_num: z.number().int().positive(),
  vram_size: z.number().int().positive(),
  /** Not exposed by the API; drives 911 (UEFI cannot boot remotely). */
  uefi: z.boolean().default(false),
  /** Not exposed by the API; threads to reserve on the host, drives 908. */
  cpu_reservation: z.number().int().min(0).default(0),
  vdisks: z.array(vdisk),
  vnics: z.array(vnic),
});

/** DSM 7's disk ids: `sata1`, `sata2`, ... */
export const diskId = z.string().regex(/^sata[1-9][0-9]*$/, "a disk id is sata1, sata2, ...");

export const usbDeviceSchema = z.strictObject({
  producer: z.string().min(1),
  product: z.string().min(1),
  /** MB, as DSM's `total_size_mb`. */
  size_mb: mb,
  used_mb: mb.default(0),
  /** DSM's `filesystem` (`ntfs`, `FAT32`, `ext4`, ...); empty: an unsupported partition. */
  filesystem: z.string().default("ext4"),
});

/**
 * The NAS around VMM (DSM's system APIs): its states a test can set, each with a default so a
 * fixture without this section still loads. Disks are named by DSM 7's ids (`sata1`, `sata2`, ...),
 * volumes by their storage's id.
 */
export const nasSchema = z.strictObject({
  /** The host a login lands on (default: the cluster's first host). */
  host_id: id.optional(),
  /** °C, SYNO.Core.System's `sys_temp` and SYNO.DSM.Info's `temperature`. */
  temperature: z.number().int().min(0).max(120).default(40),
  /** The DSM version an update would bring, or null: no update available. */
  update: z.string().min(1).nullable().default(null),
  security: z.enum(SECURITY_STATES).default("safe"),
  disks: z.record(diskId, z.enum(DISK_STATES)).default({}),
  volumes: z.record(id, z.enum(VOLUME_STATES)).default({}),
  usb: z.array(usbDeviceSchema).max(16).default([]),
});

export type NasState = z.output<typeof nasSchema>;
export type UsbDevice = z.output<typeof usbDeviceSchema>;
/**
 * The fixture format's version. A fixture without `format` is format 1. Raise it when a change
 * would make an older fixture mean something else or fail, and say in FORMAT_CHANGES what an
 * older fixture must change, so that loading one names the edit instead of a bare field error.
 */
export const FIXTURE_FORMAT = 1;
/** From format N-1 to N: what a fixture written for N-1 must change (none yet). */
export const FORMAT_CHANGES: Readonly<Record<number, string>> = {};

export const fixtureSchema = z
  .strictObject({
    /** The format this fixture was written for (default 1); a newer one than the emulator's is refused. */
    format: z
      .number()
      .int()
      .min(1)
      .max(
        FIXTURE_FORMAT,
        `this emulator reads fixture formats 1 to ${FIXTURE_FORMAT}: a newer emulator wrote it, so upgrade this one`,
      )
      .optional(),
    /** Where this inventory came from (captured from a NAS, or written by hand and why). */
    source: z.string().min(1),
    system,
    accounts: z.array(account).min(1),
    hosts: z.array(host).min(1),
    storages: z.array(storage),
    networks: z.array(network),
    shares: z.array(share).default([]),
    images: z.array(image).default([]),
    guests: z.array(guest).default([]),
    nas: nasSchema.default(() => nasSchema.parse({})),
  })
  .superRefine((f, ctx) => {
    const hostIds = new Set(f.hosts.map((h) => h.host_id));
    const storageIds = new Set(f.storages.map((s) => s.storage_id));
    const networkIds = new Set(f.networks.map((n) => n.network_id));
    const imageIds = new Set(f.images.map((i) => i.image_id));
    const bad = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    if (f.nas.host_id !== undefined && !hostIds.has(f.nas.host_id))
      bad(["nas", "host_id"], `unknown host ${f.nas.host_id}`);
    for (const storageId of Object.keys(f.nas.volumes))
      if (!storageIds.has(storageId)) bad(["nas", "volumes", storageId], `unknown storage ${storageId}`);
    f.storages.forEach((s, i) => {
      if (!hostIds.has(s.host_id)) bad(["storages", i, "host_id"], `unknown host ${s.host_id}`);
    });
    f.networks.forEach((n, i) => {
      n.host_ids.forEach((h, j) => {
        if (!hostIds.has(h)) bad(["networks", i, "host_ids", j], `unknown host ${h}`);
      });
    });
    f.images.forEach((im, i) => {
      im.storage_ids.forEach((s, j) => {
        if (!storageIds.has(s)) bad(["images", i, "storage_ids", j], `unknown storage ${s}`);
      });
    });
    const macs = new Set<string>();
    f.guests.forEach((g, i) => {
      if (!storageIds.has(g.storage_id)) bad(["guests", i, "storage_id"], `unknown storage ${g.storage_id}`);
      if (g.status === "running" && (g.host_id === undefined || !hostIds.has(g.host_id))) {
        bad(["guests", i, "host_id"], "a running guest needs the host_id of a fixture host");
      }
      g.vnics.forEach((v, j) => {
        if (v.network_id !== null && !networkIds.has(v.network_id)) {
          bad(["guests", i, "vnics", j, "network_id"], `unknown network ${v.network_id}`);
        }
        if (macs.has(v.mac)) bad(["guests", i, "vnics", j, "mac"], `MAC ${v.mac} is used twice`);
        macs.add(v.mac);
      });
      g.vdisks.forEach((d, j) => {
        if (d.image_id !== undefined && !imageIds.has(d.image_id)) {
          bad(["guests", i, "vdisks", j, "image_id"], `unknown image ${d.image_id}`);
        }
      });
    });
    for (const [list, key] of [
      [f.hosts.map((h) => h.host_name), "hosts"],
      [f.storages.map((s) => s.storage_name), "storages"],
      [f.networks.map((n) => n.network_name), "networks"],
      [f.images.map((im) => im.image_name), "images"],
      [f.guests.map((g) => g.guest_name), "guests"],
      [f.accounts.map((a) => a.name), "accounts"],
      [f.shares.map((sh) => sh.name), "shares"],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((name, i) => {
        if (seen.has(name)) bad([key, i], `name ${name} is used twice`);
        seen.add(name);
      });
    }
    // Ids are primary keys: a duplicate would otherwise surface as a SQLite constraint error
    // at seed time, naming no field.
    type Entry = [value: string, path: (string | number)[]];
    const at = (value: string, ...path: (string | number)[]): Entry => [value, path];
    const unique = (entries: Entry[], what: string) => {
      const seen = new Set<string>();
      for (const [value, path] of entries) {
        if (seen.has(value)) bad(path, `${what} ${value} is used twice`);
        seen.add(value);
      }
    };
    unique(
      f.hosts.map((h, i) => at(h.host_id, "hosts", i, "host_id")),
      "host_id",
    );
    unique(
      f.storages.map((st, i) => at(st.storage_id, "storages", i, "storage_id")),
      "storage_id",
    );
    unique(
      f.networks.map((n, i) => at(n.network_id, "networks", i, "network_id")),
      "network_id",
    );
    unique(
      f.images.map((im, i) => at(im.image_id, "images", i, "image_id")),
      "image_id",
    );
    unique(
      f.guests.map((g, i) => at(g.guest_id, "guests", i, "guest_id")),
      "guest_id",
    );
    unique(
      f.guests.flatMap((g, i) =>
        g.vdisks.map((d, j) => at(d.vdisk_id, "guests", i, "vdisks", j, "vdisk_id")),
      ),
      "vdisk_id",
    );
    unique(
      f.guests.flatMap((g, i) => g.vnics.map((v, j) => at(v.vnic_id, "guests", i, "vnics", j, "vnic_id"))),
      "vnic_id",
    );
    f.networks.forEach((n, i) => {
      unique(
        n.host_ids.map((h, j) => at(h, "networks", i, "host_ids", j)),
        "host",
      );
    });
    f.images.forEach((im, i) => {
      unique(
        im.storage_ids.map((st, j) => at(st, "images", i, "storage_ids", j)),
        "storage",
      );
    });
    f.shares.forEach((sh, i) => {
      unique(
        sh.files.map((file, j) => at(file.name, "shares", i, "files", j, "name")),
        "file",
      );
    });
  });

export type Fixture = z.output<typeof fixtureSchema>;
export type FixtureAccount = z.output<typeof account>;

/** One account with the fixture format's defaults filled in (for code that builds fixtures). */
export function fixtureAccount(input: z.input<typeof account>): FixtureAccount {
  return account.parse(input);
}

/**
 * The fixture with these accounts (`--accounts`) in place of its own of the same names, the rest
 * appended: each a plain enabled account without 2-step verification, hashed at seeding like any.
 */
export function withAccounts(
  fixture: Fixture,
  accounts: readonly { name: string; password: string; admin: boolean }[],
): Fixture {
  if (accounts.length === 0) return fixture;
  const given = new Map(accounts.map((a) => [a.name, fixtureAccount(a)]));
  const kept = fixture.accounts.map((a) => given.get(a.name) ?? a);
  const added = [...given.values()].filter((a) => !fixture.accounts.some((f) => f.name === a.name));
  return { ...fixture, accounts: [...kept, ...added] };
}

/** Thrown for a fixture that does not validate; the message names every bad field. */
export class FixtureError extends Error {
  override name = "FixtureError";
}

export function parseFixture(input: unknown, origin = "fixture"): Fixture {
  const result = fixtureSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new FixtureError(`${origin} is not a valid fixture:\n${lines.join("\n")}${upgradeHint(input)}`);
}

/** For a fixture of an older format that does not validate: what changed since, format by format. */
function upgradeHint(input: unknown): string {
  const given =
    typeof input === "object" && input !== null && "format" in input && typeof input.format === "number"
      ? input.format
      : 1;
  const steps: string[] = [];
  for (let v = given + 1; v <= FIXTURE_FORMAT; v++) {
    const change = FORMAT_CHANGES[v];
    if (change !== undefined) steps.push(`  format ${v}: ${change}`);
  }
  return steps.length === 0
    ? ""
    : `\nIt is written for format ${given}; this emulator reads format ${FIXTURE_FORMAT}. What to change:\n${steps.join("\n")}`;
}

/**
 * A fixture file, read and validated once per content: later loads of an unchanged file (same
 * size and modification time) answer the fixture parsed before. The answer is shared: never
 * mutate it (`withAccounts` and the seed only read it).
 */
export function loadFixtureFile(path: string): Fixture {
  const stat = statSync(path, { throwIfNoEntry: false });
  const version = stat === undefined ? undefined : `${stat.size}:${stat.mtimeMs}`;
  const known = parsedFiles.get(path);
  if (known !== undefined && known.version === version) return known.fixture;
  const fixture = readFixtureFile(path);
  if (version !== undefined) {
    if (parsedFiles.size >= PARSED_FILES_KEPT) parsedFiles.clear();
    parsedFiles.set(path, { version, fixture });
  }
  return fixture;
}

const PARSED_FILES_KEPT = 16;
const parsedFiles = new Map<string, { version: string; fixture: Fixture }>();

function readFixtureFile(path: string): Fixture {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new FixtureError(`cannot read fixture ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FixtureError(`fixture ${path} is not JSON: ${(err as Error).message}`);
  }
  return parseFixture(json, path);
}
