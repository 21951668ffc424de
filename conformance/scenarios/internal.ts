/**
 * The web UI's internal dialect (`SYNO.Virtualization.*`), which the Terraform provider and Home
 * Assistant call: reads of every internal list (safe on a NAS) checked against the recorded
 * shapes and against the same objects through the guide's API (memory KiB there, MB here), and
 * owned-tier `set`, `pwr_ctl` and `upload_and_create` on the run's own guests and images. A NAS
 * run records DSM's answers to each, including the codes the emulator had to guess (docs/differences.md,
 * "The internal dialect").
 */
import {
  clusterSummary,
  internalGuest,
  internalGuestList,
  internalHostList,
  RUNNING_ONLY_KEYS,
  unknownKeys,
} from "../client/internal-shapes";
import type { TaskState } from "../client/shapes";
import { taskCreated } from "../client/shapes";
import { check, equal, expectCode, expectShape } from "../runner/check";
import type { ScenarioContext } from "../runner/scenario";
import { scenario } from "../runner/scenario";
import { API, createGuest } from "./helpers";

const GUEST = "SYNO.Virtualization.Guest";
const ACTION = "SYNO.Virtualization.Guest.Action";
const IMAGE = "SYNO.Virtualization.Guest.Image";

/** A guest id no NAS has (a valid UUID, so only its absence is tested). */
const UNKNOWN_ID = "00000000-0000-4000-8000-00000000c0de";

async function internalGuests(ctx: ScenarioContext) {
  return expectShape(internalGuestList, await ctx.dsm.call(GUEST, "list", {}), "internal Guest list").guests;
}

async function internalGet(ctx: ScenarioContext, guestId: string) {
  return expectShape(
    internalGuest,
    await ctx.dsm.call(GUEST, "get", { guest_id: guestId }),
    "internal Guest get",
  );
}

const pwr = (ctx: ScenarioContext, guestId: string, action: string) =>
  ctx.dsm.call(ACTION, "pwr_ctl", { guest_id: guestId, action });

/** Sends upload_and_create of `bytes` zero bytes as the Terraform provider does (spec 5.6). */
function sendUpload(
  ctx: ScenarioContext,
  name: string,
  type: "disk" | "iso",
  storageId: string,
  bytes: number,
) {
  const fileName = `${name}.${type === "iso" ? "iso" : "img"}`;
  return ctx.dsm.upload(
    IMAGE,
    "upload_and_create",
    {
      name,
      ds_file_path: fileName,
      // Double-encoded: a JSON string holding the JSON array.
      image_repos: JSON.stringify(JSON.stringify([storageId])),
      type,
      get_patch_by: "upload",
    },
    { fileName, bytes: new Uint8Array(bytes) },
  );
}

/** Uploads `bytes` as an image of `type` onto the placement storage; answers its task. */
async function upload(ctx: ScenarioContext, label: string, type: "disk" | "iso", bytes = 64 * 1024) {
  const { storage } = await ctx.placement();
  const name = ctx.ledger.name(label);
  const data = await sendUpload(ctx, name, type, storage.storage_id, bytes);
  const { task_id } = expectShape(taskCreated, data, "upload_and_create answer");
  const task: TaskState = await ctx.wait.task(ctx.vmm, task_id);
  const id = task.task_info.image_id;
  check(
    typeof id === "string" && id !== "",
    `the finished upload task should name the image: ${JSON.stringify(task)}`,
  );
  return { name, id, storageId: storage.storage_id };
}

const MIB = 1024 * 1024;

