/**
 * What capture read, turned into the fixture format (docs/core.md). Answers are parsed loosely
 * (a newer DSM may add keys); a list that could not be read gives an empty one. Units: the
 * public dialect's MB are the fixture's; the internal dialect's KiB are divided by 1024.
 */

import { z } from "zod";
import { FIXTURE_GUEST_STATUSES, HOST_STATUSES, STORAGE_STATUSES } from "../../contract/statuses";

/** A read the capture could not make, and why (a leaf here, so that capture.ts and this file do not import each other). */
export interface Unread {
  /** e.g. `SYNO.Virtualization.API.Guest.Image list` */
  readonly what: string;
  readonly why: string;
}

/** The answers capture collected (`data` of each, or undefined when it could not be read). */
export interface Reads {
  dsmInfo: unknown;
  user: unknown;
  hosts: unknown;
  internalHosts: unknown;
  storages: unknown;
  networks: unknown;
  internalNetworks: unknown;
  repos: unknown;
  images: unknown;
  guests: unknown;
  internalGuests: unknown;
  cluster: unknown;
  /** `get_setting` per guest id. */
  settings: Map<string, unknown>;
  /** The NAS's own system APIs, per API name, where served. */
  system: Map<string, unknown>;
}

const int = z.number().int();
const str = z.string();

const dsmInfo = z.looseObject({
  model: str.optional(),
  version: str.optional(),
  version_string: str.optional(),
  serial: str.optional(),
  ram: int.optional(),
});
const user = z.looseObject({ email: str.optional(), fullname: str.optional() });
const host = z.looseObject({
  host_id: str,
  host_name: str,
  status: str,
  total_cpu_core: int.optional(),
  total_ram_size: int.optional(),
  free_ram_size: int.optional(),
});
const internalHost = z.looseObject({
  host_id: str,
  total_cpu_num: int.optional(),
  total_ram_size: int.optional(),
  sys_reserved_ram_size: int.optional(),
  package_version: str.optional(),
});
const storage = z.looseObject({
  storage_id: str,
  storage_name: str,
  host_id: str,
  size: int.optional(),
  used: int.optional(),
  status: str,
  volume_path: str,
});
const repo = z.looseObject({ repo_id: str, total_size: int.optional(), free_size: int.optional() });
const network = z.looseObject({ network_id: str, network_name: str });
const internalNetwork = z.looseObject({ network_id: str, host_ids: z.array(str).optional() });
const image = z.looseObject({
  image_id: str,
  image_name: str,
  type: str,
  used_size: int.optional(),
  storages: z.array(z.looseObject({ storage_id: str })),
});
const vdisk = z.looseObject({ vdisk_id: str, controller: int, unmap: z.boolean(), vdisk_size: int });
const vnic = z.looseObject({ vnic_id: str, mac: str, model: int, network_id: str });
const guest = z.looseObject({
  guest_id: str,
  guest_name: str,
  description: str.optional(),
  autorun: int.optional(),
  status: str,
  storage_id: str,
  vcpu_num: int,
  vram_size: int,
  vdisks: z.array(vdisk).default([]),
  vnics: z.array(vnic).default([]),
});
const internalGuest = z.looseObject({ guest_id: str, host_id: str.optional(), status: str.optional() });
const setting = z.looseObject({ use_ovmf: z.boolean().optional() });
const cluster = z.looseObject({
  cluster_status: str.optional(),
  license_summ: z.looseObject({ healthy: int.optional() }).optional(),
});

