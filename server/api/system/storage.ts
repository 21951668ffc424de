/**
 * SYNO.Storage.CGI.Storage load_info: the NAS's disks, storage pools and volumes, as Home
 * Assistant's volume and disk sensors read them (volume status, size and used; disk status,
 * SMART status and temperature; pool status). Sizes are decimal strings of bytes, as every
 * recording has them. Each VMM storage of the NAS is a volume on a pool of two disks (RAID 1).
 *
 * Gaps: a `failing` disk answers `status: "warning"` and `smart_status: "warning"`, a crashed one
 * `"crashed"` and `"failing"` (no recording shows either: docs/differences.md); the disks'
 * model, vendor and firmware are one Synology drive's.
 */
import { z } from "zod";
import { type Disk, nasOf, type Volume } from "../../model/nas";
import { type ApiOperations, op } from "../../wire/operation";
import { bytesText } from "./present";

const DISK_LOOK = {
  normal: { status: "normal", smart_status: "normal", overview_status: "normal" },
  failing: { status: "warning", smart_status: "warning", overview_status: "warning" },
  crashed: { status: "crashed", smart_status: "failing", overview_status: "crashed" },
} as const;

function presentDisk(d: Disk, model: string) {
  const look = DISK_LOOK[d.state];
  return {
    adv_status: "normal",
    below_remain_life_thr: false,
    compatibility: "support",
    container: { order: 0, str: model, supportPwrBtnDisable: false, type: "internal" },
    device: `/dev/${d.id}`,
    diskType: "SATA",
    exceed_bad_sector_thr: d.state !== "normal",
    firm: "SC60",
    id: d.id,
    isSsd: false,
    longName: `Drive ${d.number}`,
    model: "HAT5300-4T",
    name: `Drive ${d.number}`,
    num_id: d.number,
    order: d.number,
    overview_status: look.overview_status,
    remain_life: -1,
    serial: d.serial,
    size_total: bytesText(d.sizeMiB),
    smart_status: look.smart_status,
    smart_testing: false,
    status: look.status,
    temp: d.temperature,
    tray_status: "join",
    unc: 0,
    used_by: d.poolId,
    vendor: "Synology",
  };
}

const progress = { percent: "-1", step: "none" };

function presentPool(v: Volume, index: number) {
  const failed = v.disks.filter((d) => d.state === "crashed").length;
  return {
    container: "internal",
    deploy_path: v.id,
    desc: `Storage Pool ${index + 1}, RAID 1`,
    device_type: "raid_1",
    disk_failure_number: failed,
    disks: v.disks.map((d) => d.id),
    id: v.poolId,
    is_actioning: false,
    is_writable: v.status !== "crashed",
    num_id: index + 1,
    pool_path: v.poolId,
    progress,
    raidType: "single",
    raids: [
      {
        designedDiskCount: v.disks.length,
        devices: v.disks.map((d, slot) => ({
          id: d.id,
          slot,
          status: d.state === "crashed" ? "crashed" : "normal",
        })),
        hasParity: false,
        normalDevCount: v.disks.length - failed,
        raidPath: `/dev/md${index + 2}`,
        raidStatus: v.status === "normal" ? 1 : 2,
        spares: [],
      },
    ],
    scrubbingStatus: "no_action",
    size: { total: bytesText(v.totalMiB), used: bytesText(v.totalMiB) },
    status: v.status,
  };
}

function presentVolume(v: Volume, index: number) {
  return {
    atime_opt: "relatime",
    container: "internal",
    deploy_path: v.id,
    desc: `Storage Pool ${index + 1}, RAID 1`,
    device_type: "raid_1",
    disk_failure_number: v.disks.filter((d) => d.state === "crashed").length,
    fs_type: "btrfs",
    id: v.id,
    is_acting: false,
    is_actioning: false,
    is_writable: v.status !== "crashed",
    num_id: v.number,
    pool_path: v.poolId,
    progress,
    raidType: "single",
    scrubbingStatus: "no_action",
    size: {
      free_inode: "0",
      total: bytesText(v.totalMiB),
      total_device: bytesText(v.totalMiB),
      total_inode: "0",
      used: bytesText(v.usedMiB),
    },
    status: v.status,
    vol_path: v.path,
  };
}

const load_info = op({
  params: z.object({}),
  run: (ctx) => {
    const nas = nasOf(ctx.store, ctx.now);
    const disks = nas.volumes.flatMap((v) => v.disks);
    return {
      disks: disks.map((d) => presentDisk(d, nas.system.model)),
      env: {
        bay_number: String(disks.length),
        fs_acting: false,
        is_space_actioning: false,
        model_name: nas.system.model,
        ram_size: Math.round(nas.host.total_ram_size / 1024),
        status: { system_crashed: false, system_need_repair: false },
        volume_full_critical: 0.1,
        volume_full_warning: 0.2,
      },
      hotSpareConf: { cross_repair: true, disable_repair: [] },
      hotSpares: [],
      iscsiLuns: [],
      iscsiTargets: [],
      ports: [],
      ssdCaches: [],
      storagePools: nas.volumes.map(presentPool),
      volumes: nas.volumes.map(presentVolume),
    };
  },
});

export const nasStorageApi: ApiOperations<"SYNO.Storage.CGI.Storage"> = { methods: { load_info } };
