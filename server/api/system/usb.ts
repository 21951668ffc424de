/**
 * SYNO.Core.ExternalDevice.Storage.USB list: USB disks attached to the NAS, as Home Assistant's
 * external USB sensors read them (py-synologydsm-api POSTs `additional=["all"]`). Shape as the
 * library's DSM 7 recording; the devices are those a test attaches (`nas.usb`), each with one
 * partition that fills it.
 */
import { z } from "zod";
import { nasOf } from "../../model/nas";
import { type ApiOperations, op } from "../../wire/operation";

/** The kernel's name for a filesystem DSM shows by its own (`FAT32` is vfat). */
const fstype = (filesystem: string) => (filesystem === "FAT32" ? "vfat" : filesystem.toLowerCase());

const list = op({
  params: z.object({}),
  run: (ctx) => {
    const nas = nasOf(ctx.store, ctx.now);
    return {
      devices: nas.state.usb.map((d, i) => {
        const n = i + 1;
        return {
          dev_id: `usb${n}`,
          dev_title: `USB Disk ${n}`,
          dev_type: "usbDisk",
          formatable: true,
          partitions: [
            {
              dev_fstype: fstype(d.filesystem),
              filesystem: d.filesystem,
              name_id: `usb${n}p1`,
              partition_title: `USB Disk ${n} Partition 1`,
              share_name: d.filesystem === "" ? "" : `usbshare${n}`,
              status: "normal",
              total_size_mb: d.size_mb,
              used_size_mb: Math.min(d.used_mb, d.size_mb),
            },
          ],
          producer: d.producer,
          product: d.product,
          progress: "",
          status: "normal",
          total_size_mb: d.size_mb,
        };
      }),
    };
  },
});

export const usbApi: ApiOperations<"SYNO.Core.ExternalDevice.Storage.USB"> = { methods: { list } };
