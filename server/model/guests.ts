/**
 * A guest's life outside power: finding it, creating it (a task), editing and deleting it.
 * Preconditions are checked before anything is written, as vcsim does, in DSM's order (as far
 * as it is known: see docs/differences.md): bad parameters, name taken, storage unusable,
 * image not found, MAC taken, iSCSI LUN limit (one LUN per vdisk), not enough space. The guest
 * then exists as `creating` (its vdisks already hold their LUNs and space) until its task ends.
 *
 * By design: vCPU and memory change only while a guest is off (VMM has no hot-plug); its name,
 * description and autorun at any time. A guest being created cannot be edited or deleted.
 */
import { newMac, newUuid } from "../ids";
import { UniqueConflict } from "../store/errors";
import type { GuestChanges, GuestRow, NewVdisk, NewVnic } from "../store/guests";
import type { Store } from "../store/index";
import { hasRef, type ModelContext, type Ref } from "./context";
import { refuse } from "./refusal";
import { ONLINE, storageStatus, WRITABLE_STORAGE } from "./status";
import { startTask } from "./tasks";
import type { MiB } from "./units";

/** The guest named by `ref` (bad_parameter when it names nothing, not_found when it is not there). */
export function findGuest(store: Store, ref: Ref): GuestRow {
  if (!hasRef(ref)) refuse("bad_parameter");
  const guest = store.guests.find(ref);
  if (guest === undefined) refuse("not_found");
  return guest;
}

export type VdiskSpec = {
  readonly controller?: number | undefined;
  readonly unmap?: boolean | undefined;
} & (
  | { readonly from: "empty"; readonly size?: MiB | undefined }
  | { readonly from: "image"; readonly image: Ref; readonly size?: MiB | undefined }
);

export interface VnicSpec {
  /** `null`: a vNIC that is not connected; a reference naming nothing is a bad parameter. */
  readonly network: Ref | null;
  readonly mac?: string | undefined;
  readonly model?: number | undefined;
}

