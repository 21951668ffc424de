import { describe, expect, it } from "vitest";
import { IMAGES, SHARE_FILES, STORAGES } from "../fixture-ids";
import { expectDsmError, expectSuccess, useEmulator } from "../harness";

const t = useEmulator({}, { each: true });
const STORAGE_1 = STORAGES.first.name;
const STORAGE_2 = STORAGES.second.name;
const CRASHED_STORAGE = STORAGES.crashed.name;

const create = (name: string, storages: string[], extra: Record<string, string> = {}) =>
  t.emu.vmm(t.sid, "Guest.Image", "create", {
    image_name: name,
    type: "disk",
    ds_file_path: SHARE_FILES.disk,
    storage_names: JSON.stringify(storages),
    ...extra,
  });
const images = async () =>
  expectSuccess(await t.emu.vmm(t.sid, "Guest.Image", "list")).images as Record<string, unknown>[];
const task = (task_id: string) => t.emu.vmm(t.sid, "Task.Info", "get", { task_id });

describe("Guest.Image create", () => {
  it("creates the image through a task and lists it with each storage's status", async () => {
    const { task_id } = expectSuccess(await create("img-a", [STORAGE_1, STORAGE_2])) as { task_id: string };
    expect(task_id).toMatch(/^@administrators\/virtualization_api_image_create[0-9A-F]{16}$/);
    expect((await images()).map((i) => i.image_name)).not.toContain("img-a");
    t.emu.clock.advance(8_000);
    const done = expectSuccess(await task(task_id));
    expect(done).toMatchObject({
      finish: true,
      task_info: { image_id: expect.any(String), progress: 100, status: "create" },
    });
    const image = (await images()).find((i) => i.image_name === "img-a");
    expect(image).toEqual({
      image_id: (done.task_info as { image_id: string }).image_id,
      image_name: "img-a",
      storages: [
        { status: "online", storage_id: expect.any(String), storage_name: STORAGE_1 },
        { status: "online", storage_id: expect.any(String), storage_name: STORAGE_2 },
      ],
      type: "disk",
      // share/syno.img is 10240 MB in the fixture.
      used_size: 10240 * 1024 * 1024,
    });
  });

  it("takes storage ids as a JSON array too", async () => {
    expectSuccess(
      await t.emu.vmm(t.sid, "Guest.Image", "create", {
        image_name: "img-ids",
        type: "iso",
        ds_file_path: "/ISO/debian-12.iso",
        storage_ids: JSON.stringify([STORAGES.first.id]),
      }),
    );
  });

  it("ends in partial success (1400) when one storage is unhealthy and keeps the good copies", async () => {
    const { task_id } = expectSuccess(await create("img-p", [STORAGE_1, CRASHED_STORAGE])) as {
      task_id: string;
    };
    t.emu.clock.advance(8_000);
    expectDsmError(await task(task_id), 1400);
    const image = (await images()).find((i) => i.image_name === "img-p");
    expect((image?.storages as { storage_name: string }[] | undefined)?.map((s) => s.storage_name)).toEqual([
      STORAGE_1,
    ]);
  });

  it("ends in 700 when no storage could take a copy, and leaves no image", async () => {
    const { task_id } = expectSuccess(await create("img-x", [CRASHED_STORAGE])) as { task_id: string };
    t.emu.clock.advance(8_000);
    expectDsmError(await task(task_id), 700);
    expect((await images()).map((i) => i.image_name)).not.toContain("img-x");
  });

  it("answers 403 for a name that is taken, also by an image still being created", async () => {
    expectDsmError(await create("final", [STORAGE_1]), 403);
    expectSuccess(await create("img-b", [STORAGE_1]));
    expectDsmError(await create("img-b", [STORAGE_1]), 403);
  });

  it("answers 401 for an unknown shared folder and 402 for a missing file", async () => {
    expectDsmError(await create("img-c", [STORAGE_1], { ds_file_path: "/noshare/syno.img" }), 401);
    expectDsmError(await create("img-c", [STORAGE_1], { ds_file_path: "/share/missing.img" }), 402);
  });

  it("answers 401 for a bad type or no storage, and 700 for an unknown storage", async () => {
    expectDsmError(await create("img-d", [STORAGE_1], { type: "qcow2" }), 401);
    expectDsmError(await create("img-d", []), 401);
    expectDsmError(await create("img-d", ["nowhere"]), 700);
  });
});

describe("Guest.Image delete", () => {
  it("deletes by name or id", async () => {
    expectSuccess(await t.emu.vmm(t.sid, "Guest.Image", "delete", { image_name: "vdsm-7.2" }));
    expectSuccess(await t.emu.vmm(t.sid, "Guest.Image", "delete", { image_id: IMAGES.iso.id }));
    expect((await images()).map((i) => i.image_name)).toEqual(["final"]);
  });

  it("refuses an image cloned by a guest being created (402), and allows it once the guest exists", async () => {
    expectSuccess(
      await t.emu.vmm(t.sid, "Guest", "create", {
        guest_name: "cloner",
        storage_name: STORAGE_1,
        vdisks: '[{"create_type":1,"image_name":"final"}]',
      }),
    );
    expectDsmError(await t.emu.vmm(t.sid, "Guest.Image", "delete", { image_name: "final" }), 402);
    t.emu.clock.advance(5_000);
    expectSuccess(await t.emu.vmm(t.sid, "Guest.Image", "delete", { image_name: "final" }));
  });

  it("answers 401 for an unknown image or none named", async () => {
    expectDsmError(await t.emu.vmm(t.sid, "Guest.Image", "delete", { image_name: "nope" }), 401);
    expectDsmError(await t.emu.vmm(t.sid, "Guest.Image", "delete", {}), 401);
  });
});
