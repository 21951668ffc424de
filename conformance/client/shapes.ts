/**
 * The guide's objects, key for key and type for type, as zod schemas. The client uses them to
 * type its answers; the shape scenarios use them strictly (an unknown key is a difference worth
 * knowing about, in either direction). Keys that the guide says appear only in some states are
 * optional (host CPU/RAM figures and storage sizes are absent while the host is missing).
 *
 * By design these restate the guide instead of importing the emulator's own lists (fixture.ts):
 * the kit judges the emulator, so a mistake in the emulator's enums must not be copied here.
 */
import { z } from "zod";
import { GUEST_STATUSES, HOST_STATUSES } from "../../contract/statuses";

const int = z.number().int();

export const apiInfoEntry = z.object({
  path: z.string(),
  minVersion: int,
  maxVersion: int,
  requestFormat: z.string().optional(),
});
export const apiInfo = z.record(z.string(), apiInfoEntry);
export type ApiInfo = z.infer<typeof apiInfo>;

export const loginData = z.object({
  sid: z.string().min(1),
  synotoken: z.string().optional(),
  did: z.string().optional(),
  device_id: z.string().optional(),
  ik_message: z.string().optional(),
  account: z.string().optional(),
  is_portal_port: z.boolean().optional(),
});

/** SYNO.API.Encryption getinfo (DSM 7): the RSA key clients encrypt their login with. */
export const encryptionInfo = z.strictObject({
  public_key: z.string().min(1),
  cipherkey: z.string().min(1),
  ciphertoken: z.string().min(1),
  server_time: int,
});

/** SYNO.Core.NormalUser get (DSM 7), as the Terraform provider's session probe decodes it. */
export const normalUser = z.strictObject({
  OTP_enable: z.boolean(),
  OTP_enforced: z.boolean(),
  disallowchpasswd: z.boolean(),
  editable: z.boolean(),
  email: z.string(),
  fullname: z.string(),
  password_last_change: int,
  username: z.string().min(1),
});

/** SYNO.Entry.Request request: one envelope per call of the batch. */
export const batchAnswer = z.strictObject({
  has_fail: z.boolean(),
  result: z.array(
    z.object({
      api: z.string(),
      method: z.string(),
      version: int,
      success: z.boolean(),
      data: z.unknown().optional(),
      error: z.object({ code: int }).optional(),
    }),
  ),
});

export const dsmInfo = z.object({
  model: z.string(),
  version: z.string(),
  version_string: z.string().optional(),
  serial: z.string().optional(),
  ram: int.optional(),
  codepage: z.string().optional(),
  temperature: int.optional(),
  temperature_warn: z.boolean().optional(),
  time: z.string().optional(),
  uptime: int.optional(),
});
export type DsmInfo = z.infer<typeof dsmInfo>;

export const network = z.strictObject({ network_id: z.string(), network_name: z.string() });
export type Network = z.infer<typeof network>;

export const STORAGE_STATUSES = [
  "online",
  "missing",
  "unavailable",
  "degraded",
  "crashed",
  "full",
  "provision_warning",
] as const;

export const storage = z.strictObject({
  host_id: z.string(),
  host_name: z.string(),
  size: int.optional(),
  status: z.enum(STORAGE_STATUSES),
  storage_id: z.string(),
  storage_name: z.string(),
  used: int.optional(),
  volume_path: z.string(),
});
export type Storage = z.infer<typeof storage>;

export const host = z.strictObject({
  free_cpu_core: int.optional(),
  free_ram_size: int.optional(),
  host_id: z.string(),
  host_name: z.string(),
  status: z.enum(HOST_STATUSES),
  total_cpu_core: int.optional(),
  total_ram_size: int.optional(),
});
export type Host = z.infer<typeof host>;

/** DSM's guest statuses, as the contract lists them (the kit checks a NAS against the same list). */
export { GUEST_STATUSES };
export type GuestStatus = (typeof GUEST_STATUSES)[number];

export const vdisk = z.strictObject({
  controller: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  unmap: z.boolean(),
  vdisk_id: z.string(),
  vdisk_size: int,
});

export const vnic = z.strictObject({
  mac: z.string().regex(/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/),
  model: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  network_id: z.string(),
  network_name: z.string(),
  vnic_id: z.string(),
});

export const guest = z.strictObject({
  autorun: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  description: z.string(),
  guest_id: z.string(),
  guest_name: z.string(),
  status: z.enum(GUEST_STATUSES),
  storage_id: z.string(),
  storage_name: z.string(),
  vcpu_num: int,
  vdisks: z.array(vdisk),
  vnics: z.array(vnic),
  vram_size: int,
});
export type Guest = z.infer<typeof guest>;

export const image = z.strictObject({
  image_id: z.string(),
  image_name: z.string(),
  storages: z.array(
    z.strictObject({ status: z.enum(STORAGE_STATUSES), storage_id: z.string(), storage_name: z.string() }),
  ),
  type: z.enum(["disk", "vdsm", "iso"]),
  /** Beyond the guide: the image's size in bytes (the Terraform provider reads it). */
  used_size: int.optional(),
});
export type Image = z.infer<typeof image>;

/** DSM's task id: `@<group>/virtualization_api_<kind>_create<16 hex>`. */
export const TASK_ID = /^@[^/]+\/virtualization_api_(guest|image)_create[0-9A-Fa-f]{16}$/;

export const taskCreated = z.strictObject({ task_id: z.string().regex(TASK_ID) });

export const taskState = z.strictObject({
  finish: z.boolean(),
  task_info: z.strictObject({
    auto_clean_task: z.boolean(),
    guest_id: z.string().optional(),
    image_id: z.string().optional(),
    progress: int.min(0).max(100),
    status: z.string(),
  }),
});
export type TaskState = z.infer<typeof taskState>;

export const taskList = z.strictObject({ task_ids: z.array(z.string()) });
export const guestList = z.strictObject({ guests: z.array(guest) });
export const hostList = z.strictObject({ hosts: z.array(host) });
export const storageList = z.strictObject({ storages: z.array(storage) });
export const networkList = z.strictObject({ networks: z.array(network) });
export const imageList = z.strictObject({ images: z.array(image) });
