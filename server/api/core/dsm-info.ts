/**
 * SYNO.DSM.Info getinfo: Python clients call it right after login for model, version and serial.
 * `time` is C `ctime` text (`Sat Aug  7 13:04:04 2021`, the day padded with a space), as in
 * every DSM 6 and 7 recording, from the injected clock. The temperature is the NAS's
 * (server/model/nas.ts: what a test sets).
 * Gaps: `time` is UTC (a NAS writes its own time zone's local time);
 * `uptime` counts from when the database was seeded, not from the process start.
 */
import { z } from "zod";
import { type ApiOperations, op } from "../../wire/operation";
import { HOT } from "../system/present";

const getinfo = op({
  params: z.object({}),
  run: (ctx) => {
    const s = ctx.store.system.get();
    const nas = ctx.store.nas.get();
    const build = String(s.dsm_build);
    return {
      codepage: "enu",
      model: s.model,
      ram: s.ram_mb,
      serial: s.serial,
      temperature: nas.temperature,
      temperature_warn: nas.temperature >= HOT,
      time: ctime(ctx.now),
      uptime: Math.max(0, Math.floor((ctx.now - s.boot_started_at) / 1000)),
      version: build,
      version_string: `DSM ${s.dsm_version}`,
    };
  },
});

export const dsmInfoApi: ApiOperations<"SYNO.DSM.Info"> = { methods: { getinfo } };

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** C `ctime()` text of `ms` in UTC, without its newline: `Sat Aug  7 13:04:04 2021`. */
export function ctime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  const day = String(d.getUTCDate()).padStart(2, " ");
  const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${clock} ${d.getUTCFullYear()}`;
}
