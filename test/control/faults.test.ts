import { describe, expect, it } from "vitest";
import { ACCOUNTS, STORAGES } from "../fixture-ids";
import { createGuest, expectDsmError, expectSuccess, guestParams, useEmulator } from "../harness";
import { controlCall } from "./support";

const GUEST_API = "SYNO.Virtualization.API.Guest";
const DSM_INFO = { api: "SYNO.DSM.Info", version: "2", method: "getinfo" };

describe("control plane: fault rules answering DSM errors", () => {
  const t = useEmulator({}, { reset: { faults: true, journal: true } });
  const getinfo = () => t.emu.get("entry.cgi", { ...DSM_INFO, _sid: t.sid });

  it("answers the rule's code and errors detail instead of running the operation", async () => {
    const rule = await t.emu.admin.addFault({
      match: { api: GUEST_API, method: "delete", target: "win10" },
      action: { type: "error", code: 402, errors: { reason: "injected" } },
    });
    expect(rule).toMatchObject({ id: "f1", matched: 0, acted: 0, action: { type: "error", code: 402 } });
    const res = await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "win10" });
    expectDsmError(res, 402);
    expect(res.body.error?.errors).toEqual({ reason: "injected" });
    expect((await t.emu.admin.state()).guests.map((g) => g.guest_name)).toContain("win10");
  });

  it("matches the target by id or name, plain, JSON-quoted or in a JSON array", async () => {
    const win10 = (await t.emu.admin.state()).guests.find((g) => g.guest_name === "win10");
    await t.emu.admin.addFault({ match: { target: win10?.guest_id }, action: { type: "error", code: 1000 } });
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "get", { guest_id: win10?.guest_id ?? "" }), 1000);
    expectDsmError(
      await t.emu.vmm(t.sid, "Guest", "get", { guest_id: JSON.stringify(win10?.guest_id) }),
      1000,
    );
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "get", { guest_name: "syno" }));
    await t.emu.admin.clearFaults();
    await t.emu.admin.addFault({
      match: { target: STORAGES.first.name },
      action: { type: "error", code: 700 },
    });
    const image = await t.emu.vmm(t.sid, "Guest.Image", "create", {
      image_name: "x",
      type: "iso",
      ds_file_path: "/isos/x.iso",
      storage_names: JSON.stringify([STORAGES.first.name]),
    });
    expectDsmError(image, 700);
  });

  it("matches on account and version", async () => {
    await t.emu.admin.addFault({
      match: { account: ACCOUNTS.viewer.account },
      action: { type: "error", code: 402 },
    });
    await t.emu.admin.addFault({
      match: { api: "SYNO.API.Auth", method: "login", version: 6 },
      action: { type: "error", code: 400 },
    });
    expectSuccess(await getinfo());
    const viewer = await t.emu.login(ACCOUNTS.viewer.account, ACCOUNTS.viewer.passwd);
    expectDsmError(await t.emu.get("entry.cgi", { ...DSM_INFO, _sid: viewer }), 402);
    const login = (version: string) =>
      t.emu.get("auth.cgi", {
        api: "SYNO.API.Auth",
        version,
        method: "login",
        account: "admin",
        passwd: "synology",
        format: "sid",
      });
    expectDsmError(await login("6"), 400);
    expectSuccess(await login("3"));
  });

  it("skip lets the first calls through and times bounds how many it acts on", async () => {
    await t.emu.admin.addFault({
      match: { api: "SYNO.DSM.Info" },
      action: { type: "error", code: 402 },
      skip: 1,
      times: 2,
    });
    const codes = [];
    for (let i = 0; i < 5; i++) {
      const res = await getinfo();
      codes.push(res.body.success ? "ok" : res.body.error?.code);
    }
    expect(codes).toEqual(["ok", 402, 402, "ok", "ok"]);
    expect(await t.emu.admin.faults()).toEqual([expect.objectContaining({ matched: 5, acted: 2 })]);
  });

  it("with a probability, the same seed acts on the same calls", async () => {
    const run = async () => {
      await t.emu.admin.clearFaults();
      await t.emu.admin.addFault({
        match: { api: "SYNO.DSM.Info" },
        action: { type: "error", code: 402 },
        probability: 0.5,
        seed: 42,
      });
      const pattern: boolean[] = [];
      for (let i = 0; i < 16; i++) pattern.push((await getinfo()).body.success);
      return pattern;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });

  it("the first rule that acts wins; rules can be listed and removed one by one", async () => {
    const a = await t.emu.admin.addFault({
      match: { api: "SYNO.DSM.Info" },
      action: { type: "error", code: 402 },
    });
    const b = await t.emu.admin.addFault({
      match: { api: "SYNO.DSM.Info" },
      action: { type: "error", code: 403 },
    });
    expectDsmError(await getinfo(), 402);
    await t.emu.admin.removeFault(a.id);
    expectDsmError(await getinfo(), 403);
    expect((await t.emu.admin.faults()).map((f) => f.id)).toEqual([b.id]);
    expect((await controlCall(t.emu, "DELETE", `/faults/${a.id}`)).status).toBe(404);
    await t.emu.admin.clearFaults();
    expectSuccess(await getinfo());
  });

  it("answers produced by a rule are marked in the journal", async () => {
    const rule = await t.emu.admin.addFault({
      match: { api: "SYNO.DSM.Info" },
      action: { type: "error", code: 102 },
      times: 1,
    });
    await getinfo();
    await getinfo();
    const entries = await t.emu.admin.journal({ api: "SYNO.DSM.Info" });
    expect(entries.map((e) => [e.success, e.code, e.fault_rule])).toEqual([
      [false, 102, rule.id],
      [true, undefined, undefined],
    ]);
    // An injected 102 is not a missing API.
    expect(await t.emu.admin.unimplemented()).toEqual([]);
  });

  it("refuses a bad rule with 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ action: { type: "explode" } }, "action.type"],
      [{ action: { type: "error" } }, "action.code"],
      [{ action: { type: "delay", ms: -5 } }, "action.ms"],
      [{ action: { type: "error", code: 402 }, probability: 2 }, "probability"],
      [{ action: { type: "error", code: 402 }, match: { guest: "x" } }, "guest"],
      [{ action: { type: "task_stuck", at_progress: 100 } }, "action.at_progress"],
    ];
    for (const [body, field] of cases) {
      const res = await controlCall(t.emu, "POST", "/faults", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(String(res.body.error)).toContain(field);
    }
    expect(await t.emu.admin.faults()).toEqual([]);
  });
});

