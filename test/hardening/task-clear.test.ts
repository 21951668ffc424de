/**
 * Task.Info clear of a task whose work still runs: the guest stayed `creating` for ever, could
 * not be deleted, and held its LUN and its space. Clearing a record must never stop the work.
 */
import { describe, expect, it } from "vitest";
import { IMAGES, STORAGES } from "../fixture-ids";
import { createGuest, expectDsmError, expectSuccess, statusOf, useEmulator } from "../harness";

describe("Task.Info clear of a running task", () => {
  const t = useEmulator({}, { each: true });

  it("takes the task out of view, and its guest is still created, then deletable", async () => {
    const { taskId } = await createGuest(t.emu, t.sid, "cleared-early");
    expect(await statusOf(t.emu, t.sid, "cleared-early")).toBe("creating");
    expectSuccess(await t.emu.vmm(t.sid, "Task.Info", "clear", { task_id: taskId }));
    const listed = expectSuccess(await t.emu.vmm(t.sid, "Task.Info", "list")).task_ids as string[];
    expect(listed).not.toContain(taskId);
    expectDsmError(await t.emu.vmm(t.sid, "Task.Info", "get", { task_id: taskId }), 1000);

    t.emu.clock.advance(10_000);
    expect(await statusOf(t.emu, t.sid, "cleared-early")).toBe("shutdown");
    expect((await t.emu.admin.state()).tasks.map((task) => task.task_id)).not.toContain(taskId);
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "delete", { guest_name: "cleared-early" }));
  });

  it("an image whose task was cleared is still created and listed", async () => {
    const res = await t.emu.vmm(t.sid, "Guest.Image", "create", {
      image_name: "cleared-image",
      type: "iso",
      ds_file_path: "/share/ubuntu-22.04.iso",
      storage_names: JSON.stringify([STORAGES.first.name]),
    });
    const { task_id } = expectSuccess(res) as { task_id: string };
    expectSuccess(await t.emu.vmm(t.sid, "Task.Info", "clear", { task_id }));
    t.emu.clock.advance(60_000);
    const images = expectSuccess(await t.emu.vmm(t.sid, "Guest.Image", "list")).images as {
      image_name: string;
    }[];
    expect(images.map((i) => i.image_name)).toContain("cleared-image");
    expect(images.map((i) => i.image_name)).toContain(IMAGES.iso.name);
  });
});
