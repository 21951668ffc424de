/**
 * Scenarios that only the emulator can run: they put the cluster into states the DSM API
 * cannot reach (host offline, storage crashed, no Pro licence, HA reservation failing, fault
 * rules) through the control plane, or power on the default fixture's pre-existing guests that
 * were built to be refused. Each undoes its change right after; a NAS run skips them all.
 */
import { DsmApiError } from "../client/errors";
import { check, equal, expectCode } from "../runner/check";
import { type Scenario, type ScenarioContext, scenario } from "../runner/scenario";
import { API, createGuest, powerOnAndWait, SMALL_DISK_MB } from "../scenarios/helpers";
import { SCENARIOS } from "../scenarios/index";
import { systemEmulatorScenarios } from "./system-scenarios";
import type { EmulatorExtra } from "./target";

const CONTROL_PLANE = "needs the control plane to change cluster state";
const DEFAULT_FIXTURE = "relies on the default fixture's guests built to be refused";

function admin(ctx: ScenarioContext<EmulatorExtra>) {
  check(ctx.extra !== undefined, "no control plane");
  return ctx.extra.admin;
}

/** A pre-existing guest of the default fixture, or a failure naming it. */
async function fixtureGuest(ctx: ScenarioContext, name: string): Promise<string> {
  const g = (await ctx.vmm.listGuests()).find((x) => x.guest_name === name);
  check(g !== undefined, `the default fixture's guest ${name} is not there`);
  return g.guest_id;
}

/** Power-on refusals the default fixture produces naturally (nothing is powered on). */
const natural: readonly [code: number, guest: string, host: string | undefined, why: string][] = [
  [902, "many-cpu", "Synology", "more vCPUs than the host has threads"],
  [903, "big-memory", "Synology", "more memory than the host has free"],
  [900, "big-memory", undefined, "no host fits when auto-selecting"],
  [908, "db-reserved", "Synology-2", "a CPU reservation above the host's threads"],
  [909, "lab-router", "Synology-2", "its network is not on the host"],
  [910, "legacy-ide", "Synology-2", "an IDE boot disk cannot boot remotely"],
  [911, "win10", "Synology-2", "UEFI cannot boot remotely"],
  [901, "archive", undefined, "its storage's host is offline"],
];

const naturalScenarios: Scenario<EmulatorExtra>[] = natural.map(([code, name, host, why]) =>
  scenario<EmulatorExtra>({
    id: `emulator.poweron.${code}-${name}`,
    title: `poweron of ${name}${host === undefined ? "" : ` on ${host}`} answers ${code}: ${why}`,
    covers: [[API.action, "poweron"]],
    tier: "disruptive",
    emulatorOnly: DEFAULT_FIXTURE,
    async run(ctx) {
      const id = await fixtureGuest(ctx, name);
      ctx.defer(`power ${name} off if it started`, async () => {
        const { status } = await ctx.vmm.getGuest({ guest_id: id });
        if (status !== "shutdown") await ctx.vmm.powerOff({ guest_id: id });
      });
      await expectCode(
        ctx.vmm.powerOn({ guest_id: id }, host === undefined ? undefined : { host_name: host }),
        code,
        `poweron of ${name}`,
      );
    },
  }),
);

/** A running host other than the one holding the run's storage, and an offline one. */
async function hosts(ctx: ScenarioContext) {
  const { storage } = await ctx.placement();
  const all = await ctx.vmm.listHosts();
  return {
    other: all.find((h) => h.status === "running" && h.host_id !== storage.host_id),
    offline: all.find((h) => h.status !== "running"),
    all,
  };
}

