/**
 * Reset and snapshots on a file database, as `npm start` and the container run: SQLite in WAL
 * mode, whose serialized image says so in its header and could not be reopened in memory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../harness";

describe("the control plane on a WAL file database", () => {
  let dir: string;
  let emu: TestEmulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vmm-filedb-"));
    emu = await startTestEmulator({ db: join(dir, "emulator.sqlite") });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const hostStatus = async () =>
    (await emu.admin.state()).hosts.find((h) => h.host_name === "Synology-2")?.status;

  it("resets to the fixture", async () => {
    await emu.admin.updateHost("Synology-2", { status: "inaccessible" });
    await emu.admin.reset();
    expect(await hostStatus()).toBe("running");
  });

  it("takes a snapshot and restores it", async () => {
    await emu.admin.updateHost("Synology-2", { status: "inaccessible" });
    await emu.admin.createSnapshot("offline");
    await emu.admin.reset();
    expect(await hostStatus()).toBe("running");
    await emu.admin.restoreSnapshot("offline");
    expect(await hostStatus()).toBe("inaccessible");
  });
});
