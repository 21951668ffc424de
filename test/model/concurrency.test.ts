import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { HOSTS, STORAGES } from "../fixture-ids";
import { expectDsmError, expectSuccess, fixtureWith, statusOf, useEmulator } from "../harness";

const t = useEmulator({}, { each: true });

/** Twenty small guests on Synology-2's storage (4 threads, 3072 MB free for guests). */
const crowded = fixtureWith((f) => {
  for (let i = 0; i < 20; i++) {
    const n = String(i).padStart(2, "0");
    f.guests.push({
      guest_id: `c0000000-0000-4000-8000-0000000000${n}`,
      guest_name: `small-${n}`,
      description: "",
      autorun: 0,
      status: "shutdown",
      storage_id: STORAGES.second.id,
      vcpu_num: 1,
      vram_size: 512,
      uefi: false,
      cpu_reservation: 0,
      vdisks: [
        { vdisk_id: `d0000000-0000-4000-8000-0000000000${n}`, controller: 1, unmap: false, vdisk_size: 64 },
      ],
      vnics: [],
    });
  }
});

describe("Consistency under concurrency", () => {
  it("many simultaneous power-ons never over-commit a small host", async () => {
    const emu = await t.start({ fixtureData: crowded });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        emu.vmm(t.sid, "Guest.Action", "poweron", {
          guest_name: `small-${String(i).padStart(2, "0")}`,
          host_name: HOSTS.second.name,
        }),
      ),
    );
    const ok = answers.filter((a) => a.body.success).length;
    expect(ok).toBe(4);
    for (const a of answers) if (!a.body.success) expectDsmError(a, 902);
    const hosts = expectSuccess(await emu.vmm(t.sid, "Host", "list")).hosts as Record<
      string,
      number | string
    >[];
    const small = hosts.find((h) => h.host_name === HOSTS.second.name);
    expect(small).toMatchObject({ free_cpu_core: 0, free_ram_size: 3072 - 4 * 512 });
  });

  it("simultaneous creates with one name create exactly one guest (the others answer 403)", async () => {
    const { emu, sid } = t;
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        emu.vmm(sid, "Guest", "create", {
          guest_name: "twin",
          storage_name: STORAGES.second.name,
          vdisks: '[{"create_type":0,"vdisk_size":8}]',
        }),
      ),
    );
    expect(answers.filter((a) => a.body.success)).toHaveLength(1);
    for (const a of answers) if (!a.body.success) expectDsmError(a, 403);
    const guests = expectSuccess(await emu.vmm(sid, "Guest", "list")).guests as { guest_name: string }[];
    expect(guests.filter((g) => g.guest_name === "twin")).toHaveLength(1);
  });

  it("simultaneous creates with one MAC take it once (the others answer 905)", async () => {
    const { emu, sid } = t;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        emu.vmm(sid, "Guest", "create", {
          guest_name: `mac-${i}`,
          storage_name: STORAGES.first.name,
          vnics: '[{"network_id":"","mac":"02:11:32:de:ad:01"}]',
        }),
      ),
    );
    expect(answers.filter((a) => a.body.success)).toHaveLength(1);
    for (const a of answers) if (!a.body.success) expectDsmError(a, 905);
  });
});

describe("Persistence", () => {
  it("an unfinished task survives a restart and ends on time; the guest then is shutdown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vmm-emu-"));
    // After the harness has closed the emulator on it.
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const db = join(dir, "state.sqlite");
    let emu = await t.start({ db });
    const { task_id } = expectSuccess(
      await emu.vmm(t.sid, "Guest", "create", {
        guest_name: "survivor",
        storage_name: STORAGES.first.name,
        vdisks: '[{"create_type":0,"vdisk_size":8}]',
        auto_clean_task: "false",
      }),
    ) as { task_id: string };
    emu.clock.advance(1_000);

    // A restart on the same file, at the same start instant as before: one more second brings
    // the task to 40 %, four more end it.
    emu = await t.start({ db });
    emu.clock.advance(2_000);
    expect(expectSuccess(await emu.vmm(t.sid, "Task.Info", "get", { task_id })).task_info).toMatchObject({
      progress: 40,
    });
    expect(await statusOf(emu, t.sid, "survivor")).toBe("creating");
    emu.clock.advance(3_000);
    expect(expectSuccess(await emu.vmm(t.sid, "Task.Info", "get", { task_id })).finish).toBe(true);
    expect(await statusOf(emu, t.sid, "survivor")).toBe("shutdown");
  });
});
