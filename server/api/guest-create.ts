/**
 * SYNO.Virtualization.API.Guest `create` (non-blocking). Preconditions are checked before the
 * answer, as vcsim does: bad parameters 401, name conflict 403, storage unusable 700, image not
 * found 906, MAC conflict 905, iSCSI LUN limit 404 (one LUN per vdisk), not enough space 402.
 * The guest then exists as `creating` (its vdisks already hold their LUNs and space) until its
 * task ends and it becomes `shutdown`.
 *
 * Client quirks: numbers inside `vdisks`/`vnics` may be strings (`"vdisk_size":"10240"`);
 * `network_id: ""` means a vNIC that is not connected.
 * By design: `vcpu_num` (default 1), `vram_size` (default 1024 MB), `description` and `autorun`
 * are accepted as well (the guide does not list them; the Terraform provider sends them), and
 * `controller`/`model`/`unmap` inside vdisks/vnics pick the controller and NIC model.
 */
import { z } from "zod";
import { bool, int, json, jsonInt, requiredText, text } from "../dsm/codecs";
import { DsmError } from "../dsm/errors";
import { operation } from "../dsm/registry";
import { startTask, WRITABLE_STORAGE } from "../engine/tasks";
import { newMac, newUuid } from "../ids";
import { storageStatus } from "../store/inventory";
import type { NewVdisk, NewVnic } from "../store/mutations";

const idText = z.union([z.string(), z.number()]).transform(String);

const vdiskSpec = z.object({
  create_type: jsonInt(0, 1),
  vdisk_size: jsonInt(1, 64 * 1024 * 1024).optional(),
  image_id: idText.optional(),
  image_name: idText.optional(),
  controller: jsonInt(1, 3).optional(),
  unmap: z.boolean().optional(),
});

const vnicSpec = z.object({
  mac: z.string().optional(),
  network_id: idText.optional(),
  network_name: idText.optional(),
  model: jsonInt(1, 3).optional(),
});

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

export const guestCreate = operation({
  session: "required",
  adminOnly: true,
  mutating: true,
  params: z.object({
    guest_name: requiredText(),
    storage_id: text(),
    storage_name: text(),
    vdisks: json(z.array(vdiskSpec).max(512)),
    vnics: json(z.array(vnicSpec).max(64)),
    auto_clean_task: bool(true),
    vcpu_num: int(1, 256),
    vram_size: int(1, 1024 * 1024),
    description: text(),
    autorun: int(0, 2),
  }),
  handle: (ctx, p) => {
    const { store } = ctx.services;
    return store.transaction(() => {
      if (!p.storage_id && !p.storage_name) throw new DsmError(401);
      if (store.guests.find({ name: p.guest_name }) !== undefined) throw new DsmError(403);

      const storage = store.inventory.storage(p.storage_id ? { id: p.storage_id } : { name: p.storage_name });
      if (storage === undefined || !WRITABLE_STORAGE.has(storageStatus(storage))) throw new DsmError(700);

      const vdisks: NewVdisk[] = (p.vdisks ?? []).map((spec) => {
        let size = spec.vdisk_size;
        let imageId: string | null = null;
        if (spec.create_type === 1) {
          if (spec.image_id === undefined && spec.image_name === undefined) throw new DsmError(401);
          const image = store.images.find(spec.image_id ? { id: spec.image_id } : { name: spec.image_name });
          // Only a ready disk image can be cloned; any other is "not found" as a disk image.
          if (image === undefined || image.type !== "disk" || image.state !== "ready")
            throw new DsmError(906);
          imageId = image.image_id;
          size = Math.max(size ?? 0, image.size);
        } else if (size === undefined) {
          throw new DsmError(401);
        }
        return {
          vdisk_id: newUuid(),
          controller: spec.controller ?? 1,
          unmap: spec.unmap ? 1 : 0,
          vdisk_size: size,
          image_id: imageId,
        };
      });

      const taken = new Set<string>();
      const vnics: NewVnic[] = (p.vnics ?? []).map((spec) => {
        if (spec.network_id === undefined && spec.network_name === undefined) throw new DsmError(401);
        // `network_id: ""` (or an empty name) asks for a vNIC that is not connected.
        const wanted = spec.network_id !== undefined ? { id: spec.network_id } : { name: spec.network_name };
        let networkId: string | null = null;
        if ((wanted.id ?? wanted.name) !== "") {
          const network = store.inventory.network(wanted);
          if (network === undefined) throw new DsmError(401);
          networkId = network.network_id;
        }
        let mac = spec.mac?.toLowerCase();
        if (mac === undefined || mac === "") {
          do mac = newMac();
          while (taken.has(mac) || store.mutations.macInUse(mac));
        } else {
          if (!MAC.test(mac)) throw new DsmError(401);
          if (taken.has(mac) || store.mutations.macInUse(mac)) throw new DsmError(905);
        }
        taken.add(mac);
        return { vnic_id: newUuid(), mac, model: spec.model ?? 1, network_id: networkId };
      });

      if (store.inventory.lunsInUse() + vdisks.length > store.system.get().max_iscsi_luns)
        throw new DsmError(404);
      const needed = vdisks.reduce((sum, d) => sum + d.vdisk_size, 0);
      if (needed > storage.size - storage.used) throw new DsmError(402);

      const guestId = newUuid();
      store.mutations.insertGuest(
        {
          guest_id: guestId,
          guest_name: p.guest_name,
          description: p.description ?? "",
          autorun: p.autorun ?? 0,
          status: "creating",
          storage_id: storage.storage_id,
          vcpu_num: p.vcpu_num ?? 1,
          vram_size: p.vram_size ?? 1024,
          uefi: 0,
          cpu_reservation: 0,
        },
        vdisks,
        vnics,
      );
      const taskId = startTask(ctx, "guest_create", guestId, p.auto_clean_task);
      return { task_id: taskId };
    });
  },
});
