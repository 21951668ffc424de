/**
 * SYNO.DSM.Info getinfo: Python clients call it right after login for model, version and serial.
 * The temperature is the NAS's (server/model/nas.ts: what a test sets). Gaps: `time` is the emulator clock as an RFC 1123 UTC string;
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
      time: new Date(ctx.now).toUTCString(),
      uptime: Math.max(0, Math.floor((ctx.now - s.boot_started_at) / 1000)),
      version: build,
      version_string: `DSM ${s.dsm_version}`,
    };
  },
});

export const dsmInfoApi: ApiOperations<"SYNO.DSM.Info"> = { methods: { getinfo } };
