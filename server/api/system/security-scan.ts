/**
 * SYNO.Core.SecurityScan.Status system_get: Security Advisor's last scan, as Home Assistant's
 * security binary sensor reads it (`sysStatus` other than "safe" is a problem; each category's
 * `failSeverity` is an attribute). Shape as py-synologydsm-api's DSM 6 recordings.
 *
 * Gaps: a status a test sets is charged to one category (`outOfDate` to "update", the others to
 * "securitySetting"); the last scan is the emulator's start.
 */
import { z } from "zod";
import { nasOf } from "../../model/nas";
import { type ApiOperations, op } from "../../wire/operation";

const CATEGORIES = [
  ["malware", 3],
  ["network", 4],
  ["securitySetting", 10],
  ["systemCheck", 6],
  ["update", 4],
  ["userInfo", 6],
] as const;

const system_get = op({
  params: z.object({}),
  run: (ctx) => {
    const nas = nasOf(ctx.store, ctx.now);
    const status = nas.state.security;
    const charged = status === "outOfDate" ? "update" : "securitySetting";
    const items = Object.fromEntries(
      CATEGORIES.map(([category, total]) => {
        const failed = status !== "safe" && category === charged;
        const fail = { danger: 0, info: 0, outOfDate: 0, risk: 0, warning: 0 };
        if (status !== "safe" && category === charged) fail[status] = 1;
        return [
          category,
          {
            category,
            fail,
            failSeverity: failed ? status : "safe",
            progress: 100,
            runningItem: "",
            total,
            waitNum: 0,
          },
        ];
      }),
    );
    return {
      items,
      lastScanTime: String(Math.floor(nas.system.boot_started_at / 1000)),
      startTime: "",
      success: true,
      sysProgress: 100,
      sysStatus: status,
    };
  },
});

export const securityScanApi: ApiOperations<"SYNO.Core.SecurityScan.Status"> = { methods: { system_get } };
