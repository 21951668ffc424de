import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, schemaVersion } from "../../server/store/db";
import { MIGRATIONS, TABLES } from "../../server/store/schema";
import { expectDsmError, expectSuccess, fixtureWith, startTestEmulator } from "../harness";

// These tests are about starting and restarting emulators, so they start their own.
describe("the SQLite file: created and seeded on first start, reused on the next", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmm-db-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the file (and its folder), seeds it, and keeps sessions and changes across a restart", async () => {
    const path = join(dir, "nested", "state.sqlite");
    const first = await startTestEmulator({ db: path });
    let sid: string;
    try {
      expect(existsSync(path)).toBe(true);
      sid = await first.login();
      expect(expectSuccess(await first.vmm(sid, "Guest", "get", { guest_name: "win10" })).vcpu_num).toBe(2);
      expectSuccess(
        await first.vmm(sid, "Guest", "set", { guest_name: "win10", description: "kept across restarts" }),
      );
    } finally {
      await first.close();
    }

    // A different fixture on the second start proves the file is reused, not re-seeded.
    const second = await startTestEmulator({
      db: path,
      fixtureData: fixtureWith((f) => {
        f.system.serial = "RESEEDED";
      }),
    });
    try {
      const guest = expectSuccess(await second.vmm(sid, "Guest", "get", { guest_name: "win10" }));
      expect(guest.description).toBe("kept across restarts");
      const info = await second.get("entry.cgi", {
        api: "SYNO.DSM.Info",
        version: "2",
        method: "getinfo",
        _sid: sid,
      });
      expect(expectSuccess(info).serial).toBe("2150PDN000001");
    } finally {
      await second.close();
    }
  });

  it("a logout in one run is still a logout in the next", async () => {
    const path = join(dir, "logout.sqlite");
    const first = await startTestEmulator({ db: path });
    const sid = await first.login();
    await first.get("auth.cgi", { api: "SYNO.API.Auth", version: "3", method: "logout", _sid: sid });
    await first.close();
    const second = await startTestEmulator({ db: path });
    try {
      expectDsmError(await second.vmm(sid, "Host", "list"), 119);
    } finally {
      await second.close();
    }
  });

  it("a file database runs in WAL mode with the current schema version", async () => {
    const path = join(dir, "wal.sqlite");
    const emu = await startTestEmulator({ db: path });
    await emu.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it("passwords are stored as salted scrypt hashes, never as plain text", async () => {
    const path = join(dir, "hashes.sqlite");
    const emu = await startTestEmulator({ db: path });
    await emu.close();
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare("SELECT name, password_hash FROM accounts").all() as {
        name: string;
        password_hash: string;
      }[];
      expect(rows.map((r) => r.name)).toEqual(
        expect.arrayContaining(["admin", "viewer", "former", "otpadmin"]),
      );
      for (const row of rows) {
        expect(row.password_hash).toMatch(/^scrypt\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      }
      const admin = rows.find((r) => r.name === "admin")?.password_hash ?? "";
      expect(admin).not.toContain("synology");
      // A random salt: two accounts with the same password never hash the same way.
      const twin = fixtureWith((f) => {
        const admin = f.accounts.find((a) => a.name === "admin");
        if (admin !== undefined) f.accounts.push({ ...admin, name: "admin-twin" });
      });
      const again = await startTestEmulator({ fixtureData: twin });
      const hashes = again.db
        .prepare("SELECT password_hash FROM accounts WHERE name IN ('admin', 'admin-twin')")
        .pluck()
        .all() as string[];
      await again.close();
      expect(hashes).toHaveLength(2);
      expect(new Set(hashes).size).toBe(2);
    } finally {
      db.close();
    }
  });

  it("two emulators in one process share no state (no module-level database)", async () => {
    const [a, b] = await Promise.all([startTestEmulator(), startTestEmulator()]);
    try {
      const sid = await a.login();
      expectSuccess(await a.vmm(sid, "Host", "list"));
      expectDsmError(await b.vmm(sid, "Host", "list"), 119);
      expect(a.db).not.toBe(b.db);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("migrations run from an empty database up to the current version", () => {
    const db = openDatabase(":memory:");
    try {
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      expect(MIGRATIONS.length).toBeGreaterThanOrEqual(1);
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
      ).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(["accounts", "sessions", "hosts", "guests", "tasks"]));
      // The reset clears the tables read from the migrations: that list must be SQLite's own.
      expect([...TABLES].sort()).toEqual(tables.filter((t) => !t.startsWith("sqlite_")).sort());
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it("a database written by a newer emulator is refused, not misread", () => {
    const path = join(dir, "newer.sqlite");
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(/schema version \d+ is newer than this emulator knows/);
    // The refused file was closed again: it can be removed and recreated at once.
    rmSync(path);
    openDatabase(path).close();
  });

  it("a file that is not SQLite is refused with SQLite's message", () => {
    const path = join(dir, "text.sqlite");
    writeFileSync(path, "this is not a database, just text long enough to have a header ".repeat(20));
    expect(() => openDatabase(path)).toThrow(/not a database/);
  });
});
