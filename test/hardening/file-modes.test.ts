/**
 * The database file holds live sids, SynoTokens and TOTP secrets in clear: it was created
 * world-readable. It, its WAL files and a database folder the emulator makes are its owner's only.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../harness";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("the database's file modes", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmm-modes-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a new database, its WAL files and its new folder are readable by their owner only", async () => {
    const db = join(dir, "new", "emulator.sqlite");
    const emu = await startTestEmulator({ db });
    await emu.login();
    expect(mode(join(dir, "new"))).toBe(0o700);
    for (const file of [db, `${db}-wal`, `${db}-shm`]) {
      expect(existsSync(file), file).toBe(true);
      expect(mode(file), file).toBe(0o600);
    }
    await emu.close();
  });

  it("an existing world-readable database is made the owner's only", async () => {
    const db = join(dir, "old.sqlite");
    writeFileSync(db, "");
    chmodSync(db, 0o644);
    const emu = await startTestEmulator({ db });
    expect(mode(db)).toBe(0o600);
    await emu.close();
  });
});
