/**
 * SYNO.Core.System info (v1-3): the NAS itself, as Home Assistant's system sensors read it
 * (`cpu_cores`, `ram_size`, `sys_temp`, `up_time`, `serial`). Keys, types and units as recorded
 * by py-synologydsm-api on DSM 6.2 and 7 (`cpu_cores` and `up_time` are strings).
 *
 * Gaps: the CPU's name, clock and firmware date are the default fixture model's (a DS1621+'s
 * Ryzen V1500B); `time` is the emulator clock in UTC and the time zone is always UTC; a USB device
 * attached by a test is listed as a disk (`cls: "disk"`).
 */
import { z } from "zod";
import { nasOf } from "../../model/nas";
import { type ApiOperations, op } from "../../wire/operation";
import { HOT, usbIds } from "./present";

const pad = (n: number) => String(n).padStart(2, "0");

/** DSM's `YYYY-MM-DD HH:MM:SS`. */
function dsmTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** DSM's `hours:minutes:seconds`, unpadded ("75:12:9"). */
function upTime(seconds: number): string {
  return `${Math.floor(seconds / 3600)}:${Math.floor((seconds % 3600) / 60)}:${seconds % 60}`;
}

const info = op({
  params: z.object({}),
  run: (ctx) => {
    const nas = nasOf(ctx.store, ctx.now);
    const hot = nas.state.temperature >= HOT;
    return {
      cpu_clock_speed: 2200,
      cpu_cores: String(nas.host.total_cpu_core),
      cpu_family: "Ryzen",
      cpu_series: "V1500B",
      cpu_vendor: "AMD",
      enabled_ntp: true,
      firmware_date: "2024/11/12",
      firmware_ver: `DSM ${nas.system.dsm_version}`,
      model: nas.system.model,
      ntp_server: "time.google.com",
      ram_size: nas.host.total_ram_size,
      sata_dev: [],
      serial: nas.system.serial,
      support_esata: "yes",
      sys_temp: nas.state.temperature,
      sys_tempwarn: hot,
      systempwarn: hot,
      temperature_warning: hot,
      time: dsmTime(ctx.now),
      time_zone: "UTC",
      time_zone_desc: "(GMT) Coordinated Universal Time",
      up_time: upTime(nas.uptimeSeconds),
      usb_dev: nas.state.usb.map((d, i) => ({
        cls: "disk",
        ...usbIds(d, i),
        producer: d.producer,
        product: d.product,
        rev: "1.00",
      })),
    };
  },
});

export const systemApi: ApiOperations<"SYNO.Core.System"> = { methods: { info } };
