/**
 * DSM's system APIs (the NAS around VMM), as Home Assistant's library reads them: the keys it
 * indexes and their types, from py-synologydsm-api's recorded DSM 6 and 7 answers. Loose
 * objects (a NAS answers many keys no client reads); strict about what clients do read.
 *
 * By design these restate the recordings instead of importing the emulator's presenters.
 */
import { z } from "zod";

const int = z.number().int();
/** Sizes in DSM's storage answers: decimal strings of bytes. */
const bytes = z.string().regex(/^\d+$/);

export const utilization = z.object({
  cpu: z.object({
    "15min_load": int,
    "1min_load": int,
    "5min_load": int,
    device: z.string(),
    other_load: int,
    system_load: int,
    user_load: int,
  }),
  memory: z.object({
    avail_real: int,
    avail_swap: int,
    buffer: int,
    cached: int,
    memory_size: int,
    real_usage: int,
    swap_usage: int,
    total_real: int,
    total_swap: int,
  }),
  network: z.array(z.object({ device: z.string(), rx: int, tx: int })),
});

export const storageInfo = z.object({
  disks: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      device: z.string(),
      smart_status: z.string(),
      status: z.string(),
      temp: int,
      exceed_bad_sector_thr: z.boolean(),
      below_remain_life_thr: z.boolean(),
      size_total: bytes,
    }),
  ),
  storagePools: z.array(z.object({ id: z.string(), disks: z.array(z.string()), status: z.string() })),
  volumes: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      size: z.object({ total: bytes, used: bytes }),
    }),
  ),
});

export const dsmNetwork = z.object({
  hostname: z.string(),
  interfaces: z.array(
    z.object({
      id: z.string(),
      mac: z.string().optional(),
      ip: z.array(z.object({ address: z.string(), netmask: z.string() })).optional(),
      type: z.string(),
    }),
  ),
});

export const coreSystem = z.object({
  cpu_cores: z.string(),
  firmware_ver: z.string(),
  model: z.string(),
  ram_size: int,
  serial: z.string(),
  sys_temp: int.optional(),
  up_time: z.string().regex(/^\d+:\d+:\d+$/),
  usb_dev: z.array(z.object({ producer: z.string(), product: z.string() })).optional(),
});

/** Security Advisor's statuses, as py-synologydsm-api documents them. */
export const SECURITY_STATUSES = ["safe", "danger", "info", "outOfDate", "risk", "warning"] as const;

export const securityScan = z.object({
  items: z.record(z.string(), z.object({ category: z.string(), failSeverity: z.string(), progress: int })),
  lastScanTime: z.string(),
  success: z.boolean(),
  sysProgress: int,
  sysStatus: z.enum(SECURITY_STATUSES),
});

export const upgradeCheck = z.object({
  update: z.object({ available: z.boolean(), version: z.string().optional() }),
});

export const usbList = z.object({
  devices: z.array(
    z.object({
      dev_id: z.string(),
      dev_title: z.string(),
      dev_type: z.string(),
      partitions: z.array(z.object({ name_id: z.string(), total_size_mb: z.union([int, z.string()]) })),
      producer: z.string(),
      status: z.string(),
      total_size_mb: int,
    }),
  ),
});
