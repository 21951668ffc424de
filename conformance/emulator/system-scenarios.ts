/**
 * The NAS states only the emulator can set (PATCH /__admin/nas), read back through DSM's system
 * APIs as Home Assistant reads them: a crashed disk degrades its RAID 1 volume, an update and a
 * Security Advisor warning show. Each puts the states back right after; a NAS run skips them.
 */
import { storageInfo } from "../client/system-shapes";
import { check, equal, expectShape } from "../runner/check";
import { type Scenario, scenario } from "../runner/scenario";
import { API } from "../scenarios/helpers";
import type { EmulatorExtra } from "./target";

const CONTROL_PLANE = "needs the control plane to set the NAS's states";

export const systemEmulatorScenarios: Scenario<EmulatorExtra>[] = [
  scenario<EmulatorExtra>({
    id: "emulator.system.disk-crash-degrades-volume",
    title: "a crashed disk shows in load_info and degrades its RAID 1 volume; an update and a warning show",
    covers: [
      [API.nasStorage, "load_info"],
      [API.upgradeServer, "check"],
      [API.securityScan, "system_get"],
    ],
    tier: "disruptive",
    emulatorOnly: CONTROL_PLANE,
    needs: ["controlPlane"],
    async run(ctx) {
      check(ctx.extra !== undefined, "no control plane");
      const { admin } = ctx.extra;
      const before = expectShape(
        storageInfo,
        await ctx.dsm.call(API.nasStorage, "load_info", {}),
        "load_info",
      );
      const volume = before.volumes[0];
      const pool = before.storagePools[0];
      check(
        volume !== undefined && pool !== undefined && pool.disks.length >= 2,
        "a volume on a pool of two disks",
      );
      const disk = pool.disks[0] ?? "";
      ctx.defer("the NAS's states back to normal", async () => {
        await admin.updateNas({ disks: { [disk]: "normal" }, update: null, security: "safe" });
      });
      await admin.updateNas({
        disks: { [disk]: "crashed" },
        update: "7.2.2-72806 Update 4",
        security: "warning",
      });
      const after = expectShape(
        storageInfo,
        await ctx.dsm.call(API.nasStorage, "load_info", {}),
        "load_info",
      );
      equal(after.disks.find((d) => d.id === disk)?.status, "crashed", `disk ${disk} status`);
      equal(after.volumes.find((v) => v.id === volume.id)?.status, "degraded", `volume ${volume.id} status`);
      const upgrade = (await ctx.dsm.call(API.upgradeServer, "check", {})) as {
        update?: { available?: boolean };
      };
      equal(upgrade.update?.available, true, "update.available");
      const security = (await ctx.dsm.call(API.securityScan, "system_get", {})) as { sysStatus?: string };
      equal(security.sysStatus, "warning", "sysStatus");
    },
  }),
];
