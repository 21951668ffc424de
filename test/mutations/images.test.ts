import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectDsmError, expectSuccess, startTestEmulator, type TestEmulator } from "../helpers";
import { CRASHED_STORAGE, STORAGE_1, STORAGE_2 } from "./support";

let emu: TestEmulator;
let sid: string;
beforeEach(async () => {
  emu = await startTestEmulator();
  sid = await emu.login();
});
afterEach(() => emu.close());

const create = (name: string, storages: string[], extra: Record<string, string> = {}) =>
  emu.vmm(sid, "Guest.Image", "create", {
    image_name: name,
    type: "disk",
    ds_file_path: "/share/syno.img",
    storage_names: JSON.stringify(storages),
    ...extra,
  });
const images = async () =>
  expectSuccess(await emu.vmm(sid, "Guest.Image", "list")).images as Record<string, unknown>[];
const task = (task_id: string) => emu.vmm(sid, "Task.Info", "get", { task_id });

describe("Guest.Image create", () => {
  it("creates the image through a task and lists it with each storage's status", async () => {
    const { task_id } = expectSuccess(await create("img-a", [STORAGE_1, STORAGE_2])) as { task_id: string };
    expect(task_id).toMatch(/^@administrators\/virtualization_api_image_create[0-9A-F]{16}$/);
    expect((await images()).map((i) => i.image_name)).not.toContain("img-a");
    emu.clock.advance(8_000);
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
    });
  });

  it("takes storage ids as a JSON array too", async () => {
    expectSuccess(
      await emu.vmm(sid, "Guest.Image", "create", {
        image_name: "img-ids",
        type: "iso",
        ds_file_path: "/ISO/debian-12.iso",
        storage_ids: '["a5428b34-0fdb-456f-8339-f16224e4c860"]',
      }),
    );
  });

  it("ends in partial success (1400) when one storage is unhealthy and keeps the good copies", async () => {
    const { task_id } = expectSuccess(await create("img-p", [STORAGE_1, CRASHED_STORAGE])) as {
      task_id: string;
    };
    emu.clock.advance(8_000);
    expectDsmError(await task(task_id), 1400);
    const image = (await images()).find((i) => i.image_name === "img-p");
    expect((image?.storages as { storage_name: string }[] | undefined)?.map((s) => s.storage_name)).toEqual([
      STORAGE_1,
    ]);
  });

  it("ends in 700 when no storage could take a copy, and leaves no image", async () => {
    const { task_id } = expectSuccess(await create("img-x", [CRASHED_STORAGE])) as { task_id: string };
    emu.clock.advance(8_000);
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
    expectSuccess(await emu.vmm(sid, "Guest.Image", "delete", { image_name: "vdsm-7.2" }));
    expectSuccess(
      await emu.vmm(sid, "Guest.Image", "delete", { image_id: "54383227-c541-4e60-9cac-5da98b2dd88a" }),
    );
    expect((await images()).map((i) => i.image_name)).toEqual(["final"]);
  });

  it("refuses an image cloned by a guest being created (402), and allows it once the guest exists", async () => {
    expectSuccess(
      await emu.vmm(sid, "Guest", "create", {
        guest_name: "cloner",
        storage_name: STORAGE_1,
        vdisks: '[{"create_type":1,"image_name":"final"}]',
      }),
    );
    expectDsmError(await emu.vmm(sid, "Guest.Image", "delete", { image_name: "final" }), 402);
    emu.clock.advance(5_000);
    expectSuccess(await emu.vmm(sid, "Guest.Image", "delete", { image_name: "final" }));
  });

  it("answers 401 for an unknown image or none named", async () => {
    expectDsmError(await emu.vmm(sid, "Guest.Image", "delete", { image_name: "nope" }), 401);
    expectDsmError(await emu.vmm(sid, "Guest.Image", "delete", {}), 401);
  });
});