function listOf<T extends z.ZodType>(data: unknown, key: string, item: T): z.output<T>[] {
  const list = (data as Record<string, unknown> | undefined)?.[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((x) => {
    const parsed = item.safeParse(x);
    return parsed.success ? [parsed.data] : [];
  });
}

const MIB = 1024 * 1024;
const RUNNING = new Set(["running", "booting", "shutting_down", "moving", "stor_migrating", "ha_standby"]);
const FIXTURE_STATUSES = new Set<string>(FIXTURE_GUEST_STATUSES);
const KNOWN_HOST_STATUSES = new Set<string>(HOST_STATUSES);
const KNOWN_STORAGE_STATUSES = new Set<string>(STORAGE_STATUSES);

/** The fixture as capture writes it: plain JSON, validated by the emulator when it loads it. */
export interface CapturedFixture {
  /** The fixture format (server/fixture.ts FIXTURE_FORMAT) capture writes. */
  format: 1;
  source: string;
  system: {
    model: string;
    dsm_version: string;
    dsm_build: number;
    serial: string;
    ram_mb: number;
    vmm_version: string;
    cluster_status: "normal" | "incompatible" | "not_ready";
    pro_licence: boolean;
    max_iscsi_luns: number;
  };
  accounts: { name: string; password: string; admin: boolean; email: string; fullname: string }[];
  hosts: {
    host_id: string;
    host_name: string;
    status: string;
    total_cpu_core: number;
    total_ram_size: number;
    other_ram_used: number;
  }[];
  storages: {
    storage_id: string;
    storage_name: string;
    host_id: string;
    size: number;
    other_used: number;
    status: string;
    volume_path: string;
  }[];
  networks: { network_id: string; network_name: string; host_ids: string[] }[];
  images: {
    image_id: string;
    image_name: string;
    type: string;
    size: number;
    ds_file_path: string;
    storage_ids: string[];
  }[];
  guests: {
    guest_id: string;
    guest_name: string;
    description: string;
    autorun: number;
    status: string;
    storage_id: string;
    host_id?: string;
    vcpu_num: number;
    vram_size: number;
    uefi: boolean;
    vdisks: { vdisk_id: string; controller: number; unmap: boolean; vdisk_size: number }[];
    vnics: { vnic_id: string; mac: string; model: number; network_id: string | null }[];
  }[];
}

/** The fixture format's default LUN limit where the NAS does not say (it never does). */
export const ASSUMED_MAX_LUNS = 128;

export interface ToFixtureOptions {
  readonly account: string;
  readonly password: string;
  readonly url: string;
  readonly at: string;
  readonly unread: readonly Unread[];
}

export function toFixture(
  reads: Reads,
  o: ToFixtureOptions,
): { fixture: CapturedFixture; assumed: string[] } {
  const assumed: string[] = [];
  const info = dsmInfo.safeParse(reads.dsmInfo ?? {}).data ?? {};
  const internalHosts = new Map(
    listOf(reads.internalHosts, "hosts", internalHost).map((h) => [h.host_id, h]),
  );
  const guests = listOf(reads.guests, "guests", guest);
  const placed = new Map(listOf(reads.internalGuests, "guests", internalGuest).map((g) => [g.guest_id, g]));
  const images = listOf(reads.images, "images", image).map((im) => ({
    image_id: im.image_id,
    image_name: im.image_name,
    type: im.type,
    size: Math.ceil((im.used_size ?? 0) / MIB),
    // No list shows where an image came from; reading it needs File Station, which capture avoids.
    ds_file_path: `/captured/${im.image_id}`,
    storage_ids: im.storages.map((s) => s.storage_id),
  }));
  if (images.length > 0) assumed.push("images' ds_file_path (no list shows it): /captured/<image_id>");

  const hosts = listOf(reads.hosts, "hosts", host).map((h) => {
    const inner = internalHosts.get(h.host_id);
    const total = h.total_ram_size ?? kib(inner?.total_ram_size) ?? 0;
    const onHost = guests
      .filter((g) => RUNNING.has(g.status) && placed.get(g.guest_id)?.host_id === h.host_id)
      .reduce((sum, g) => sum + g.vram_size, 0);
    // DSM's own share of the memory: what the web UI calls reserved, else what is neither free nor the guests'.
    const reserved =
      kib(inner?.sys_reserved_ram_size) ??
      (h.free_ram_size === undefined ? 0 : Math.max(0, total - h.free_ram_size - onHost));
    return {
      host_id: h.host_id,
      host_name: h.host_name,
      status: KNOWN_HOST_STATUSES.has(h.status) ? h.status : "running",
      total_cpu_core: Math.max(1, h.total_cpu_core ?? inner?.total_cpu_num ?? 1),
      total_ram_size: Math.max(1, total),
      other_ram_used: reserved,
    };
  });

  const repos = new Map(listOf(reads.repos, "repos", repo).map((r) => [r.repo_id, r]));
  const storages = listOf(reads.storages, "storages", storage).map((s) => {
    // While its host is offline the guide's list leaves out a storage's sizes; the web UI's has them.
    const r = repos.get(s.storage_id);
    const size = s.size ?? (r?.total_size === undefined ? undefined : Math.round(r.total_size / MIB));
    const used =
      s.used ??
      (r?.total_size === undefined || r.free_size === undefined
        ? undefined
        : Math.round((r.total_size - r.free_size) / MIB));
    const vdisks = guests
      .filter((g) => g.storage_id === s.storage_id)
      .reduce((sum, g) => sum + g.vdisks.reduce((n, d) => n + d.vdisk_size, 0), 0);
    const copies = images
      .filter((im) => im.storage_ids.includes(s.storage_id))
      .reduce((sum, im) => sum + im.size, 0);
    if (size === undefined) assumed.push(`storage ${s.storage_id}: size unknown (its host is offline), 0`);
    return {
      storage_id: s.storage_id,
      storage_name: s.storage_name,
      host_id: s.host_id,
      size: size ?? 0,
      // What is used by neither the vdisks nor the images: other shares on the volume.
      other_used: Math.max(0, (used ?? 0) - vdisks - copies),
      // A storage shows as missing while its host is offline; the host's status says so already.
      status: KNOWN_STORAGE_STATUSES.has(s.status) && s.status !== "missing" ? s.status : "online",
      volume_path: s.volume_path,
    };
  });

  const networkHosts = new Map(
    listOf(reads.internalNetworks, "networks", internalNetwork).map((n) => [n.network_id, n.host_ids]),
  );
  const networks = listOf(reads.networks, "networks", network).map((n) => {
    const on = networkHosts.get(n.network_id);
    if (on === undefined)
      assumed.push(`network ${n.network_id}: on every host (the web UI's list was not read)`);
    return {
      network_id: n.network_id,
      network_name: n.network_name,
      host_ids: on ?? hosts.map((h) => h.host_id),
    };
  });

  const fixtureGuests = guests.map((g) => {
    const running = RUNNING.has(g.status);
    const on = placed.get(g.guest_id)?.host_id;
    const status = running
      ? on
        ? "running"
        : "shutdown"
      : FIXTURE_STATUSES.has(g.status)
        ? g.status
        : "shutdown";
    if (status !== g.status) assumed.push(`guest ${g.guest_id}: ${g.status} written as ${status}`);
    const uefi = setting.safeParse(reads.settings.get(g.guest_id) ?? {}).data?.use_ovmf ?? false;
    return {
      guest_id: g.guest_id,
      guest_name: g.guest_name,
      description: g.description ?? "",
      autorun: g.autorun ?? 0,
      status,
      storage_id: g.storage_id,
      ...(status === "running" && on !== undefined ? { host_id: on } : {}),
      vcpu_num: g.vcpu_num,
      vram_size: g.vram_size,
      uefi,
      vdisks: g.vdisks.map((d) => ({
        vdisk_id: d.vdisk_id,
        controller: d.controller,
        unmap: d.unmap,
        vdisk_size: d.vdisk_size,
      })),
      vnics: g.vnics.map((v) => ({
        vnic_id: v.vnic_id,
        mac: v.mac.toLowerCase(),
        model: v.model,
        network_id: v.network_id === "" ? null : v.network_id,
      })),
    };
  });

  const cl = cluster.safeParse(reads.cluster ?? {}).data ?? {};
  const clusterStatus =
    cl.cluster_status === "incompatible" || cl.cluster_status === "not_ready" ? cl.cluster_status : "normal";
  for (const api of reads.system.keys())
    assumed.push(
      `${api} read, and kept out (the fixture's nas section holds the states a test sets, not a capture)`,
    );
  assumed.push(`max_iscsi_luns ${ASSUMED_MAX_LUNS}, vCPU reservations 0, no shares (no list shows them)`);
  assumed.push(
    "one account, the one capture logged in as, with the password given for the fixture (never the NAS's)",
  );
  const versionString = info.version_string?.replace(/^DSM\s+/, "");
  const build = Number.parseInt(info.version ?? "", 10);
  const me = user.safeParse(reads.user ?? {}).data ?? {};
  const vmmVersion = [...internalHosts.values()].find((h) => h.package_version)?.package_version;
  const unreadText =
    o.unread.length === 0
      ? ""
      : ` Could not read: ${o.unread.map((u) => `${u.what} (${u.why})`).join("; ")}.`;
  return {
    assumed,
    fixture: {
      format: 1,
      source:
        `Captured by vmm-conformance capture from ${info.model ?? "a NAS"} (DSM ${versionString ?? "?"}) at ${o.url} on ${o.at}. ` +
        `Assumed where the NAS shows nothing: ${assumed.join("; ")}.${unreadText}`,
      system: {
        model: info.model || "unknown",
        dsm_version: versionString || "unknown",
        dsm_build: Number.isInteger(build) && build > 0 ? build : 1,
        serial: info.serial || "unknown",
        ram_mb: info.ram ?? 0,
        vmm_version: vmmVersion || "unknown",
        cluster_status: clusterStatus,
        pro_licence: cl.license_summ?.healthy === undefined ? true : cl.license_summ.healthy > 0,
        max_iscsi_luns: ASSUMED_MAX_LUNS,
      },
      accounts: [
        {
          name: o.account,
          password: o.password,
          admin: true,
          email: me.email ?? "",
          fullname: me.fullname ?? "",
        },
      ],
      hosts,
      storages,
      networks,
      images,
      guests: fixtureGuests,
    },
  };
}

const kib = (value: number | undefined): number | undefined =>
  value === undefined ? undefined : Math.round(value / 1024);
