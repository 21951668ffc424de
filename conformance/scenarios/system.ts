/**
 * DSM's system surface (the NAS around VMM), read-only: the seven APIs Home Assistant's Synology
 * DSM integration reads, each called as py-synologydsm-api calls it (Info's path and version),
 * its answer held to the keys and types the library and the integration read. Safe on a NAS:
 * every method is a read (contract/apis.ts says so, and the kit's guard checks it).
 */
import {
  coreSystem,
  dsmNetwork,
  securityScan,
  storageInfo,
  upgradeCheck,
  usbList,
  utilization,
} from "../client/system-shapes";
import { check, expectShape } from "../runner/check";
import { scenario } from "../runner/scenario";
import { API } from "./helpers";

export const systemScenarios = [
  scenario({
    id: "system.utilization.shape",
    title: "Core.System.Utilization get: CPU loads in whole percent, memory in KiB, network per device",
    covers: [[API.utilization, "get"]],
    tier: "readonly",
    async run({ dsm }) {
      const u = expectShape(utilization, await dsm.call(API.utilization, "get", {}), "Utilization");
      check(u.memory.real_usage >= 0 && u.memory.real_usage <= 100, "real_usage is a percentage");
      check(u.memory.total_real <= u.memory.memory_size, "total_real is at most memory_size");
      check(
        u.network.some((n) => n.device === "total"),
        "network lists a `total` device (Home Assistant reads it)",
      );
    },
  }),
  scenario({
    id: "system.storage.load-info.shape",
    title: "Storage.CGI.Storage load_info: volumes with status and byte strings, disks with temp and SMART",
    covers: [[API.nasStorage, "load_info"]],
    tier: "readonly",
    async run({ dsm }) {
      // py-synologydsm-api sends `action` beside `method` for this API alone.
      const s = expectShape(
        storageInfo,
        await dsm.call(API.nasStorage, "load_info", { action: "load_info" }),
        "load_info",
      );
      check(
        s.volumes.length > 0,
        "a NAS running VMM has at least one volume (Home Assistant's flow needs one)",
      );
      for (const v of s.volumes)
        check(BigInt(v.size.used) <= BigInt(v.size.total), `volume ${v.id}: used above total`);
      const disks = new Set(s.disks.map((d) => d.id));
      for (const p of s.storagePools)
        for (const d of p.disks)
          check(disks.has(d), `pool ${p.id} names disk ${d}, which disks does not list`);
    },
  }),
  scenario({
    id: "system.network.shape",
    title: "DSM.Network list (v2): hostname and interfaces with MACs",
    covers: [[API.dsmNetwork, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      const n = expectShape(dsmNetwork, await dsm.call(API.dsmNetwork, "list", {}), "DSM.Network");
      const macs = n.interfaces.flatMap((i) => (i.mac === undefined ? [] : [i.mac]));
      check(macs.length > 0, "at least one interface has a MAC (Home Assistant's flow needs one)");
      for (const mac of macs)
        check(/^([0-9A-F]{2}-){5}[0-9A-F]{2}$/.test(mac), `MAC ${mac} in DSM's dashed form`);
    },
  }),
  scenario({
    id: "system.info.shape",
    title: "Core.System info: serial, cpu_cores and up_time as strings, ram_size a number",
    covers: [[API.system, "info"]],
    tier: "readonly",
    async run({ dsm }) {
      const s = expectShape(coreSystem, await dsm.call(API.system, "info", {}), "Core.System info");
      check(s.serial.length > 0, "a serial (Home Assistant's unique id)");
      check(/^\d+$/.test(s.cpu_cores), `cpu_cores is a number in a string: ${s.cpu_cores}`);
    },
  }),
  scenario({
    id: "system.security.shape",
    title:
      "Core.SecurityScan.Status system_get: sysStatus one of the documented values, per-category severity",
    covers: [[API.securityScan, "system_get"]],
    tier: "readonly",
    async run({ dsm }) {
      expectShape(securityScan, await dsm.call(API.securityScan, "system_get", {}), "SecurityScan");
    },
  }),
  scenario({
    id: "system.upgrade.shape",
    title: "Core.Upgrade.Server check: update.available, and the version when one is",
    covers: [[API.upgradeServer, "check"]],
    tier: "readonly",
    async run({ dsm }) {
      const u = expectShape(upgradeCheck, await dsm.call(API.upgradeServer, "check", {}), "Upgrade check");
      if (u.update.available) check(u.update.version !== undefined, "an available update names its version");
    },
  }),
  scenario({
    id: "system.usb.shape",
    title: 'Core.ExternalDevice.Storage.USB list (additional=["all"]): devices with partitions',
    covers: [[API.usb, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      expectShape(usbList, await dsm.call(API.usb, "list", { additional: '["all"]' }), "USB list");
    },
  }),
];
