/**
 * SYNO.Core.Upgrade.Server check (v1-4): whether a DSM update is available, as Home Assistant's
 * update entity reads it (`update.available`, `update.version`). Shape as py-synologydsm-api's
 * DSM 6 and 7 recordings. The version is the one a test sets (`nas.update`).
 */
import { z } from "zod";
import { nasOf } from "../../model/nas";
import { type ApiOperations, op } from "../../wire/operation";

/** `7.2.2-72806 Update 3` → its parts, as DSM's `version_details`. */
function details(version: string) {
  const m = /^(?:DSM )?(\d+)\.(\d+)(?:\.(\d+))?-(\d+)(?: Update (\d+))?/.exec(version);
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  return {
    buildnumber: n(m?.[4]),
    major: n(m?.[1]),
    micro: n(m?.[3]),
    minor: n(m?.[2]),
    nano: n(m?.[5]),
    os_name: "DSM",
  };
}

const check = op({
  params: z.object({}),
  run: (ctx) => {
    const version = nasOf(ctx.store, ctx.now).state.update;
    if (version === null) return { update: { available: false } };
    const d = details(version);
    return {
      update: {
        available: true,
        reboot: "now",
        restart: "some",
        type: d.nano > 0 ? "nano" : "major",
        version,
        version_details: d,
      },
    };
  },
});

export const upgradeServerApi: ApiOperations<"SYNO.Core.Upgrade.Server"> = { methods: { check } };
