/**
 * The web UI's internal dialect (`SYNO.Virtualization.*`, no `.API`) as recorded on real NASes:
 * the Guest list of DSM 7.2 (py-synologydsm-api's fixture, see docs/clients.md), the Host list
 * of DSM 7.1.1, the Cluster get summary (docs/api-reference.md, "The web UI's internal APIs"). Restated here from the recordings, not taken
 * from the emulator, for the same reason as shapes.ts.
 *
 * These shapes are checked loosely on purpose: a recorded key that is missing, or of another
 * type, fails; a key the recording lacks is reported, since a newer VMM may add keys.
 */
import { z } from "zod";

const int = z.number().int();
const slots = z.array(z.string());

/** What the recording shows only on a running guest. */
const runningOnly = {
  has_agent: z.boolean().optional(),
  host_net_ifs: z.array(z.string()).optional(),
  max_disk_latency: z.number().optional(),
  total_disk_iops: z.number().optional(),
  total_disk_throughput: z.number().optional(),
  total_net_receive: z.number().optional(),
  total_net_send: z.number().optional(),
};

/** Every key of the recorded running guest, with its type. */
export const internalGuest = z.object({
  autorun: int,
  birth_info: z.object({ desc: z.string(), from: z.string(), method: z.string() }),
  boot_from: z.string(),
  can_ha: z.boolean(),
  cpu_passthru: z.boolean(),
  cpu_pin_num: int,
  cpu_weight: int,
  desc: z.string(),
  dsm_version: z.string(),
  guest_id: z.string().min(1),
  ha_status: z.string(),
  ha_status_detail: z.string(),
  ha_status_type: z.string(),
  host_id: z.string(),
  host_name: z.string(),
  host_ram_size: int,
  http_port: int,
  https_enable: z.boolean(),
  https_port: int,
  https_redirect: z.boolean(),
  hyperv_enlighten: z.boolean(),
  ip: z.string(),
  is_acting: z.boolean(),
  is_general_vm: z.boolean(),
  is_online: z.boolean(),
  is_replica_support: z.boolean(),
  is_rs_install: z.boolean(),
  iso_images: slots,
  kb_layout: z.string(),
  name: z.string().min(1),
  /** KiB; 0 when off. */
  ram_used: int,
  repo_id: z.string(),
  repo_name: z.string(),
  snap_num: int,
  status: z.string(),
  status_desc: z.string(),
  status_type: z.string(),
  usb_device_name: z.string().nullable(),
  usbs: slots,
  use_ovmf: z.boolean(),
  vcpu_num: int,
  /** Per mille of the host while running; `""` when off. */
  vcpu_usage: z.union([z.number(), z.literal("")]),
  vdisk_num: int,
  video_card: z.string(),
  /** KiB. */
  vram_size: int,
  ...runningOnly,
});
export type InternalGuest = z.infer<typeof internalGuest>;

/** The keys the recording shows only on a running guest. */
export const RUNNING_ONLY_KEYS = Object.keys(runningOnly) as readonly (keyof typeof runningOnly)[];

export const internalGuestList = z.object({
  canHA: z.boolean(),
  canMove: z.boolean(),
  is_freeze: z.boolean(),
  guests: z.array(internalGuest),
});

export const internalHost = z.object({
  cpu_commit_ratio: z.number(),
  cpu_num: int,
  cpu_num_physical: int,
  cpu_pin_num: int,
  cpu_usage: z.number(),
  cpu_vendor: z.string(),
  free_cpu_core: z.number(),
  free_cpu_ghz: z.number(),
  free_cpu_pin: z.number(),
  /** KiB. */
  free_ram_size: int,
  free_ram_size_for_guest: int,
  host_id: z.string().min(1),
  http_port: int,
  https_port: int,
  ip: z.string(),
  ipList: z.array(z.unknown()),
  model: z.string(),
  name: z.string(),
  package_version: z.string(),
  rs_package_version: z.string(),
  status: z.string(),
  status_type: z.string(),
  sys_reserved_ram_size: int,
  total_cpu_num: int,
  /** KiB. */
  total_ram_size: int,
  version: z.string(),
  vm_reserved_ram_size: int,
  vm_save_repo: z.unknown(),
});

export const internalHostList = z.object({
  hosts: z.array(internalHost),
  is_freeze: z.boolean(),
  max_host_num: int,
});

const summary = z.object({ error: int, healthy: int, warning: int });

export const clusterSummary = z.object({
  cluster_status: z.string(),
  guest_summ: summary.extend({ running: int }),
  host_summ: summary,
  license_summ: summary,
  reasons: z.array(z.object({ num: int, status: z.string() }).loose()),
  repo_summ: summary,
});

/** The keys of `value` that `schema` (an object schema) does not know: what a newer DSM added. */
export function unknownKeys(schema: z.ZodObject, value: unknown): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.keys(value).filter((k) => !(k in schema.shape));
}