export interface GuestSpec {
  readonly name: string;
  readonly storage: Ref;
  readonly vdisks: readonly VdiskSpec[];
  readonly vnics: readonly VnicSpec[];
  readonly vcpus: number;
  readonly memory: MiB;
  readonly description: string;
  readonly autorun: number;
  readonly autoCleanTask: boolean;
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/** Checks everything, inserts the guest as `creating` and starts its task; answers the task id. */
export function createGuest(ctx: ModelContext, spec: GuestSpec): string {
  const { store } = ctx;
  if (!hasRef(spec.storage)) refuse("bad_parameter");
  if (store.guests.find({ name: spec.name }) !== undefined) refuse("name_taken");

  const storage = store.inventory.storage(spec.storage);
  if (storage === undefined || !WRITABLE_STORAGE.has(storageStatus(storage))) refuse("storage_invalid");

  const vdisks: NewVdisk[] = spec.vdisks.map((d) => {
    let size = d.size;
    let imageId: string | null = null;
    if (d.from === "image") {
      if (!hasRef(d.image)) refuse("bad_parameter");
      const image = store.images.find(d.image);
      // Only a ready disk image can be cloned; any other is "not found" as a disk image.
      if (image === undefined || image.type !== "disk" || image.state !== "ready") refuse("image_not_found");
      imageId = image.image_id;
      size = Math.max(size ?? 0, image.size);
    } else if (size === undefined) {
      refuse("bad_parameter");
    }
    return {
      vdisk_id: newUuid(),
      controller: d.controller ?? 1,
      unmap: d.unmap ? 1 : 0,
      vdisk_size: size,
      image_id: imageId,
    };
  });

  const taken = new Set<string>();
  const vnics: NewVnic[] = spec.vnics.map((v) => {
    let networkId: string | null = null;
    if (v.network !== null) {
      if (!hasRef(v.network)) refuse("bad_parameter");
      const network = store.inventory.network(v.network);
      if (network === undefined) refuse("bad_parameter");
      networkId = network.network_id;
    }
    let mac = v.mac?.toLowerCase();
    if (mac === undefined || mac === "") {
      do mac = newMac();
      while (taken.has(mac) || store.guests.macInUse(mac));
    } else {
      if (!MAC.test(mac)) refuse("bad_parameter");
      if (taken.has(mac) || store.guests.macInUse(mac)) refuse("mac_taken");
    }
    taken.add(mac);
    return { vnic_id: newUuid(), mac, model: v.model ?? 1, network_id: networkId };
  });

  if (store.guests.lunsInUse() + vdisks.length > store.system.get().max_iscsi_luns) refuse("lun_limit");
  const needed = vdisks.reduce((sum, d) => sum + d.vdisk_size, 0);
  if (needed > storage.size - storage.used) refuse("no_space");

  const guestId = newUuid();
  conflicts(() =>
    store.guests.insert(
      {
        guest_id: guestId,
        guest_name: spec.name,
        description: spec.description,
        autorun: spec.autorun,
        status: "creating",
        storage_id: storage.storage_id,
        vcpu_num: spec.vcpus,
        vram_size: spec.memory,
        uefi: 0,
        cpu_reservation: 0,
      },
      vdisks,
      vnics,
    ),
  );
  return startTask(ctx, "guest_create", guestId, spec.autoCleanTask);
}

/** Applies `changes`; answers whether HA hosts failed to reserve new figures (the edit stays). */
export function editGuest(ctx: ModelContext, guest: GuestRow, changes: GuestChanges): { haFailed: boolean } {
  const { store } = ctx;
  if (guest.status === "creating") refuse("busy");
  const resizes =
    (changes.vcpu_num !== undefined && changes.vcpu_num !== guest.vcpu_num) ||
    (changes.vram_size !== undefined && changes.vram_size !== guest.vram_size);
  if (resizes && ONLINE.has(guest.status)) refuse("online");
  const rename = changes.guest_name;
  if (
    rename !== undefined &&
    rename !== guest.guest_name &&
    store.guests.find({ name: rename }) !== undefined
  )
    refuse("name_taken");
  conflicts(() => store.guests.update(guest.guest_id, changes));
  const system = store.system.get();
  const haActive = system.ha_enabled === 1 && system.pro_licence === 1;
  return { haFailed: resizes && haActive && system.ha_reservation_ok === 0 };
}

/**
 * Mounts ISO images in a guest's two CD-ROM slots (null: unmounted). Only a ready ISO image can
 * be mounted; any other is "not found" as an ISO image. It can change at any time but while the
 * guest is being created.
 */
export function mountIsos(
  ctx: ModelContext,
  guest: GuestRow,
  slots: readonly [Ref | null, Ref | null],
): void {
  const { store } = ctx;
  if (guest.status === "creating") refuse("busy");
  const ids = slots.map((slot) => {
    if (slot === null) return null;
    if (!hasRef(slot)) refuse("bad_parameter");
    const image = store.images.find(slot);
    if (image === undefined || image.type !== "iso" || image.state !== "ready") refuse("image_not_found");
    return image.image_id;
  });
  store.guests.update(guest.guest_id, { iso_1: ids[0] ?? null, iso_2: ids[1] ?? null });
}

export function deleteGuest(ctx: ModelContext, guest: GuestRow): void {
  if (ONLINE.has(guest.status)) refuse("online");
  if (guest.status === "creating") refuse("busy");
  ctx.store.guests.delete(guest.guest_id);
}

/** A UNIQUE race lost at the database answers like the check that would have caught it. */
function conflicts(write: () => void): void {
  try {
    write();
  } catch (err) {
    if (err instanceof UniqueConflict) refuse(err.column === "vnics.mac" ? "mac_taken" : "name_taken");
    throw err;
  }
}
