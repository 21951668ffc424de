/**
 * DSM's system APIs read the same state the VMM APIs change: a guest powered on moves the NAS's
 * memory usage and CPU load, a vdisk created moves its volume's used bytes, a crashed or degraded
 * storage shows a crashed or degraded volume, crashed disks degrade then crash their RAID 1
 * volume. Under the virtual clock: nothing here waits.
 */
import { describe, expect, it } from "vitest";
import { GUESTS, HOSTS, STORAGES } from "../../fixture-ids";
import { createGuest, expectSuccess, fixtureWith, useEmulator } from "../../harness";

const MIB = 1024 * 1024;

describe("the NAS follows the model", () => {
  // Three threads on the NAS host (ubuntu-web's two and syno's one), so one more vCPU's load
  // cannot vanish in the rounding.
  const t = useEmulator(
    {
      fixtureData: fixtureWith((f) => {
        const host = f.hosts[0];
        if (host !== undefined) host.total_cpu_core = 3;
      }),
    },
    { reset: true },
  );
  const call = async (api: string, method: string, version = "1") =>
    expectSuccess(await t.emu.get("entry.cgi", { api, version, method, _sid: t.sid }));
  const utilisation = async () => {
    const data = await call("SYNO.Core.System.Utilization", "get");
    return {
      cpu: data.cpu as { user_load: number; system_load: number; other_load: number; "1min_load": number },
      memory: data.memory as { real_usage: number; avail_real: number },
    };
  };
  const volume = async (id: string) => {
    const data = await call("SYNO.Storage.CGI.Storage", "load_info");
    const found = (data.volumes as { id: string; status: string; size: { used: string } }[]).find(
      (v) => v.id === id,
    );
    if (found === undefined) throw new Error(`no ${id}`);
    return found;
  };

  it("a guest powered on moves the memory usage and the CPU load", async () => {
    const before = await utilisation();
    // The default fixture's NAS host runs ubuntu-web (2048 MiB) beside DSM's own 1536 MiB of 8192.
    expect(before.memory.real_usage).toBe(Math.round((100 * (1536 + 2048)) / 8192));
    expectSuccess(
      await t.emu.vmm(t.sid, "Guest.Action", "poweron", {
        guest_name: GUESTS.syno.name,
        host_name: HOSTS.first.name,
      }),
    );
    const after = await utilisation();
    expect(after.memory.real_usage).toBe(Math.round((100 * (1536 + 2048 + 1024)) / 8192));
    expect(after.memory.avail_real).toBeLessThan(before.memory.avail_real);
    // Home Assistant's CPU total is the three loads' sum.
    const total = (c: typeof before.cpu) => c.user_load + c.system_load + c.other_load;
    expect(total(after.cpu)).toBeGreaterThan(total(before.cpu));
    expect(after.cpu["1min_load"]).toBeGreaterThan(before.cpu["1min_load"]);
  });

  it("a guest powered off gives its memory back", async () => {
    expectSuccess(await t.emu.vmm(t.sid, "Guest.Action", "poweroff", { guest_name: GUESTS.running.name }));
    const { memory } = await utilisation();
    expect(memory.real_usage).toBe(Math.round((100 * 1536) / 8192));
  });

  it("a vdisk created moves its volume's used bytes by its size", async () => {
    const before = Number((await volume("volume_1")).size.used);
    await createGuest(t.emu, t.sid, "grows-volume", {}, { ready: true });
    const after = Number((await volume("volume_1")).size.used);
    expect(after - before).toBe(1024 * MIB);
  });

  it("a crashed storage shows a crashed volume, a degraded one a degraded volume", async () => {
    expect((await volume("volume_1")).status).toBe("normal");
    await t.emu.admin.updateStorage(STORAGES.first.id, { status: "crashed" });
    expect((await volume("volume_1")).status).toBe("crashed");
    await t.emu.admin.updateStorage(STORAGES.first.id, { status: "degraded" });
    expect((await volume("volume_1")).status).toBe("degraded");
  });

  it("one crashed disk degrades its RAID 1 volume, both crash it, and normal clears them", async () => {
    await t.emu.admin.updateNas({ disks: { sata1: "crashed" } });
    expect((await volume("volume_1")).status).toBe("degraded");
    await t.emu.admin.updateNas({ disks: { sata2: "crashed" } });
    expect((await volume("volume_1")).status).toBe("crashed");
    await t.emu.admin.updateNas({ disks: { sata1: "normal", sata2: "normal" } });
    expect((await volume("volume_1")).status).toBe("normal");
  });

  it("a volume a test forces degraded stays so until set back, named by its storage's name", async () => {
    const state = await t.emu.admin.updateNas({ volumes: { [STORAGES.first.name]: "degraded" } });
    expect(state.volumes).toEqual({ [STORAGES.first.id]: "degraded" });
    expect((await volume("volume_1")).status).toBe("degraded");
    await t.emu.admin.updateNas({ volumes: { [STORAGES.first.id]: "normal" } });
    expect((await volume("volume_1")).status).toBe("normal");
  });

  it("uptime and the clock's time follow the injected clock", async () => {
    const before = await call("SYNO.Core.System", "info", "3");
    t.emu.clock.advance(125_000);
    const after = await call("SYNO.Core.System", "info", "3");
    const seconds = (s: unknown) => {
      const [h = 0, m = 0, x = 0] = String(s).split(":").map(Number);
      return h * 3600 + m * 60 + x;
    };
    expect(seconds(after.up_time) - seconds(before.up_time)).toBe(125);
  });

  it("a login lands on the NAS host the fixture names: its hostname, RAM and volumes", async () => {
    await t.emu.admin.updateNas({ host: HOSTS.second.name });
    const network = await call("SYNO.DSM.Network", "list", "2");
    expect(network.hostname).toBe(HOSTS.second.name);
    const system = await call("SYNO.Core.System", "info", "3");
    expect(system.ram_size).toBe(4096);
    const storage = await call("SYNO.Storage.CGI.Storage", "load_info");
    expect((storage.volumes as { id: string }[]).map((v) => v.id)).toEqual(["volume_1"]);
  });
});
