/**
 * Images the run creates from a small file on a shared folder (the target's image source),
 * cloned into a guest, listed with per-storage status, and deleted.
 */
import { image as imageShape } from "../client/shapes";
import { check, equal, expectCode, expectShape } from "../runner/check";
import { scenario } from "../runner/scenario";
import { API, createImage } from "./helpers";

export const imageScenarios = [
  scenario({
    id: "image.lifecycle",
    title: "Guest.Image create → task → listed on its storage → 403 on a second create of the name → delete",
    covers: [
      [API.image, "create"],
      [API.image, "list"],
      [API.image, "delete"],
      [API.task, "get"],
    ],
    tier: "owned",
    needs: ["imageSource"],
    async run(ctx) {
      const { storage } = await ctx.placement();
      const im = await createImage(ctx, "image", [storage.storage_id]);
      const listed = (await ctx.vmm.listImages()).find((i) => i.image_id === im.id);
      check(listed !== undefined, "the new image should be listed");
      const shaped = expectShape(imageShape, listed, "the new image");
      equal(shaped.image_name, im.name, "image_name");
      equal(shaped.type, "disk", "type");
      equal(
        shaped.storages.map((s) => [s.storage_id, s.status]),
        [[storage.storage_id, "online"]],
        "storages",
      );
      const path = ctx.imageSourcePath ?? "";
      const again = ctx.vmm.createImage({
        image_name: im.name,
        type: "disk",
        ds_file_path: path,
        storage_ids: [storage.storage_id],
      });
      await expectCode(again, 403, "a second image with the same name");
      await ctx.vmm.deleteImage({ image_id: im.id });
      check(
        !(await ctx.vmm.listImages()).some((i) => i.image_id === im.id),
        "a deleted image should not be listed",
      );
    },
  }),
  scenario({
    id: "image.clone-into-guest",
    title: "a guest created with create_type 1 clones the run's disk image",
    covers: [
      [API.guest, "create"],
      [API.image, "create"],
    ],
    tier: "owned",
    needs: ["imageSource"],
    async run(ctx) {
      const { storage } = await ctx.placement();
      const im = await createImage(ctx, "clone-src", [storage.storage_id]);
      const name = ctx.ledger.name("clone");
      const taskId = await ctx.vmm.createGuest({
        guest_name: name,
        storage_id: storage.storage_id,
        vdisks: [{ create_type: 1, image_id: im.id }],
        vnics: [],
      });
      const task = await ctx.wait.task(ctx.vmm, taskId);
      const id = task.task_info.guest_id;
      check(id !== undefined, "the task should name the guest");
      const g = await ctx.vmm.getGuest({ guest_id: id });
      equal(g.vdisks.length, 1, "vdisk count of the clone");
      // Guests are deleted before images by the ledger cleanup (newest first).
    },
  }),
  scenario({
    id: "image.create.bad-source",
    title: "creating an image from a file that does not exist answers an error at once",
    covers: [[API.image, "create"]],
    tier: "owned",
    async run(ctx) {
      const { storage } = await ctx.placement();
      const create = ctx.vmm.createImage({
        image_name: ctx.ledger.name("no-file"),
        type: "disk",
        ds_file_path: `/${ctx.ledger.name("absent-share")}/none.img`,
        storage_ids: [storage.storage_id],
      });
      const err = await expectCode(create, 401, "an image from a missing file");
      ctx.note(`answered ${err.code}`);
    },
  }),
  scenario({
    id: "image.delete.unknown",
    title: "deleting an image that does not exist answers an error",
    covers: [[API.image, "delete"]],
    tier: "owned",
    async run(ctx) {
      const err = await expectCode(
        ctx.vmm.deleteImage({ image_name: ctx.ledger.name("absent") }),
        401,
        "delete of an unknown image",
      );
      ctx.note(`answered ${err.code}`);
    },
  }),
];
