/**
 * Readonly shapes: every list and get answers the guide's keys with the guide's types, on
 * whatever inventory the target has. Nothing here counts objects: a NAS has what it has.
 */
import {
  guestList,
  guest as guestShape,
  hostList,
  imageList,
  networkList,
  storageList,
  taskList,
} from "../client/shapes";
import { check, equal, expectShape } from "../runner/check";
import { scenario } from "../runner/scenario";
import { API } from "./helpers";

export const shapeScenarios = [
  scenario({
    id: "shape.network.list",
    title: "Network list: {networks: [{network_id, network_name}]}",
    covers: [[API.network, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      expectShape(networkList, await dsm.call(API.network, "list", {}), "Network list");
    },
  }),
  scenario({
    id: "shape.storage.list",
    title: "Storage list: the guide's storage objects (sizes only while the host is present)",
    covers: [[API.storage, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      const { storages } = expectShape(storageList, await dsm.call(API.storage, "list", {}), "Storage list");
      for (const s of storages) {
        if (s.status !== "missing")
          check(
            s.size !== undefined && s.used !== undefined,
            `storage ${s.storage_name} should have size and used`,
          );
      }
    },
  }),
  scenario({
    id: "shape.host.list",
    title: "Host list: the guide's host objects (CPU/RAM figures only while the host is present)",
    covers: [[API.host, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      const { hosts } = expectShape(hostList, await dsm.call(API.host, "list", {}), "Host list");
      check(hosts.length > 0, "a NAS running VMM is at least one host");
      for (const h of hosts.filter((x) => x.status === "running")) {
        check(
          h.total_cpu_core !== undefined && h.free_ram_size !== undefined,
          `running host ${h.host_name} should report CPU and RAM`,
        );
        check((h.free_ram_size ?? 0) <= (h.total_ram_size ?? 0), `host ${h.host_name}: free RAM above total`);
      }
    },
  }),
  scenario({
    id: "shape.guest.list",
    title: "Guest list: the guide's guest objects with vdisks and vnics",
    covers: [[API.guest, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      expectShape(guestList, await dsm.call(API.guest, "list", {}), "Guest list");
    },
  }),
  scenario({
    id: "shape.guest.list-python-bool",
    title: "Guest list with additional=False (how Python's requests writes a bool) is answered",
    covers: [[API.guest, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      // synology-api sends this with every list; the emulator reads True/False as booleans.
      expectShape(
        guestList,
        await dsm.call(API.guest, "list", { additional: "False" }),
        "Guest list (additional=False)",
      );
    },
  }),
  scenario({
    id: "shape.guest.list-additional",
    title: "Guest list with additional=true keeps the guide's shape",
    covers: [[API.guest, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      expectShape(
        guestList,
        await dsm.call(API.guest, "list", { additional: true }),
        "Guest list (additional)",
      );
    },
  }),
  scenario({
    id: "shape.guest.get",
    title: "Guest get by id and by name answer the same guest as the list",
    covers: [[API.guest, "get"]],
    tier: "readonly",
    async run({ dsm, vmm, note }) {
      const guests = await vmm.listGuests();
      const first = guests[0];
      if (first === undefined) {
        note("the target has no guests: get was not exercised on a pre-existing one");
        return;
      }
      const byId = expectShape(
        guestShape,
        await dsm.call(API.guest, "get", { guest_id: first.guest_id }),
        "Guest get",
      );
      const byName = expectShape(
        guestShape,
        await dsm.call(API.guest, "get", { guest_name: first.guest_name }),
        "Guest get",
      );
      equal(byId.guest_id, first.guest_id, "get by id");
      equal(byName.guest_id, first.guest_id, "get by name");
      equal(
        byId.vdisks.map((d) => d.vdisk_id),
        first.vdisks.map((d) => d.vdisk_id),
        "vdisks of get and list",
      );
    },
  }),
  scenario({
    id: "shape.image.list",
    title: "Guest.Image list: the guide's image objects with per-storage status",
    covers: [[API.image, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      expectShape(imageList, await dsm.call(API.image, "list", {}), "Guest.Image list");
    },
  }),
  scenario({
    id: "shape.task.list",
    title: "Task.Info list: {task_ids: [...]}",
    covers: [[API.task, "list"]],
    tier: "readonly",
    async run({ dsm }) {
      expectShape(taskList, await dsm.call(API.task, "list", {}), "Task.Info list");
    },
  }),
];
