/**
 * The NAS around VMM, as DSM's own system APIs show it: a third presentation of the one model.
 * The NAS is one host of the cluster (the fixture's `nas.host_id`, else the first host): the
 * host a client's login lands on. Its volumes are the VMM storages on that host (each on a pool
 * of two disks in RAID 1), whose used space grows with vdisks and images; its memory and CPU
 * load follow the guests placed on it; its network interfaces are its NICs, one per VMM network
 * it has. The states a test sets (disks, volumes, temperature, update, security scan, USB) come
 * from the store's NAS row.
 *
 * By design: every figure is derived on each call, so it can never disagree with the VMM APIs.
 * Gaps: load averages have no history (1, 5 and 15 minutes are the same figure); every pool is
 * RAID 1 of two disks; no swap is ever used.
 */
import { createHash } from "node:crypto";
import type { DISK_STATES, VOLUME_STATES } from "../../contract/statuses";
import type { Store } from "../store/index";
import type { HostRow, StorageRow } from "../store/inventory";
import type { NasState } from "../store/nas";
import type { SystemRow } from "../store/system";
import { ONLINE, storageStatus } from "./status";
import { usageOf } from "./telemetry";
import type { MiB } from "./units";

export type DiskState = (typeof DISK_STATES)[number];
export type VolumeStatus = (typeof VOLUME_STATES)[number];

export const BYTES_PER_MIB = 1024 * 1024;
/** Disks per pool: RAID 1, as a two-bay NAS or a mirrored pair. */
const DISKS_PER_POOL = 2;

export interface Disk {
  /** DSM 7's id and device name: `sata1`, `sata2`, ... */
  readonly id: string;
  /** 1-based: "Drive N". */
  readonly number: number;
  readonly state: DiskState;
  /** °C: the NAS's temperature, a few degrees cooler, one degree apart per bay. */
  readonly temperature: number;
  readonly sizeMiB: MiB;
  readonly serial: string;
  readonly poolId: string;
}

export interface Volume {
  /** DSM's `volume_N`, N from the storage's volume path (`/volumeN`). */
  readonly id: string;
  readonly number: number;
  readonly path: string;
  readonly storage: StorageRow;
  readonly status: VolumeStatus;
  readonly poolId: string;
  readonly totalMiB: MiB;
  readonly usedMiB: MiB;
  readonly disks: readonly Disk[];
}

export interface NetworkInterface {
  /** `eth0`, `eth1`, ... */
  readonly id: string;
  /** DSM's form: upper-case, dash-separated (`00-11-32-AB-CD-EF`). */
  readonly mac: string;
  readonly ip: string;
  readonly netmask: string;
}

export interface Load {
  /** Percent of the NAS's CPU, as integers. */
  readonly user: number;
  readonly system: number;
  readonly other: number;
  /** The load average × 100, as DSM reports it. */
  readonly average: number;
}

export interface Memory {
  readonly totalMiB: MiB;
  readonly usedMiB: MiB;
  /** Percent in use. */
  readonly realUsage: number;
}

export interface Nas {
  readonly system: SystemRow;
  readonly host: HostRow;
  readonly state: NasState;
  readonly volumes: readonly Volume[];
  readonly interfaces: readonly NetworkInterface[];
  readonly load: Load;
  readonly memory: Memory;
  readonly uptimeSeconds: number;
}

const WORST: readonly VolumeStatus[] = ["normal", "degraded", "crashed"];
const worst = (...statuses: VolumeStatus[]): VolumeStatus =>
  statuses.reduce((a, b) => (WORST.indexOf(b) > WORST.indexOf(a) ? b : a), "normal");

/** The host a login lands on: the fixture's choice, else the cluster's first. */
export function nasHost(store: Store): HostRow {
  const hosts = store.inventory.hosts();
  const chosen = store.nas.get().host_id;
  const host = (chosen === undefined ? undefined : hosts.find((h) => h.host_id === chosen)) ?? hosts[0];
  if (host === undefined) throw new Error("a fixture has at least one host");
  return host;
}

/** What a storage's own status makes of its volume (a storage DSM cannot reach is crashed to it). */
function fromStorage(s: StorageRow): VolumeStatus {
  const status = storageStatus(s);
  if (status === "degraded") return "degraded";
  if (status === "crashed" || status === "missing" || status === "unavailable") return "crashed";
  return "normal";
}

/** A RAID 1 pool: one crashed disk degrades it, all of them crash it. */
function fromDisks(disks: readonly Disk[]): VolumeStatus {
  const crashed = disks.filter((d) => d.state === "crashed").length;
  if (crashed === 0) return "normal";
  return crashed === disks.length ? "crashed" : "degraded";
}

/** A stable hex string from a seed: serials and MACs that do not change between runs. */
const digest = (seed: string) => createHash("sha256").update(seed).digest("hex");

function volumeNumber(path: string, index: number): number {
  const match = /^\/volume([1-9][0-9]*)$/.exec(path);
  return match === null ? index + 1 : Number(match[1]);
}

