import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate } from "../../server/store/db";
import { MIGRATIONS } from "../../server/store/schema";
import { STORAGES } from "../fixture-ids";
import { expectDsmError, expectSuccess, useEmulator } from "../harness";

describe("History caps keep a looping client from growing the database for ever", () => {
  const t = useEmulator({}, { each: true });

  it("only the most recently used sessions are kept", async () => {
    const { emu } = t;
    const a = t.sid;
    emu.clock.advance(1_000);
    const b = await emu.login();
    emu.clock.advance(1_000);
    const c = await emu.login();
    emu.clock.advance(5_000);
    expectSuccess(await emu.vmm(a, "Network", "list")); // a is now the most recently used
    emu.app.store.accounts.capSessions(2);
    expectSuccess(await emu.vmm(a, "Network", "list"));
    expectSuccess(await emu.vmm(c, "Network", "list"));
    expectDsmError(await emu.vmm(b, "Network", "list"), 119);
  });

  it("only the most recently finished tasks are kept; running ones never go", async () => {
    const { emu, sid } = t;
    const create = async (name: string) =>
      String(
        expectSuccess(
          await emu.vmm(sid, "Guest", "create", {
            guest_name: name,
            storage_name: STORAGES.first.name,
            auto_clean_task: "false",
          }),
        ).task_id,
      );
    const first = await create("h1");
    emu.clock.advance(5_000);
    const second = await create("h2");
    emu.clock.advance(5_000);
    const running = await create("h3");
    expectSuccess(await emu.vmm(sid, "Task.Info", "list")); // the tick finishes h1 and h2
    emu.app.store.tasks.capFinished(1);
    expect(expectSuccess(await emu.vmm(sid, "Task.Info", "list")).task_ids).toEqual([second, running]);
    expectDsmError(await emu.vmm(sid, "Task.Info", "get", { task_id: first }), 1000);
  });

  it("the journal truncates parameter values over 1 KiB", async () => {
    const { emu, sid } = t;
    await emu.vmm(sid, "Guest", "get", { guest_name: "x".repeat(5_000) });
    const [entry] = await emu.admin.journal({ method: "get", limit: 1 });
    expect(entry?.params.guest_name).toMatch(/^x{1024}… \(3976 more characters\)$/);
    expect(entry?.params._sid).toBe("***");
  });
});

describe("Schema migrations", () => {
  it("a database of schema version 1 is upgraded in place, keeping its rows", () => {
    const db = new Database(":memory:");
    db.exec(MIGRATIONS[0] ?? "");
    db.pragma("user_version = 1");
    db.prepare("INSERT INTO networks (network_id, network_name, seq) VALUES ('n1', 'Net', 1)").run();
    migrate(db);
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining(["guests_seq", "guests_storage", "tasks_seq"]));
    expect(db.prepare("SELECT network_name FROM networks").pluck().get()).toBe("Net");
    db.close();
  });
});