export const emulatorOnlyScenarios: Scenario<EmulatorExtra>[] = [
  ...naturalScenarios,
  scenario<EmulatorExtra>({
    id: "emulator.poweron.601-host-offline",
    title: "poweron on a host that went offline answers 601",
    covers: [[API.action, "poweron"]],
    tier: "disruptive",
    emulatorOnly: CONTROL_PLANE,
    needs: ["controlPlane"],
    async run(ctx) {
      const g = await createGuest(ctx, "offline-host");
      const { other, offline, all } = await hosts(ctx);
      let target = offline;
      if (target === undefined) {
        // Taking one host down must not freeze the cluster (more than half offline answers 500).
        check(
          other !== undefined && all.length >= 3,
          "a third host is needed to take one offline without freezing",
        );
        target = other;
        await admin(ctx).updateHost(other.host_id, { status: "inaccessible" });
        ctx.defer(`bring host ${other.host_name} back`, () =>
          admin(ctx).updateHost(other.host_id, { status: "running" }),
        );
      }
      const down = target;
      await expectCode(
        ctx.vmm.powerOn({ guest_id: g.id }, { host_id: down.host_id }),
        601,
        "poweron on an offline host",
      );
    },
  }),
  scenario<EmulatorExtra>({
    id: "emulator.cluster.500-frozen",
    title: "with more than half of the hosts offline every change answers 500",
    covers: [
      [API.guest, "create"],
      [API.guest, "set"],
    ],
    tier: "disruptive",
    emulatorOnly: CONTROL_PLANE,
    needs: ["controlPlane"],
    async run(ctx) {
      const g = await createGuest(ctx, "frozen");
      const { all } = await hosts(ctx);
      const { storage } = await ctx.placement();
      let offline = all.filter((h) => h.status !== "running").length;
      for (const h of all) {
        if (offline * 2 > all.length) break;
        if (h.status !== "running" || h.host_id === storage.host_id) continue;
        await admin(ctx).updateHost(h.host_id, { status: "inaccessible" });
        ctx.defer(`bring host ${h.host_name} back`, () =>
          admin(ctx).updateHost(h.host_id, { status: "running" }),
        );
        offline++;
      }
      check(offline * 2 > all.length, "could not take more than half of the hosts offline");
      await expectCode(
        ctx.vmm.setGuest({ guest_id: g.id }, { description: ctx.ledger.description("frozen") }),
        500,
        "set on a frozen cluster",
      );
      const create = ctx.vmm.createGuest({
        guest_name: ctx.ledger.name("frozen-create"),
        storage_id: storage.storage_id,
        vdisks: [{ create_type: 0, vdisk_size: SMALL_DISK_MB }],
        vnics: [],
      });
      await expectCode(create, 500, "create on a frozen cluster");
    },
  }),
  ...(
    [
      ["incompatible", 501],
      ["not_ready", 600],
    ] as const
  ).map(([status, code]) =>
    scenario<EmulatorExtra>({
      id: `emulator.cluster.${code}-${status.replace("_", "-")}`,
      title: `a cluster that is ${status.replace("_", " ")} answers ${code} to changes`,
      covers: [[API.guest, "set"]],
      tier: "disruptive",
      emulatorOnly: CONTROL_PLANE,
      needs: ["controlPlane"],
      async run(ctx) {
        const g = await createGuest(ctx, `cluster-${code}`);
        await admin(ctx).updateCluster({ cluster_status: status });
        ctx.defer("cluster back to normal", () => admin(ctx).updateCluster({ cluster_status: "normal" }));
        await expectCode(
          ctx.vmm.setGuest({ guest_id: g.id }, { vcpu_num: 2 }),
          code,
          `set on a ${status} cluster`,
        );
        const reads = await ctx.vmm.listGuests();
        check(reads.length > 0, "reads still work");
      },
    }),
  ),
  scenario<EmulatorExtra>({
    id: "emulator.poweron.1001-no-pro-licence",
    title: "without VMM Pro, booting a guest on another host than its storage's answers 1001",
    covers: [[API.action, "poweron"]],
    tier: "disruptive",
    emulatorOnly: CONTROL_PLANE,
    needs: ["controlPlane"],
    async run(ctx) {
      const g = await createGuest(ctx, "no-pro");
      const { other } = await hosts(ctx);
      check(other !== undefined, "a second running host is needed");
      await admin(ctx).updateCluster({ pro_licence: false });
      ctx.defer("Pro licence back", () => admin(ctx).updateCluster({ pro_licence: true }));
      await expectCode(
        ctx.vmm.powerOn({ guest_id: g.id }, { host_id: other.host_id }),
        1001,
        "remote poweron without Pro",
      );
    },
  }),
  scenario<EmulatorExtra>({
    id: "emulator.guest.create.700-crashed-storage",
    title: "creating a guest on a crashed storage answers 700",
    covers: [[API.guest, "create"]],
    tier: "disruptive",
    emulatorOnly: CONTROL_PLANE,
    needs: ["controlPlane"],
    async run(ctx) {
      const { storage } = await ctx.placement();
      await admin(ctx).updateStorage(storage.storage_id, { status: "crashed" });
      ctx.defer(`storage ${storage.storage_name} back online`, () =>
        admin(ctx).updateStorage(storage.storage_id, { status: "online" }),
      );
      const create = ctx.vmm.createGuest({
        guest_name: ctx.ledger.name("crashed-storage"),
        storage_id: storage.storage_id,
        vdisks: [{ create_type: 0, vdisk_size: SMALL_DISK_MB }],
        vnics: [],
      });
      await expectCode(create, 700, "create on a crashed storage");
    },
  }),
  scenario<EmulatorExtra>({
    id: "emulator.image.1400-partial-success",
    title:
      "an image created onto a healthy and a crashed storage ends its task with 1400 and exists on the healthy one",
    covers: [
      [API.image, "create"],
      [API.task, "get"],
    ],
    tier: "disruptive",
    emulatorOnly: CONTROL_PLANE,
    needs: ["controlPlane", "imageSource"],
    async run(ctx) {
      const { storage } = await ctx.placement();
      const second = (await ctx.vmm.listStorages()).find(
        (s) => s.storage_id !== storage.storage_id && s.status === "online",
      );
      check(second !== undefined, "a second online storage is needed");
      await admin(ctx).updateStorage(second.storage_id, { status: "crashed" });
      ctx.defer(`storage ${second.storage_name} back online`, () =>
        admin(ctx).updateStorage(second.storage_id, { status: "online" }),
      );
      const name = ctx.ledger.name("partial");
      const taskId = await ctx.vmm.createImage({
        image_name: name,
        type: "disk",
        ds_file_path: ctx.imageSourcePath ?? "",
        storage_ids: [storage.storage_id, second.storage_id],
      });
      await expectCode(ctx.wait.task(ctx.vmm, taskId), 1400, "the partially successful image task");
      const image = (await ctx.vmm.listImages()).find((i) => i.image_name === name);
      check(image !== undefined, "the image should exist where it succeeded");
      equal(
        image.storages.map((s) => s.storage_id),
        [storage.storage_id],
        "the image's storages",
      );
    },
  }),
  scenario<EmulatorExtra>({
    id: "emulator.guest.create.404-lun-limit",
    title: "with the iSCSI LUN limit reached, creating a guest with a vdisk answers 404",
    covers: [[API.guest, "create"]],
    tier: "disruptive",
    emulatorOnly: CONTROL_PLANE,
    needs: ["controlPlane"],
    async run(ctx) {
      const state = (await admin(ctx).state()) as { system?: { max_iscsi_luns?: number } };
      const before = state.system?.max_iscsi_luns ?? 128;
      await admin(ctx).updateCluster({ max_iscsi_luns: 0 });
      ctx.defer("LUN limit back", () => admin(ctx).updateCluster({ max_iscsi_luns: before }));
      const { storage } = await ctx.placement();
      const create = ctx.vmm.createGuest({
        guest_name: ctx.ledger.name("lun-limit"),
        storage_id: storage.storage_id,
        vdisks: [{ create_type: 0, vdisk_size: SMALL_DISK_MB }],
        vnics: [],
      });
      await expectCode(create, 404, "create past the LUN limit");
    },
  }),
  scenario<EmulatorExtra>({
    id: "emulator.guest.set.1600-ha-reservation",
    title: "on an HA cluster whose reservation fails, a CPU/RAM change is applied and answers 1600",
    covers: [[API.guest, "set"]],
    tier: "disruptive",
    emulatorOnly: CONTROL_PLANE,
    needs: ["controlPlane"],
    async run(ctx) {
      const g = await createGuest(ctx, "ha");
      await admin(ctx).updateCluster({ ha_enabled: true, ha_reservation_ok: false });
      ctx.defer("HA settings back", () =>
        admin(ctx).updateCluster({ ha_enabled: false, ha_reservation_ok: true }),
      );
      await expectCode(
        ctx.vmm.setGuest({ guest_id: g.id }, { vcpu_num: 2, vram_size: 2048 }),
        1600,
        "a resize with a failing HA reservation",
      );
      const after = await ctx.vmm.getGuest({ guest_id: g.id });
      equal([after.vcpu_num, after.vram_size], [2, 2048], "the edit applied anyway");
    },
  }),
  scenario<EmulatorExtra>({
    id: "emulator.guest.crash",
    title: "a running guest that crashes shows status crashed",
    covers: [[API.guest, "get"]],
    tier: "disruptive",
    emulatorOnly: CONTROL_PLANE,
    needs: ["controlPlane"],
    async run(ctx) {
      const g = await createGuest(ctx, "crash");
      await powerOnAndWait(ctx, g.id);
      await admin(ctx).crashGuest(g.id);
      equal((await ctx.vmm.getGuest({ guest_id: g.id })).status, "crashed", "status after a crash");
    },
  }),
  scenario<EmulatorExtra>({
    id: "emulator.fault.error-rule",
    title: "a fault rule answers its DSM error (with detail) for the matched call only, then is removed",
    covers: [[API.host, "list"]],
    tier: "disruptive",
    emulatorOnly: "fault rules are the control plane's",
    needs: ["controlPlane"],
    async run(ctx) {
      ctx.defer("remove fault rules", () => admin(ctx).clearFaults());
      await admin(ctx).addFault({
        match: { api: API.host, method: "list" },
        action: { type: "error", code: 402, errors: { reason: "injected" } },
        times: 1,
      });
      const err = await expectCode(ctx.vmm.listHosts(), 402, "the faulted call");
      check(JSON.stringify(err.errors ?? {}).includes("injected"), "the rule's detail should be carried");
      await ctx.vmm.listNetworks();
      await ctx.vmm.listHosts();
    },
  }),
  scenario<EmulatorExtra>({
    id: "emulator.fault.task-fails",
    title: "a task_fail rule makes the create task end with its code, and the guest is gone",
    covers: [
      [API.guest, "create"],
      [API.task, "get"],
    ],
    tier: "disruptive",
    emulatorOnly: "fault rules are the control plane's",
    needs: ["controlPlane"],
    async run(ctx) {
      ctx.defer("remove fault rules", () => admin(ctx).clearFaults());
      await admin(ctx).addFault({
        match: { api: API.guest, method: "create" },
        action: { type: "task_fail", at_progress: 50, code: 402 },
      });
      const { storage } = await ctx.placement();
      const name = ctx.ledger.name("task-fails");
      const taskId = await ctx.vmm.createGuest({
        guest_name: name,
        storage_id: storage.storage_id,
        vdisks: [{ create_type: 0, vdisk_size: SMALL_DISK_MB }],
        vnics: [],
      });
      let failed: DsmApiError | undefined;
      try {
        await ctx.wait.task(ctx.vmm, taskId);
      } catch (err) {
        if (!(err instanceof DsmApiError)) throw err;
        failed = err;
      }
      check(failed?.code === 402, `the task should fail with 402, got ${failed?.code ?? "success"}`);
      check(
        !(await ctx.vmm.listGuests()).some((x) => x.guest_name === name),
        "a failed create leaves no guest",
      );
    },
  }),
];

/** Every scenario: the NAS-safe suite, then the emulator's own (a NAS run lists those as skipped). */
export const ALL_SCENARIOS: readonly Scenario<EmulatorExtra>[] = [
  ...SCENARIOS,
  ...emulatorOnlyScenarios,
  ...systemEmulatorScenarios,
];
