import { describe, expect, it } from "vitest";
import type { Fixture } from "../../server/fixture";
import { GUESTS, HOSTS } from "../fixture-ids";
import { expectDsmError, expectSuccess, fixtureWith, statusOf, useEmulator } from "../harness";

const t = useEmulator({}, { each: true });
/** Replaces this test's emulator with one on a variant of the default fixture. */
const startWith = (change: (f: Fixture) => void) => t.start({ fixtureData: fixtureWith(change) });
const act = (method: string, params: Record<string, string>) =>
  t.emu.vmm(t.sid, "Guest.Action", method, params);
const host = async (name: string) => {
  const hosts = expectSuccess(await t.emu.vmm(t.sid, "Host", "list")).hosts as Record<string, unknown>[];
  const found = hosts.find((h) => h.host_name === name);
  if (found === undefined) throw new Error(`no host ${name}`);
  return found;
};

describe("Guest.Action power transitions", () => {
  it("poweron boots the guest (booting, then running) and takes its CPU and memory on the host", async () => {
    const before = await host(HOSTS.first.name);
    expectSuccess(await act("poweron", { guest_name: "syno" }));
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("booting");
    const during = await host(HOSTS.first.name);
    expect(during.free_cpu_core).toBe(Number(before.free_cpu_core) - 1);
    expect(during.free_ram_size).toBe(Number(before.free_ram_size) - 1024);
    t.emu.clock.advance(3_000);
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("running");
  });

  it("poweron of a running guest answers 904", async () => {
    expectDsmError(await act("poweron", { guest_name: "ubuntu-web" }), 904);
  });

  it("shutdown passes through shutting_down and frees the host when it ends", async () => {
    const before = await host(HOSTS.first.name);
    expectSuccess(await act("shutdown", { guest_name: "ubuntu-web" }));
    expect(await statusOf(t.emu, t.sid, "ubuntu-web")).toBe("shutting_down");
    expectSuccess(await act("shutdown", { guest_name: "ubuntu-web" }));
    t.emu.clock.advance(3_000);
    expect(await statusOf(t.emu, t.sid, "ubuntu-web")).toBe("shutdown");
    expect((await host(HOSTS.first.name)).free_ram_size).toBe(Number(before.free_ram_size) + 2048);
  });

  it("poweroff is immediate", async () => {
    expectSuccess(await act("poweroff", { guest_id: GUESTS.running.id }));
    expect(await statusOf(t.emu, t.sid, "ubuntu-web")).toBe("shutdown");
  });

  it("poweroff and shutdown of a guest that is off answer 907", async () => {
    expectDsmError(await act("poweroff", { guest_name: "syno" }), 907);
    expectDsmError(await act("shutdown", { guest_name: "syno" }), 907);
  });

  it("an unknown guest or host answers 401", async () => {
    expectDsmError(await act("poweron", { guest_name: "nope" }), 401);
    expectDsmError(await act("poweron", {}), 401);
    expectDsmError(await act("poweron", { guest_name: "syno", host_name: "nowhere" }), 401);
  });
});

describe("Guest.Action poweron refusals (VMM's placement rules)", () => {
  it("on an offline host answers 601", async () => {
    expectDsmError(await act("poweron", { guest_name: "syno", host_name: HOSTS.offline.name }), 601);
  });

  it("for a guest whose storage's host is offline answers 901", async () => {
    expectDsmError(await act("poweron", { guest_name: "archive" }), 901);
  });

  it("with more vCPUs than the host has free answers 902", async () => {
    expectDsmError(await act("poweron", { guest_name: "many-cpu", host_name: HOSTS.first.name }), 902);
  });

  it("with more memory than the host has free answers 903", async () => {
    expectDsmError(await act("poweron", { guest_name: "big-memory", host_name: HOSTS.first.name }), 903);
  });

  it("with a CPU reservation larger than the host's free threads answers 908", async () => {
    expectDsmError(await act("poweron", { guest_name: "db-reserved", host_name: HOSTS.second.name }), 908);
  });

  it("on a host without the guest's network answers 909", async () => {
    expectDsmError(await act("poweron", { guest_name: "lab-router", host_name: HOSTS.second.name }), 909);
  });

  it("remotely with a boot disk that is not VirtIO answers 910", async () => {
    expectDsmError(await act("poweron", { guest_name: "legacy-ide", host_name: HOSTS.second.name }), 910);
  });

  it("remotely with UEFI answers 911", async () => {
    expectDsmError(await act("poweron", { guest_name: "win10", host_name: HOSTS.second.name }), 911);
  });

  it("with auto-select and no host that fits answers 900", async () => {
    expectDsmError(await act("poweron", { guest_name: "big-memory" }), 900);
  });

  it("auto-select places a guest on another host when its own is full (VMM Pro)", async () => {
    await startWith((f) => {
      f.system.auto_select_host = "storage_host";
    });
    expectSuccess(await act("poweron", { guest_name: "syno", host_name: HOSTS.second.name }));
    t.emu.clock.advance(3_000);
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("running");
  });

  it("on another host than the storage's without VMM Pro answers 1001", async () => {
    await startWith((f) => {
      f.system.pro_licence = false;
    });
    expectDsmError(await act("poweron", { guest_name: "syno", host_name: HOSTS.second.name }), 1001);
    expectSuccess(await act("poweron", { guest_name: "syno" }));
  });

  it("counts booting guests: two guests that each fit cannot both boot on a small host", async () => {
    await startWith((f) => {
      for (const g of f.guests) {
        if (g.guest_name === "syno" || g.guest_name === "db-reserved") {
          g.vram_size = 2000;
          g.cpu_reservation = 0;
        }
      }
    });
    // Synology-2 has 3072 MB free for guests.
    expectSuccess(await act("poweron", { guest_name: "syno", host_name: HOSTS.second.name }));
    expect(await statusOf(t.emu, t.sid, "syno")).toBe("booting");
    expectDsmError(await act("poweron", { guest_name: "db-reserved", host_name: HOSTS.second.name }), 903);
    expectSuccess(await act("poweroff", { guest_name: "syno" }));
    expectSuccess(await act("poweron", { guest_name: "db-reserved", host_name: HOSTS.second.name }));
  });
});

describe("Cluster rules", () => {
  it("more than half of the hosts offline freezes the cluster: every change answers 500, reads still work", async () => {
    await startWith((f) => {
      for (const h of f.hosts) if (h.host_name === HOSTS.second.name) h.status = "inaccessible";
    });
    expectDsmError(await act("poweron", { guest_name: "syno" }), 500);
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "set", { guest_name: "syno", description: "x" }), 500);
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "syno" }), 500);
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "list"));
  });

  it("a cluster in incompatible mode answers 501 to changes", async () => {
    await startWith((f) => {
      f.system.cluster_status = "incompatible";
    });
    expectDsmError(await act("poweron", { guest_name: "syno" }), 501);
  });

  it("a cluster that is not ready answers 600 to changes", async () => {
    await startWith((f) => {
      f.system.cluster_status = "not_ready";
    });
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "create", { guest_name: "x" }), 600);
  });
});