function volumesOf(store: Store, host: HostRow, state: NasState): Volume[] {
  const storages = store.inventory.storages().filter((s) => s.host_id === host.host_id);
  return storages.map((storage, i) => {
    const number = volumeNumber(storage.volume_path, i);
    const poolId = `reuse_${i + 1}`;
    const disks = Array.from({ length: DISKS_PER_POOL }, (_, k): Disk => {
      const n = i * DISKS_PER_POOL + k + 1;
      const id = `sata${n}`;
      return {
        id,
        number: n,
        state: state.disks[id] ?? "normal",
        temperature: Math.max(0, state.temperature - 6 + (n % 3)),
        sizeMiB: storage.size,
        serial: digest(`${host.host_id}/${id}`).slice(0, 8).toUpperCase(),
        poolId,
      };
    });
    const forced = state.volumes[storage.storage_id] ?? "normal";
    return {
      id: `volume_${number}`,
      number,
      path: storage.volume_path,
      storage,
      status: worst(fromStorage(storage), fromDisks(disks), forced),
      poolId,
      totalMiB: storage.size,
      usedMiB: Math.min(storage.size, storage.used),
      disks,
    };
  });
}

function interfacesOf(store: Store, host: HostRow, hostIndex: number): NetworkInterface[] {
  const networks = store.inventory
    .networks()
    .filter((n) => store.inventory.hostHasNetwork(host.host_id, n.network_id));
  // A NAS has at least its first LAN port, whether or not VMM has a network on it.
  const count = Math.max(1, networks.length);
  return Array.from({ length: count }, (_, i) => {
    const hex = digest(`${host.host_id}/eth${i}`).slice(0, 6).toUpperCase();
    // Synology's OUI (00:11:32), in DSM's dashed upper-case form.
    const mac = ["00", "11", "32", hex.slice(0, 2), hex.slice(2, 4), hex.slice(4, 6)].join("-");
    return { id: `eth${i}`, mac, ip: `192.168.${i + 1}.${10 + hostIndex}`, netmask: "255.255.255.0" };
  });
}

function loadOf(store: Store, host: HostRow, now: number): Load {
  let perMille = 0;
  for (const g of store.guests.list()) {
    if (g.host_id !== host.host_id || !ONLINE.has(g.status)) continue;
    perMille += usageOf(g.guest_id, g.vcpu_num, g.vram_size, host.total_cpu_core, now).cpuPerMille;
  }
  const guests = Math.min(98, Math.round(Math.min(1000, perMille) / 10));
  // DSM itself keeps the CPU a little busy; the guests' qemu processes are user time, their
  // I/O a tenth of it system time (the total is exactly DSM's 2 % and the guests').
  const system = 1 + Math.round(guests / 10);
  const user = 1 + guests - Math.round(guests / 10);
  const average = Math.round((((user + system) / 100) * host.total_cpu_core + 0.05) * 100);
  return { user, system, other: 0, average };
}

function memoryOf(host: HostRow): Memory {
  const usedMiB = Math.min(host.total_ram_size, host.other_ram_used + host.used_ram);
  return {
    totalMiB: host.total_ram_size,
    usedMiB,
    realUsage: Math.round((100 * usedMiB) / host.total_ram_size),
  };
}

/** The NAS at `now`. */
export function nasOf(store: Store, now: number): Nas {
  const system = store.system.get();
  const state = store.nas.get();
  const host = nasHost(store);
  const hostIndex = store.inventory.hosts().findIndex((h) => h.host_id === host.host_id);
  return {
    system,
    host,
    state,
    volumes: volumesOf(store, host, state),
    interfaces: interfacesOf(store, host, hostIndex),
    load: loadOf(store, host, now),
    memory: memoryOf(host),
    uptimeSeconds: Math.max(0, Math.floor((now - system.boot_started_at) / 1000)),
  };
}

/** The NAS's disks, in bay order. */
export const disksOf = (nas: Nas): Disk[] => nas.volumes.flatMap((v) => v.disks);

/** A change to the NAS's states: disks and volumes merge into what is set (`normal` clears one). */
export interface NasChange {
  readonly host_id?: string | undefined;
  readonly temperature?: number | undefined;
  readonly update?: string | null | undefined;
  readonly security?: NasState["security"] | undefined;
  readonly disks?: Readonly<Record<string, DiskState>> | undefined;
  readonly volumes?: Readonly<Record<string, VolumeStatus>> | undefined;
  readonly usb?: NasState["usb"] | undefined;
}

/** The states after `change`: what it leaves out stays as it was. */
export function changedNas(current: NasState, change: NasChange): NasState {
  const merge = <T extends string>(
    was: Record<string, T>,
    given: Readonly<Record<string, T>> | undefined,
  ) => {
    const out = { ...was };
    for (const [key, value] of Object.entries(given ?? {})) {
      if (value === "normal") delete out[key];
      else out[key] = value;
    }
    return out;
  };
  return {
    ...current,
    ...(change.host_id === undefined ? {} : { host_id: change.host_id }),
    temperature: change.temperature ?? current.temperature,
    update: change.update === undefined ? current.update : change.update,
    security: change.security ?? current.security,
    disks: merge(current.disks, change.disks),
    volumes: merge(current.volumes, change.volumes),
    usb: change.usb ?? current.usb,
  };
}
