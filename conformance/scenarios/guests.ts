/**
 * The owned lifecycle of a guest: create → task → get → set → power → delete, on guests the
 * run creates (in its prefix, one small empty disk, one unconnected NIC), plus the error codes
 * those guests can provoke without touching anything else.
 */
import { guest as guestShape, taskCreated, taskState } from "../client/shapes";
import { check, equal, expectCode, expectShape } from "../runner/check";
import { scenario } from "../runner/scenario";
import { API, createGuest, powerOnAndWait, SMALL_DISK_MB, startGuestCreate } from "./helpers";

export const guestScenarios = [
  scenario({
    id: "guest.create.task",
    title:
      "Guest create answers a task id; the task reaches finish with the new guest's id, which then exists (shutdown)",
    covers: [
      [API.guest, "create"],
      [API.task, "get"],
    ],
    tier: "owned",
    async run(ctx) {
      const { vmm, wait } = ctx;
      const { name, taskId } = await startGuestCreate(ctx, "create");
      expectShape(taskCreated, { task_id: taskId }, "create answer");
      const first = expectShape(
        taskState,
        await ctx.dsm.call(API.task, "get", { task_id: taskId }),
        "Task.Info get",
      );
      equal(first.task_info.auto_clean_task, true, "auto_clean_task default");
      const listed = (await vmm.listGuests()).find((g) => g.guest_name === name);
      if (!first.finish) {
        check(listed !== undefined, "a guest being created should be listed");
        check(["creating", "shutdown"].includes(listed.status), `status while creating: ${listed.status}`);
      }
      let lastProgress = first.task_info.progress;
      // A task that finished before the first read is gone after it (auto-clean): no second read.
      const done = first.finish
        ? first
        : await wait.until(`task ${taskId}`, async () => {
            const state = expectShape(
              taskState,
              await ctx.dsm.call(API.task, "get", { task_id: taskId }),
              "Task.Info get",
            );
            check(state.task_info.progress >= lastProgress, "progress never goes back");
            lastProgress = state.task_info.progress;
            return { done: state.finish, value: state };
          });
      equal(done.task_info.progress, 100, "progress of a finished task");
      const id = done.task_info.guest_id;
      check(id !== undefined && id !== "", "task_info.guest_id of the finished task");
      const g = expectShape(
        guestShape,
        await ctx.dsm.call(API.guest, "get", { guest_id: id }),
        "the new guest",
      );
      equal(g.guest_name, name, "name");
      equal(g.status, "shutdown", "status after create");
      equal(
        g.vdisks.map((d) => d.vdisk_size),
        [SMALL_DISK_MB],
        "vdisk sizes",
      );
      equal(g.vnics.length, 1, "vnic count");
      equal((await ctx.placement()).storage.storage_id, g.storage_id, "storage");
      // auto_clean_task: the finished state was read, so DSM has dropped the task.
      await expectCode(vmm.getTask(taskId), 1000, "the auto-cleaned task after its finished state was read");
    },
  }),
  scenario({
    id: "guest.create.keep-task",
    title: "with auto_clean_task=false the finished task stays listed until Task.Info clear",
    covers: [
      [API.guest, "create"],
      [API.task, "list"],
      [API.task, "clear"],
    ],
    tier: "owned",
    async run(ctx) {
      const g = await createGuest(ctx, "keep-task", { autoClean: false });
      equal(g.task.task_info.auto_clean_task, false, "auto_clean_task");
      check((await ctx.vmm.listTasks()).includes(g.taskId), "the finished task should still be listed");
      const again = await ctx.vmm.getTask(g.taskId);
      equal(again.finish, true, "finish on a second read");
      await ctx.vmm.clearTask(g.taskId);
      check(!(await ctx.vmm.listTasks()).includes(g.taskId), "a cleared task should not be listed");
      await expectCode(ctx.vmm.getTask(g.taskId), 1000, "a cleared task");
    },
  }),
  scenario({
    id: "guest.set.fields",
    title: "Guest set changes description, autorun, vCPU, RAM and the name; get shows each",
    covers: [[API.guest, "set"]],
    tier: "owned",
    async run(ctx) {
      const g = await createGuest(ctx, "set");
      const renamed = ctx.ledger.name("renamed");
      const description = ctx.ledger.description("set, with a comma, and a \\ backslash");
      await ctx.vmm.setGuest({ guest_id: g.id }, { description, autorun: 2, vcpu_num: 2, vram_size: 2048 });
      await ctx.vmm.setGuest({ guest_name: g.name }, { new_guest_name: renamed });
      const after = await ctx.vmm.getGuest({ guest_name: renamed });
      equal(after.guest_id, g.id, "the renamed guest keeps its id");
      equal(
        [after.description, after.autorun, after.vcpu_num, after.vram_size],
        [description, 2, 2, 2048],
        "description, autorun, vcpu_num, vram_size",
      );
      await expectCode(ctx.vmm.getGuest({ guest_name: g.name }), 401, "get by the old name");
    },
  }),
  scenario({
    id: "guest.set.403-name-conflict",
    title: "renaming a guest to another guest's name answers 403",
    covers: [[API.guest, "set"]],
    tier: "owned",
    async run(ctx) {
      const a = await createGuest(ctx, "conflict-a");
      const b = await createGuest(ctx, "conflict-b");
      await expectCode(
        ctx.vmm.setGuest({ guest_id: b.id }, { new_guest_name: a.name }),
        403,
        "rename onto a taken name",
      );
      equal((await ctx.vmm.getGuest({ guest_id: b.id })).guest_name, b.name, "b keeps its name");
    },
  }),
  scenario({
    id: "guest.create.403-name-conflict",
    title: "creating a guest with a taken name answers 403 at once",
    covers: [[API.guest, "create"]],
    tier: "owned",
    async run(ctx) {
      const a = await createGuest(ctx, "dup");
      const { storage } = await ctx.placement();
      const create = ctx.vmm.createGuest({
        guest_name: a.name,
        storage_id: storage.storage_id,
        vdisks: [{ create_type: 0, vdisk_size: SMALL_DISK_MB }],
        vnics: [],
      });
      await expectCode(create, 403, "a second guest with the same name");
    },
  }),
  scenario({
    id: "guest.create.905-mac-conflict",
    title: "creating a guest with a MAC another guest uses answers 905",
    covers: [[API.guest, "create"]],
    tier: "owned",
    async run(ctx) {
      const a = await createGuest(ctx, "mac-a");
      const mac = (await ctx.vmm.getGuest({ guest_id: a.id })).vnics[0]?.mac;
      check(mac !== undefined, "the first guest should have a vnic with a MAC");
      const { storage } = await ctx.placement();
      const create = ctx.vmm.createGuest({
        guest_name: ctx.ledger.name("mac-b"),
        storage_id: storage.storage_id,
        vdisks: [{ create_type: 0, vdisk_size: SMALL_DISK_MB }],
        vnics: [{ network_id: "", mac }],
      });
      await expectCode(create, 905, "a MAC already in use");
    },
  }),
  scenario({
    id: "guest.create.906-image-not-found",
    title: "cloning an image that does not exist answers 906",
    covers: [[API.guest, "create"]],
    tier: "owned",
    async run(ctx) {
      const { storage } = await ctx.placement();
      const create = ctx.vmm.createGuest({
        guest_name: ctx.ledger.name("no-image"),
        storage_id: storage.storage_id,
        vdisks: [{ create_type: 1, image_name: ctx.ledger.name("absent-image") }],
        vnics: [],
      });
      await expectCode(create, 906, "an unknown image");
    },
  }),
  scenario({
    id: "guest.create.700-unknown-storage",
    title: "creating a guest on a storage that does not exist answers 700",
    covers: [[API.guest, "create"]],
    tier: "owned",
    async run(ctx) {
      const create = ctx.vmm.createGuest({
        guest_name: ctx.ledger.name("no-storage"),
        storage_name: ctx.ledger.name("absent-storage"),
        vdisks: [{ create_type: 0, vdisk_size: SMALL_DISK_MB }],
        vnics: [],
      });
      await expectCode(create, 700, "an unknown storage");
    },
  }),
  scenario({
    id: "guest.create.401-bad-parameters",
    title: "creating a guest without a name, or with vdisks that are not JSON, answers 401",
    covers: [[API.guest, "create"]],
    tier: "owned",
    async run(ctx) {
      const { storage } = await ctx.placement();
      const noName = ctx.dsm.call(API.guest, "create", {
        storage_id: storage.storage_id,
        vdisks: "[]",
        vnics: "[]",
      });
      await expectCode(noName, 401, "create without guest_name");
      const badJson = ctx.dsm.call(API.guest, "create", {
        guest_name: ctx.ledger.name("bad-json"),
        storage_id: storage.storage_id,
        vdisks: "[{create_type:0",
        vnics: "[]",
      });
      await expectCode(badJson, 401, "create with vdisks that are not JSON");
    },
  }),
  scenario({
    id: "guest.create.402-no-space",
    title: "a vdisk larger than the storage's free space answers 402",
    covers: [[API.guest, "create"]],
    tier: "owned",
    async run(ctx) {
      const { storage } = await ctx.placement();
      const free = (storage.size ?? 0) - (storage.used ?? 0);
      check(free > 0, `storage ${storage.storage_name} should report its size`);
      const create = ctx.vmm.createGuest({
        guest_name: ctx.ledger.name("too-big"),
        storage_id: storage.storage_id,
        // Sized from the storage's own figures: just past what it has free (a 4x request was
        // refused by a NAS as a bad parameter before any space was looked at).
        vdisks: [{ create_type: 0, vdisk_size: free + SMALL_DISK_MB }],
        vnics: [],
      });
      await expectCode(
        create,
        402,
        `a vdisk of ${free + SMALL_DISK_MB} MB on storage ${storage.storage_name}, which reports size ${storage.size} MB, used ${storage.used} MB`,
      );
    },
  }),
  scenario({
    id: "guest.power.cycle",
    title: "poweron → running; poweron again 904; delete while running 904; poweroff → shutdown; then 907",
    covers: [
      [API.action, "poweron"],
      [API.action, "poweroff"],
      [API.guest, "delete"],
    ],
    tier: "owned",
    async run(ctx) {
      const { vmm, wait } = ctx;
      const g = await createGuest(ctx, "power");
      const ref = { guest_id: g.id };
      await vmm.powerOn(ref);
      const right = (await vmm.getGuest(ref)).status;
      check(["booting", "running"].includes(right), `status right after poweron: ${right}`);
      await wait.guestStatus(vmm, ref, ["running"]);
      await expectCode(vmm.powerOn(ref), 904, "poweron of a running guest");
      await expectCode(vmm.deleteGuest(ref), 904, "delete of a running guest");
      await vmm.powerOff(ref);
      await wait.guestStatus(vmm, ref, ["shutdown"]);
      await expectCode(vmm.powerOff(ref), 907, "poweroff of a stopped guest");
    },
  }),
  scenario({
    id: "guest.shutdown.907-stopped",
    title: "shutdown of a stopped guest answers 907",
    covers: [[API.action, "shutdown"]],
    tier: "owned",
    async run(ctx) {
      const g = await createGuest(ctx, "stopped");
      await expectCode(ctx.vmm.shutdown({ guest_id: g.id }), 907, "shutdown of a stopped guest");
    },
  }),
  scenario({
    id: "guest.shutdown.graceful",
    title: "shutdown of a running guest goes through shutting_down to shutdown",
    covers: [[API.action, "shutdown"]],
    tier: "owned",
    // On a NAS too: a guest without an operating system may ignore the ACPI request, and then
    // the wait runs out (indeterminate, naming the status it stayed in); cleanup forces it off.
    async run(ctx) {
      const g = await createGuest(ctx, "graceful");
      await powerOnAndWait(ctx, g.id);
      await ctx.vmm.shutdown({ guest_id: g.id });
      const right = (await ctx.vmm.getGuest({ guest_id: g.id })).status;
      check(["shutting_down", "shutdown"].includes(right), `status right after shutdown: ${right}`);
      await ctx.wait.guestStatus(ctx.vmm, { guest_id: g.id }, ["shutdown"]);
    },
  }),
  scenario({
    id: "guest.delete",
    title: "Guest delete removes the guest: it is no longer listed and get answers an error",
    covers: [[API.guest, "delete"]],
    tier: "owned",
    async run(ctx) {
      const g = await createGuest(ctx, "delete");
      await ctx.vmm.deleteGuest({ guest_name: g.name });
      check(
        !(await ctx.vmm.listGuests()).some((x) => x.guest_id === g.id),
        "a deleted guest should not be listed",
      );
      await expectCode(ctx.vmm.getGuest({ guest_id: g.id }), 401, "get of a deleted guest");
      await expectCode(ctx.vmm.deleteGuest({ guest_id: g.id }), 401, "delete of a deleted guest");
    },
  }),
  scenario({
    id: "guest.action.401-without-ref",
    title: "power actions without guest_id and guest_name answer 401",
    covers: [
      [API.action, "poweron"],
      [API.action, "poweroff"],
      [API.action, "shutdown"],
    ],
    tier: "owned",
    async run({ dsm }) {
      for (const method of ["poweron", "poweroff", "shutdown"] as const) {
        await expectCode(dsm.call(API.action, method, {}), 401, `${method} without a guest`);
      }
    },
  }),
];
