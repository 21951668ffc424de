/**
 * Home Assistant's Synology DSM integration over py-synologydsm-api, replayed request by request
 * as the library sends them: the config flow (login, utilisation, storage, network, then the
 * serial it needs) and the first update (information, security, storage, system, upgrade,
 * utilisation, external USB). Every value its sensors read is checked for presence and for the
 * type the library and the integration expect (docs/clients.md, "Home Assistant").
 */
import { describe, expect, it } from "vitest";
import { ACCOUNTS } from "../../fixture-ids";
import { useEmulator } from "../../harness";
import { PyDsm } from "../../support/py-synologydsm";

const SYSTEM_APIS = [
  ["SYNO.Core.System.Utilization", 1, 1],
  ["SYNO.Storage.CGI.Storage", 1, 1],
  ["SYNO.DSM.Network", 2, 2],
  ["SYNO.Core.System", 1, 3],
  ["SYNO.Core.SecurityScan.Status", 1, 1],
  ["SYNO.Core.Upgrade.Server", 1, 4],
  ["SYNO.Core.ExternalDevice.Storage.USB", 1, 1],
] as const;

const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);
const isIntText = (v: unknown) => typeof v === "string" && /^\d+$/.test(v);

describe("Home Assistant's Synology DSM integration", () => {
  const t = useEmulator({}, { reset: true });

  it("finds the seven system APIs in SYNO.API.Info at DSM 7.2's path and versions", async () => {
    const res = await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" });
    const apis = res.body.data as Record<string, unknown>;
    for (const [api, min, max] of SYSTEM_APIS)
      expect(apis[api], api).toEqual({
        path: "entry.cgi",
        minVersion: min,
        maxVersion: max,
        requestFormat: "JSON",
      });
  });

  it("passes the config flow: serial, CPU user load, a volume and a MAC", async () => {
    const dsm = new PyDsm(t.emu.url);
    await dsm.login();
    const utilisation = await dsm.get("SYNO.Core.System.Utilization", "get");
    const storage = await dsm.get("SYNO.Storage.CGI.Storage", "load_info");
    const network = await dsm.get("SYNO.DSM.Network", "list");
    const information = await dsm.get("SYNO.DSM.Info", "getinfo");

    expect(information.serial).toBe("2150PDN000001");
    expect(isInt((utilisation.cpu as Record<string, unknown>).user_load)).toBe(true);
    const volumes = storage.volumes as { id: string }[];
    expect(volumes.map((v) => v.id)).toEqual(["volume_1", "volume_2"]);
    const macs = (network.interfaces as { mac?: string }[]).map((i) => i.mac);
    expect(macs.length).toBeGreaterThan(0);
    for (const mac of macs) expect(mac).toMatch(/^00-11-32(-[0-9A-F]{2}){3}$/);
    expect(network.hostname).toBe("Synology");
    // What went over the wire: Storage carries `action`, Network its only version (2).
    expect(dsm.sent.slice(2, 5).map((u) => new URL(u, "http://x").searchParams.get("version"))).toEqual([
      "1",
      "1",
      "2",
    ]);
    expect(dsm.sent[3]).toContain("method=load_info&action=load_info");
  });

  it("passes the first update, with every value the sensors read in its real type", async () => {
    const dsm = new PyDsm(t.emu.url);
    await dsm.login();
    const upgrade = await dsm.get("SYNO.Core.Upgrade.Server", "check");
    await dsm.get("SYNO.DSM.Network", "list");
    // The update itself: the library gathers every module's call at once (asyncio.gather).
    const [usb, information, security, utilisation, storage, system] = await Promise.all([
      dsm.post("SYNO.Core.ExternalDevice.Storage.USB", "list", { additional: '["all"]' }),
      dsm.get("SYNO.DSM.Info", "getinfo"),
      dsm.get("SYNO.Core.SecurityScan.Status", "system_get"),
      dsm.get("SYNO.Core.System.Utilization", "get"),
      dsm.get("SYNO.Storage.CGI.Storage", "load_info"),
      dsm.get("SYNO.Core.System", "info"),
      dsm.get("SYNO.Core.Upgrade.Server", "check"),
    ]);
    expect(dsm.sent.find((u) => u.includes("SYNO.Core.System&"))).toContain("version=3");
    expect(dsm.sent.find((u) => u.includes("Upgrade.Server"))).toContain("version=4");

    // Information: serial, temperature, uptime.
    expect(typeof information.serial).toBe("string");
    expect(isInt(information.temperature)).toBe(true);

    // Utilisation: loads in whole percent, memory in KiB.
    const cpu = utilisation.cpu as Record<string, unknown>;
    for (const key of ["user_load", "system_load", "other_load", "1min_load", "5min_load", "15min_load"])
      expect(isInt(cpu[key]), key).toBe(true);
    const memory = utilisation.memory as Record<string, number>;
    for (const key of [
      "real_usage",
      "memory_size",
      "avail_real",
      "total_real",
      "avail_swap",
      "total_swap",
      "cached",
    ])
      expect(isInt(memory[key]), key).toBe(true);
    expect(memory.memory_size).toBe(8192 * 1024);
    const net = utilisation.network as { device: string; rx: number; tx: number }[];
    expect(net[0]?.device).toBe("total");
    expect(isInt(net[0]?.rx) && isInt(net[0]?.tx)).toBe(true);

    // Storage: volume status and % used (sizes are strings of bytes); disks' temperature and SMART.
    const volumes = storage.volumes as { id: string; status: string; size: Record<string, unknown> }[];
    const [first, crashed] = volumes;
    expect(first?.status).toBe("normal");
    expect(crashed?.status).toBe("crashed"); // the default fixture's second storage is crashed
    expect(isIntText(first?.size.total) && isIntText(first?.size.used)).toBe(true);
    const used = Number(first?.size.used) / Number(first?.size.total);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(1);
    const disks = storage.disks as Record<string, unknown>[];
    expect(disks.map((d) => d.id)).toEqual(["sata1", "sata2", "sata3", "sata4"]);
    for (const d of disks) {
      expect(isInt(d.temp)).toBe(true);
      expect([d.status, d.smart_status]).toEqual(["normal", "normal"]);
      expect([typeof d.exceed_bad_sector_thr, typeof d.below_remain_life_thr]).toEqual([
        "boolean",
        "boolean",
      ]);
    }
    // The library finds a volume's disks through its pool's deploy_path.
    const pools = storage.storagePools as { deploy_path: string; disks: string[]; status: string }[];
    expect(pools.map((p) => [p.deploy_path, p.disks, p.status])).toEqual([
      ["volume_1", ["sata1", "sata2"], "normal"],
      ["volume_2", ["sata3", "sata4"], "crashed"],
    ]);

    // System: cpu_cores and up_time are strings; ram_size and sys_temp numbers.
    expect(system.serial).toBe("2150PDN000001");
    expect(system.cpu_cores).toBe("32");
    expect(system.ram_size).toBe(8192);
    expect(system.sys_temp).toBe(40);
    expect(system.up_time).toMatch(/^\d+:\d+:\d+$/);
    expect(system.firmware_ver).toMatch(/^DSM 7\./);

    expect(security.sysStatus).toBe("safe");
    expect(security.sysProgress).toBe(100);
    expect(upgrade).toEqual({ update: { available: false } });
    expect(usb).toEqual({ devices: [] });
  });

  it("shows the states a test sets: failing disk, update, security warning, heat, USB disk", async () => {
    await t.emu.admin.updateNas({
      temperature: 71,
      update: "7.2.2-72806 Update 4",
      security: "warning",
      disks: { sata2: "failing", sata1: "crashed" },
      usb: [{ producer: "SanDisk", product: "Extreme", size_mb: 61440, used_mb: 1024, filesystem: "exFAT" }],
    });
    const dsm = new PyDsm(t.emu.url);
    await dsm.login();
    const storage = await dsm.get("SYNO.Storage.CGI.Storage", "load_info");
    const disks = storage.disks as Record<string, unknown>[];
    expect(disks.slice(0, 2).map((d) => [d.id, d.status, d.smart_status, d.exceed_bad_sector_thr])).toEqual([
      ["sata1", "crashed", "failing", true],
      ["sata2", "warning", "warning", true],
    ]);
    // One of the pool's two disks crashed: the RAID 1 volume is degraded.
    expect((storage.volumes as { status: string }[])[0]?.status).toBe("degraded");

    const upgrade = await dsm.get("SYNO.Core.Upgrade.Server", "check");
    expect(upgrade.update).toMatchObject({
      available: true,
      version: "7.2.2-72806 Update 4",
      version_details: { major: 7, minor: 2, micro: 2, buildnumber: 72806, nano: 4, os_name: "DSM" },
    });
    const security = await dsm.get("SYNO.Core.SecurityScan.Status", "system_get");
    expect(security.sysStatus).toBe("warning");
    const system = await dsm.get("SYNO.Core.System", "info");
    expect([system.sys_temp, system.temperature_warning]).toEqual([71, true]);
    expect(system.usb_dev).toEqual([expect.objectContaining({ producer: "SanDisk", product: "Extreme" })]);
    const usb = await dsm.post("SYNO.Core.ExternalDevice.Storage.USB", "list", { additional: '["all"]' });
    expect(usb.devices).toEqual([
      expect.objectContaining({
        dev_id: "usb1",
        total_size_mb: 61440,
        partitions: [
          expect.objectContaining({ name_id: "usb1p1", total_size_mb: 61440, used_size_mb: 1024 }),
        ],
      }),
    ]);
  });

  it("answers a non-administrator 105, as DSM does for its system APIs", async () => {
    const sid = await t.emu.login(ACCOUNTS.viewer.account, ACCOUNTS.viewer.passwd);
    const res = await t.emu.get("entry.cgi", {
      api: "SYNO.Core.System",
      version: "1",
      method: "info",
      _sid: sid,
    });
    expect(res.body).toMatchObject({ success: false, error: { code: 105 } });
  });
});
