/**
 * The public dialect's presenter: the model's records to the JSON objects of the guide, key for
 * key and type for type, in the guide's units (MB, which is the model's MiB). Keys are written in
 * the guide's (alphabetical) order, as DSM's JSON writer emits them.
 */
import { imageBytes, shownCopies } from "../../model/images";
import { freeCpu, freeRam } from "../../model/placement";
import { isHostOffline, storageStatus } from "../../model/status";
import type { GuestRecord } from "../../store/guests";
import type { ImageRecord } from "../../store/images";
import type { HostRow, StorageRow } from "../../store/inventory";

export function presentGuest(g: GuestRecord) {
  return {
    autorun: g.autorun,
    description: g.description,
    guest_id: g.guest_id,
    guest_name: g.guest_name,
    status: g.status,
    storage_id: g.storage_id,
    storage_name: g.storage_name,
    vcpu_num: g.vcpu_num,
    vdisks: g.vdisks.map((d) => ({
      controller: d.controller,
      unmap: d.unmap === 1,
      vdisk_id: d.vdisk_id,
      vdisk_size: d.vdisk_size,
    })),
    vnics: g.vnics.map((v) => ({
      mac: v.mac,
      model: v.model,
      // A vNIC that is not connected has an empty network id, as create's `network_id: ""` asks.
      network_id: v.network_id ?? "",
      network_name: v.network_name ?? "",
      vnic_id: v.vnic_id,
    })),
    vram_size: g.vram_size,
  };
}

export function presentHost(h: HostRow) {
  if (isHostOffline(h.status)) {
    // "This value is only available when the host is not missing."
    return { host_id: h.host_id, host_name: h.host_name, status: h.status };
  }
  return {
    free_cpu_core: freeCpu(h),
    free_ram_size: freeRam(h),
    host_id: h.host_id,
    host_name: h.host_name,
    status: h.status,
    total_cpu_core: h.total_cpu_core,
    total_ram_size: h.total_ram_size,
  };
}

export function presentStorage(s: StorageRow) {
  const status = storageStatus(s);
  if (isHostOffline(s.host_status)) {
    return {
      host_id: s.host_id,
      host_name: s.host_name,
      status,
      storage_id: s.storage_id,
      storage_name: s.storage_name,
      volume_path: s.volume_path,
    };
  }
  return {
    host_id: s.host_id,
    host_name: s.host_name,
    size: s.size,
    status,
    storage_id: s.storage_id,
    storage_name: s.storage_name,
    used: s.used,
    volume_path: s.volume_path,
  };
}

export function presentImage(im: ImageRecord) {
  return {
    image_id: im.image_id,
    image_name: im.image_name,
    storages: shownCopies(im).map(({ copy, status }) => ({
      status,
      storage_id: copy.storage_id,
      storage_name: copy.storage_name,
    })),
    type: im.type,
    // Beyond the guide: the Terraform provider reads it ("the size of the image in bytes").
    used_size: imageBytes(im),
  };
}
