/**
 * SYNO.DSM.Info getinfo: Python clients call it right after login for model, version and serial.
 * Gaps: temperature is a constant; `time` is the emulator clock as an RFC 1123 UTC string;
 * `uptime` counts from when the database was seeded, not from the process start.
 */
import { z } from "zod";
import { type ApiOperations, op } from "../../wire/operation";

const getinfo = op({
  params: z.object({}),
  run: (ctx) => {
    const s = ctx.store.system.get();
    const build = String(s.dsm_build);
    return {
      codepage: "enu",
      model: s.model,
      ram: s.ram_mb,
      serial: s.serial,
      temperature: 42,
      temperature_warn: false,
      time: new Date(ctx.now).toUTCString(),
      uptime: Math.max(0, Math.floor((ctx.now - s.boot_started_at) / 1000)),
      version: build,
      version_string: `DSM ${s.dsm_version}`,
    };
  },
});

export const dsmInfoApi: ApiOperations<"SYNO.DSM.Info"> = { methods: { getinfo } };
