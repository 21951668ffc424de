/**
 * State in files: the state exported as a fixture (`GET /__admin/fixture`, `vmm-emulator
 * export`), loaded back, exported again; snapshots kept in a folder across a restart; and a
 * fixture of another format version.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../../server/config";
import { exportDatabase } from "../../server/export-command";
import { FIXTURE_FORMAT, parseFixture } from "../../server/fixture";
import { createGuest, expectSuccess, startTestEmulator, type TestEmulator } from "../harness";
import { controlCall } from "./support";

const running: TestEmulator[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});
async function start(options: Parameters<typeof startTestEmulator>[0] = {}): Promise<TestEmulator> {
  const emu = await startTestEmulator(options);
  running.push(emu);
  return emu;
}
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "vmm-state-"));
  folders.push(dir);
  return dir;
}

/** A state the fixture did not have: a new guest, powered on, a host changed out of band. */
async function moveOn(emu: TestEmulator): Promise<void> {
  const sid = await emu.login();
  await createGuest(emu, sid, "made-in-job-1", {}, { ready: true });
  expectSuccess(await emu.vmm(sid, "Guest.Action", "poweron", { guest_name: "made-in-job-1" }));
  emu.clock.advance(10_000);
  await emu.admin.updateHost("Synology-2", { other_ram_used: 512 });
}

describe("state in files", () => {
  it("export → load → export gives the same file, and the loaded state answers as the exported one", async () => {
    const a = await start();
    await moveOn(a);
    const first = await a.admin.exportFixture();
    expect(first.format).toBe(FIXTURE_FORMAT);
    expect(first.guests?.some((g) => g.guest_name === "made-in-job-1" && g.status === "running")).toBe(true);
    const b = await start({ fixtureData: parseFixture(first) });
    const second = await b.admin.exportFixture();
    expect(JSON.stringify(second, null, 2)).toBe(JSON.stringify(first, null, 2));
    const sidA = await a.login();
    const sidB = await b.login();
    for (const api of ["Guest", "Host", "Storage", "Network", "Guest.Image"]) {
      const of = async (emu: TestEmulator, sid: string) => (await emu.vmm(sid, api, "list")).body;
      expect(await of(b, sidB), api).toEqual(await of(a, sidA));
    }
    // The control plane's own load (POST /__admin/fixture) takes the file as well.
    expect((await controlCall(a, "POST", "/fixture", first)).status).toBe(200);
    expect(await a.admin.exportFixture()).toEqual(first);
  });

  it("vmm-emulator export reads a stopped emulator's database file into the same fixture", async () => {
    const dir = folder();
    const db = join(dir, "state.sqlite");
    const a = await start({ db });
    await moveOn(a);
    const live = await a.admin.exportFixture();
    await a.close();
    expect(exportDatabase(configSchema.parse({ db }))).toEqual(live);
    expect(() => exportDatabase(configSchema.parse({ db: join(dir, "none.sqlite") }))).toThrow(/no database/);
  });

  it("a snapshot kept in --snapshot-dir survives a restart and restores the state it saved", async () => {
    const snapshotDir = folder();
    const a = await start({ snapshotDir });
    await moveOn(a);
    await a.admin.createSnapshot("after-job-1");
    const saved = await a.admin.exportFixture();
    await a.close();

    const b = await start({ snapshotDir });
    expect((await b.admin.snapshots()).map((s) => s.name)).toEqual(["after-job-1"]);
    expect((await b.admin.exportFixture()).guests?.map((g) => g.guest_name)).not.toContain("made-in-job-1");
    await b.admin.restoreSnapshot("after-job-1");
    expect(await b.admin.exportFixture()).toEqual(saved);
    await b.admin.deleteSnapshot("after-job-1");
    const c = await start({ snapshotDir });
    expect(await c.admin.snapshots()).toEqual([]);
  });

  it("a snapshot file that is not a database of this schema is refused with what to do instead", async () => {
    const snapshotDir = folder();
    writeFileSync(join(snapshotDir, "broken.sqlite"), "not a database");
    const emu = await start({ snapshotDir });
    const res = await controlCall(emu, "POST", "/snapshots/broken/restore");
    expect(res.status).toBe(409);
    expect(String(res.body.error)).toMatch(/export the state \(GET \/__admin\/fixture\)/);
  });

  it("a fixture without a format is format 1; one of a newer format says to upgrade the emulator", async () => {
    const emu = await start();
    const current = await emu.admin.exportFixture();
    const { format: _, ...unversioned } = current;
    expect(parseFixture(unversioned).format).toBeUndefined();
    const res = await controlCall(emu, "POST", "/fixture", { ...current, format: FIXTURE_FORMAT + 1 });
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toMatch(
      /format: this emulator reads fixture formats 1 to 1: .*upgrade this one/,
    );
  });
});