export const internalScenarios = [
  scenario({
    id: "internal.guest.list.shape",
    title:
      "internal Guest list answers the recorded DSM 7.2 keys; running guests alone have the agent and total_* keys",
    covers: [[GUEST, "list"]],
    tier: "readonly",
    async run(ctx) {
      const raw = await ctx.dsm.call(GUEST, "list", {});
      const guests = expectShape(internalGuestList, raw, "internal Guest list").guests;
      // Validation strips keys the schema lacks: extra keys are looked for in the raw answer.
      const rawGuests = (raw as { guests?: unknown[] }).guests ?? [];
      const extras: string[] = [];
      for (const [i, g] of guests.entries()) {
        const present = RUNNING_ONLY_KEYS.filter((k) => k in g);
        if (g.is_online) equal(present, [...RUNNING_ONLY_KEYS], `${g.name}: the keys of a running guest`);
        else {
          equal(present, [], `${g.name}: an offline guest has none of the running keys`);
          equal([g.ram_used, g.vcpu_usage], [0, ""], `${g.name}: ram_used and vcpu_usage when off`);
        }
        const extra = unknownKeys(internalGuest, rawGuests[i]);
        if (extra.length > 0) extras.push(`${g.name}: ${extra.join(", ")}`);
      }
      ctx.note(`${guests.length} guests`);
      // The emulator answers the recording's keys exactly, so an extra key is a difference.
      check(
        extras.length === 0,
        `keys the emulator and the DSM 7.2 recording lack (list them in expectations/nas.json if expected): ${extras.join("; ")}`,
      );
    },
  }),
  scenario({
    id: "internal.guest.same-as-public",
    title:
      "each guest is the same in both dialects: name, description, vCPUs, storage, memory in KiB against MB",
    covers: [
      [GUEST, "list"],
      [API.guest, "list"],
    ],
    tier: "readonly",
    async run(ctx) {
      const internal = new Map((await internalGuests(ctx)).map((g) => [g.guest_id, g]));
      const publicGuests = await ctx.vmm.listGuests();
      equal([...internal.keys()].sort(), publicGuests.map((g) => g.guest_id).sort(), "the guest ids");
      for (const p of publicGuests) {
        const i = internal.get(p.guest_id);
        check(i !== undefined, `${p.guest_name} is in the internal list`);
        equal(
          [i.name, i.desc, i.vcpu_num, i.repo_id, i.vram_size],
          [p.guest_name, p.description, p.vcpu_num, p.storage_id, p.vram_size * 1024],
          `${p.guest_name}: name, desc, vcpu_num, repo_id, vram_size (KiB)`,
        );
      }
    },
  }),
  scenario({
    id: "internal.guest.get",
    title: "internal Guest get answers one guest in the list's shape; an unknown guest_id answers 401",
    covers: [[GUEST, "get"]],
    tier: "readonly",
    async run(ctx) {
      // Chosen by what it is, not by its place or name: a guest that is off where there is one,
      // so that a recording and its replay on another inventory look at the same kind of guest.
      const guests = await internalGuests(ctx);
      const first = guests.find((g) => !g.is_online) ?? guests[0];
      if (first !== undefined)
        equal((await internalGet(ctx, first.guest_id)).name, first.name, "the guest got");
      else ctx.note("no guest to get: only the unknown guest was tried");
      // The emulator's guess (the public API's code); a NAS run records DSM's.
      await expectCode(ctx.dsm.call(GUEST, "get", { guest_id: UNKNOWN_ID }), 401, "an unknown guest_id");
    },
  }),
  scenario({
    id: "internal.guest.settings",
    title: "internal Guest get_setting and usb_list answer objects (their keys are recorded, not checked)",
    covers: [
      [GUEST, "get_setting"],
      [GUEST, "usb_list"],
    ],
    tier: "readonly",
    async run(ctx) {
      const usb = await ctx.dsm.call(GUEST, "usb_list", {});
      check(typeof usb === "object" && usb !== null, "usb_list answers an object");
      ctx.note(`usb_list keys: ${Object.keys(usb).join(", ")}`);
      const guests = await internalGuests(ctx);
      const first = guests.find((g) => !g.is_online) ?? guests[0];
      if (first === undefined) return ctx.note("no guest: get_setting not tried");
      const setting = await ctx.dsm.call(GUEST, "get_setting", { guest_id: first.guest_id });
      check(typeof setting === "object" && setting !== null, "get_setting answers an object");
      ctx.note(`get_setting keys: ${Object.keys(setting).join(", ")}`);
    },
  }),
  scenario({
    id: "internal.host.list",
    title: "internal Host list answers the recorded keys, memory in KiB against the guide's MB",
    covers: [
      ["SYNO.Virtualization.Host", "list"],
      [API.host, "list"],
    ],
    tier: "readonly",
    async run(ctx) {
      const data = expectShape(
        internalHostList,
        await ctx.dsm.call("SYNO.Virtualization.Host", "list", {}),
        "internal Host list",
      );
      const publicHosts = new Map((await ctx.vmm.listHosts()).map((h) => [h.host_id, h]));
      for (const h of data.hosts) {
        const p = publicHosts.get(h.host_id);
        check(p !== undefined, `host ${h.name} is in the guide's Host list`);
        if (p.total_ram_size !== undefined)
          equal(h.total_ram_size, p.total_ram_size * 1024, `${h.name}: total_ram_size in KiB`);
      }
    },
  }),
  scenario({
    id: "internal.cluster",
    title: "Cluster get answers the recorded summary; get_guest lists the guests by id",
    covers: [
      ["SYNO.Virtualization.Cluster", "get"],
      ["SYNO.Virtualization.Cluster", "get_guest"],
    ],
    tier: "readonly",
    async run(ctx) {
      const summary = expectShape(
        clusterSummary,
        await ctx.dsm.call("SYNO.Virtualization.Cluster", "get", {}),
        "Cluster get",
      );
      ctx.note(`cluster_status ${summary.cluster_status}`);
      const listed = (await ctx.dsm.call("SYNO.Virtualization.Cluster", "get_guest", {})) as {
        guests?: { id?: string }[];
      };
      check(Array.isArray(listed.guests), "get_guest answers guests[]");
      const ids = new Set((await internalGuests(ctx)).map((g) => g.guest_id));
      for (const g of listed.guests)
        check(g.id !== undefined && ids.has(g.id), `get_guest's ${g.id} is a guest`);
    },
  }),
  scenario({
    id: "internal.inventory",
    title:
      "internal Network, Repo and Guest.Image lists name the same networks, storages and images as the guide's",
    covers: [
      ["SYNO.Virtualization.Network", "list"],
      ["SYNO.Virtualization.Repo", "list"],
      [IMAGE, "list"],
    ],
    tier: "readonly",
    async run(ctx) {
      const ids = (list: unknown, key: string, id: string) =>
        ((list as Record<string, Record<string, unknown>[] | undefined>)[key] ?? [])
          .map((x) => String(x[id]))
          .sort();
      equal(
        ids(await ctx.dsm.call("SYNO.Virtualization.Network", "list", {}), "networks", "network_id"),
        (await ctx.vmm.listNetworks()).map((n) => n.network_id).sort(),
        "network ids",
      );
      equal(
        ids(await ctx.dsm.call("SYNO.Virtualization.Repo", "list", {}), "repos", "repo_id"),
        (await ctx.vmm.listStorages()).map((s) => s.storage_id).sort(),
        "repo ids against storage ids",
      );
      // Units: the guide's Storage list counts MB, the internal Repo list bytes (as the emulator).
      const repos = new Map(
        (
          (
            (await ctx.dsm.call("SYNO.Virtualization.Repo", "list", {})) as {
              repos?: Record<string, unknown>[];
            }
          ).repos ?? []
        ).map((r) => [String(r.repo_id), r]),
      );
      const units: string[] = [];
      for (const s of await ctx.vmm.listStorages()) {
        const total = repos.get(s.storage_id)?.total_size;
        if (s.size === undefined || typeof total !== "number") continue;
        if (total !== s.size * MIB)
          units.push(
            `${s.storage_name}: Storage list size ${s.size} (MB), Repo total_size ${total} bytes = ${total / MIB} MB`,
          );
      }
      check(units.length === 0, `storage sizes disagree between the dialects: ${units.join("; ")}`);
      equal(
        ids(await ctx.dsm.call(IMAGE, "list", {}), "images", "image_id"),
        (await ctx.vmm.listImages()).map((i) => i.image_id).sort(),
        "image ids",
      );
    },
  }),
  scenario({
    id: "internal.guest.set.empty-name",
    title:
      "internal Guest set as go-synology sends it after a create (guest_id, guest_name empty) answers 401 and changes nothing; with the guest's own name it applies (provider issue #203)",
    covers: [
      [GUEST, "set"],
      [API.guest, "get"],
    ],
    tier: "owned",
    async run(ctx) {
      const g = await createGuest(ctx, "i203");
      const before = await ctx.vmm.getGuest({ guest_id: g.id });
      // Exactly what the Terraform provider 0.6.11 sends after every create (spec 5.2, 7.3).
      const request = { guest_id: g.id, iso_images: "null", autorun: 0, vcpu_num: 2, vram_size: 2048 };
      await expectCode(
        ctx.dsm.call(GUEST, "set", { ...request, guest_name: "" }),
        401,
        "set with an empty guest_name (DSM answered 401 in issue #203)",
      );
      const after = await ctx.vmm.getGuest({ guest_id: g.id });
      equal(
        [after.vcpu_num, after.vram_size],
        [before.vcpu_num, before.vram_size],
        "the guest is as created",
      );
      await ctx.dsm.call(GUEST, "set", { ...request, guest_name: g.name });
      const applied = await ctx.vmm.getGuest({ guest_id: g.id });
      equal(
        [applied.guest_name, applied.vcpu_num, applied.vram_size],
        [g.name, 2, 2048],
        "the same call with the guest's own name applies",
      );
    },
  }),
  scenario({
    id: "internal.guest.set.both-forms",
    title:
      "internal Guest set takes go-synology's form (guest_id, the guest's name, MB) and the web UI's (name, desc); the guide's get shows both",
    covers: [
      [GUEST, "set"],
      [API.guest, "get"],
    ],
    tier: "owned",
    async run(ctx) {
      const g = await createGuest(ctx, "iset");
      const description = ctx.ledger.description("internal set");
      // What the Terraform provider sends after a create (spec 5.2), with the name DSM needs.
      await ctx.dsm.call(GUEST, "set", {
        guest_id: g.id,
        guest_name: g.name,
        iso_images: "null",
        autorun: 0,
        vcpu_num: 2,
        vram_size: 2048,
        description,
      });
      const after = await ctx.vmm.getGuest({ guest_id: g.id });
      equal(
        [after.vcpu_num, after.vram_size, after.autorun, after.description],
        [2, 2048, 0, description],
        "vcpu_num, vram_size (MB), autorun, description",
      );
      const renamed = ctx.ledger.name("iset-renamed");
      await ctx.dsm.call(GUEST, "set", { guest_id: g.id, name: renamed, desc: "web ui" });
      const again = await ctx.vmm.getGuest({ guest_id: g.id });
      equal(
        [again.guest_name, again.description],
        [renamed, "web ui"],
        "name and desc, as the web UI sends them",
      );
      equal((await internalGet(ctx, g.id)).vram_size, 2048 * 1024, "internal vram_size in KiB");
    },
  }),
  scenario({
    id: "internal.pwr_ctl",
    title:
      "pwr_ctl on the run's guest: 903/904/905 while off, poweron, 939 when on (and set resizing it), reboot, poweroff",
    covers: [
      [ACTION, "pwr_ctl"],
      [GUEST, "set"],
    ],
    tier: "owned",
    async run(ctx) {
      const g = await createGuest(ctx, "pwr");
      await expectCode(pwr(ctx, g.id, "shutdown"), 903, "shutdown of a guest that is off");
      await expectCode(pwr(ctx, g.id, "poweroff"), 904, "poweroff of a guest that is off");
      await expectCode(pwr(ctx, g.id, "reboot"), 905, "reboot of a guest that is off");
      await pwr(ctx, g.id, "poweron");
      await ctx.wait.guestStatus(ctx.vmm, { guest_id: g.id }, ["running"]);
      await expectCode(pwr(ctx, g.id, "poweron"), 939, "poweron of a running guest");
      // The emulator's guess: the internal table's "already running" for a resize while running.
      await expectCode(
        ctx.dsm.call(GUEST, "set", { guest_id: g.id, guest_name: g.name, vcpu_num: 2 }),
        939,
        "set resizing a running guest",
      );
      await pwr(ctx, g.id, "reboot");
      await ctx.wait.guestStatus(ctx.vmm, { guest_id: g.id }, ["running"]);
      await pwr(ctx, g.id, "poweroff");
      await ctx.wait.guestStatus(ctx.vmm, { guest_id: g.id }, ["shutdown"]);
      equal((await internalGet(ctx, g.id)).is_online, false, "is_online after poweroff");
    },
  }),
  scenario({
    id: "internal.image.upload",
    title:
      "upload_and_create streams a file into an image (image_repos double-encoded), answered with a task; the same name again answers 403",
    covers: [
      [IMAGE, "upload_and_create"],
      [API.task, "get"],
      [API.image, "list"],
    ],
    tier: "owned",
    async run(ctx) {
      const image = await upload(ctx, "upload", "disk");
      const listed = (await ctx.vmm.listImages()).find((i) => i.image_id === image.id);
      check(listed !== undefined, "the uploaded image is in the guide's Image list");
      equal(listed.image_name, image.name, "its name");
      ctx.note(`used_size ${JSON.stringify((listed as { used_size?: unknown }).used_size)} for 65536 bytes`);
      // The emulator's guess (as the guide's create does); a NAS run records DSM's answer.
      await expectCode(
        sendUpload(ctx, image.name, "disk", image.storageId, 1024),
        403,
        "an upload under a name that exists",
      );
    },
  }),
  scenario({
    id: "internal.guest.set.iso",
    title:
      "internal Guest set mounts an uploaded ISO image in a CD-ROM slot and unmounts it; get shows the slots",
    covers: [
      [GUEST, "set"],
      [IMAGE, "upload_and_create"],
    ],
    tier: "owned",
    async run(ctx) {
      const iso = await upload(ctx, "iso", "iso");
      const g = await createGuest(ctx, "iso");
      await ctx.dsm.call(GUEST, "set", {
        guest_id: g.id,
        guest_name: g.name,
        iso_images: JSON.stringify([iso.id, "unmounted"]),
      });
      equal((await internalGet(ctx, g.id)).iso_images, [iso.id, "unmounted"], "iso_images after mounting");
      await ctx.dsm.call(GUEST, "set", {
        guest_id: g.id,
        guest_name: g.name,
        iso_images: JSON.stringify(["unmounted", "unmounted"]),
      });
      equal(
        (await internalGet(ctx, g.id)).iso_images,
        ["unmounted", "unmounted"],
        "iso_images after unmounting",
      );
    },
  }),
];
