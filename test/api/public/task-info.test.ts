import { describe, expect, it } from "vitest";
import { TASK_KINDS } from "../../../server/model/tasks";
import { STORAGES } from "../../fixture-ids";
import { expectDsmError, expectSuccess, useEmulator } from "../../harness";

describe("SYNO.Virtualization.API.Task.Info list, get and clear", () => {
  const t = useEmulator({}, { each: true });

  /**
   * A guest create (the guide's non-blocking call), answering its task id. Unlike the harness's
   * createGuest it does not read the task, which is what these tests look at.
   */
  async function createGuestTask(name: string, autoClean: "true" | "false"): Promise<string> {
    const res = await t.emu.vmm(t.sid, "Guest", "create", {
      guest_name: name,
      storage_name: STORAGES.first.name,
      // Numbers inside JSON values given as strings, as Python clients send them.
      vdisks: '[{"create_type":"0","vdisk_size":"1024"}]',
      vnics: JSON.stringify([{ network_id: "" }]),
      auto_clean_task: autoClean,
    });
    const { task_id } = expectSuccess(res);
    expect(task_id).toMatch(/^@[a-z]+\/virtualization_api_guest_create[0-9A-F]{16}$/);
    return String(task_id);
  }

  const task = (method: string, params: Record<string, string>) =>
    t.emu.vmm(t.sid, "Task.Info", method, params);

  it("list answers {task_ids: []} when nothing runs", async () => {
    const res = await task("list", {});
    expect(res.text).toBe('{"data":{"task_ids":[]},"success":true}');
  });

  it("list answers the ids of the tasks, oldest first", async () => {
    const first = await createGuestTask("t-one", "false");
    const second = await createGuestTask("t-two", "false");
    expect(expectSuccess(await task("list", {}))).toEqual({ task_ids: [first, second] });
  });

  it("get answers {finish, task_info:{auto_clean_task, guest_id, progress, status}} while running, then finished", async () => {
    const id = await createGuestTask("t-get", "false");
    const running = expectSuccess(await task("get", { task_id: id }));
    expect(running).toEqual({
      finish: false,
      task_info: { auto_clean_task: false, guest_id: expect.any(String), progress: 0, status: "create" },
    });
    t.emu.clock.advance(TASK_KINDS.guest_create.realtimeMs / 2);
    const half = expectSuccess(await task("get", { task_id: id })) as { task_info: { progress: number } };
    expect(half.task_info.progress).toBe(50);
    t.emu.clock.advance(TASK_KINDS.guest_create.realtimeMs / 2);
    const done = expectSuccess(await task("get", { task_id: id })) as {
      finish: boolean;
      task_info: { progress: number; guest_id: string };
    };
    expect(done.finish).toBe(true);
    expect(done.task_info.progress).toBe(100);
    const guest = expectSuccess(
      await t.emu.vmm(t.sid, "Guest", "get", { guest_id: done.task_info.guest_id }),
    );
    expect(guest).toMatchObject({ guest_name: "t-get", status: "shutdown" });
  });

  it("get reads the task id as `taskid` too (Python clients)", async () => {
    const id = await createGuestTask("t-python", "false");
    expect(expectSuccess(await task("get", { taskid: id })).finish).toBe(false);
    expect(expectSuccess(await task("get", { task_id: "", taskid: id })).finish).toBe(false);
  });

  it("get of an unknown task answers 1000; without a task id 401", async () => {
    expectDsmError(
      await task("get", { task_id: "@administrators/virtualization_api_guest_create0000000000000000" }),
      1000,
    );
    expectDsmError(await task("get", {}), 401);
    expectDsmError(await task("get", { task_id: "" }), 401);
  });

  it("clear removes a task (empty success); get and clear then answer 1000", async () => {
    const id = await createGuestTask("t-clear", "false");
    const cleared = await task("clear", { task_id: id });
    expect(cleared.text).toBe('{"success":true}');
    expect(expectSuccess(await task("list", {}))).toEqual({ task_ids: [] });
    expectDsmError(await task("get", { task_id: id }), 1000);
    expectDsmError(await task("clear", { task_id: id }), 1000);
  });

  it("clear of a running task after a list has been read takes it out of every later list (get answers 1000)", async () => {
    const kept = await createGuestTask("t-kept", "false");
    const id = await createGuestTask("t-list-clear", "false");
    // The list is read first, so that the emulator has an answer it could keep.
    expect(expectSuccess(await task("list", {}))).toEqual({ task_ids: [kept, id] });
    expect(expectSuccess(await task("get", { task_id: id })).finish).toBe(false);
    expect((await task("clear", { task_id: id })).text).toBe('{"success":true}');
    expectDsmError(await task("get", { task_id: id }), 1000);
    expect(expectSuccess(await task("list", {}))).toEqual({ task_ids: [kept] });
    t.emu.clock.advance(TASK_KINDS.guest_create.realtimeMs);
    expect(expectSuccess(await task("list", {}))).toEqual({ task_ids: [kept] });
  });

  it("clear of an unknown task answers 1000, with taskid as well", async () => {
    expectDsmError(
      await task("clear", { taskid: "@users/virtualization_api_guest_createFFFFFFFFFFFFFFFF" }),
      1000,
    );
  });

  it("auto_clean_task=true: the finished state is answered once, then the task is gone (1000)", async () => {
    const id = await createGuestTask("t-auto", "true");
    t.emu.clock.advance(TASK_KINDS.guest_create.realtimeMs);
    expect(expectSuccess(await task("get", { task_id: id })).finish).toBe(true);
    expectDsmError(await task("get", { task_id: id }), 1000);
  });

  it("a finished task is cleaned on its own a minute after it finished", async () => {
    const id = await createGuestTask("t-minute", "false");
    t.emu.clock.advance(TASK_KINDS.guest_create.realtimeMs + 59_000);
    expect(expectSuccess(await task("get", { task_id: id })).finish).toBe(true);
    t.emu.clock.advance(2_000);
    expectDsmError(await task("get", { task_id: id }), 1000);
    expect(expectSuccess(await task("list", {}))).toEqual({ task_ids: [] });
  });
});