describe("control plane: fault rules on tasks", () => {
  const t = useEmulator({}, { reset: { faults: true } });

  it("task_fail makes the created task fail with the code at the given progress", async () => {
    await t.emu.admin.addFault({
      match: { api: GUEST_API, method: "create", target: "doomed" },
      action: { type: "task_fail", at_progress: 40, code: 402 },
    });
    const { taskId: task_id } = await createGuest(t.emu, t.sid, "doomed");
    const other = await createGuest(t.emu, t.sid, "fine");
    // Guest creation takes 5 s at realtime scale: 40 % is reached after 2 s.
    t.emu.clock.advance(10_000);
    const state = await t.emu.admin.state();
    const task = state.tasks.find((t) => t.task_id === task_id);
    expect(task).toMatchObject({ status: "failed", error_code: 402, progress: 40 });
    expect(state.guests.map((g) => g.guest_name)).not.toContain("doomed");
    expectDsmError(await t.emu.vmm(t.sid, "Task.Info", "get", { task_id }), 402);
    expect(expectSuccess(await t.emu.vmm(t.sid, "Task.Info", "get", { task_id: other.taskId })).finish).toBe(
      true,
    );
    expect(await t.emu.admin.faults()).toEqual([expect.objectContaining({ acted: 1 })]);
  });

  it("task_stuck keeps the task at the given progress however long it runs", async () => {
    await t.emu.admin.addFault({
      match: { api: GUEST_API, method: "create" },
      action: { type: "task_stuck", at_progress: 30 },
    });
    const { taskId: task_id } = await createGuest(t.emu, t.sid, "stuck");
    await t.emu.admin.advanceClock(3_600_000);
    // An hour idle: the session expired.
    const fresh = await t.emu.login();
    const got = expectSuccess(await t.emu.vmm(fresh, "Task.Info", "get", { task_id }));
    expect(got).toMatchObject({ finish: false, task_info: { progress: 30 } });
    expect(expectSuccess(await t.emu.vmm(fresh, "Guest", "get", { guest_name: "stuck" })).status).toBe(
      "creating",
    );
  });

  it("a task rule does not count a create call that failed", async () => {
    await t.emu.admin.addFault({
      match: { api: GUEST_API, method: "create" },
      action: { type: "task_fail", at_progress: 10 },
      times: 1,
    });
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "create", guestParams("win10")), 403);
    expect(await t.emu.admin.faults()).toEqual([expect.objectContaining({ acted: 0 })]);
  });
});
