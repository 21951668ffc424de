/**
 * Shared by the reliability tests: roomy synthetic fixtures, reading the whole inventory over
 * the WebAPI, and the invariants every state must satisfy whatever happened before (a crash, a
 * fuzzer, a crowd of clients): resources add up to the guests that hold them, nothing is
 * over-committed, nothing is stuck, and the database file is sound.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isKnownCode } from "../../contract/errors";
import type { Fixture } from "../../server/fixture";
import { REASONS } from "../../server/model/refusal";
import { login, vmm } from "../support/client";
import { syntheticFixture } from "../support/synthetic-fixture";

export interface GuestView {
  guest_id: string;
  guest_name: string;
  description: string;
  status: string;
  storage_id: string;
  vcpu_num: number;
  vram_size: number;
  vdisks: { vdisk_size: number }[];
}

export interface HostView {
  host_id: string;
  status: string;
  total_cpu_core?: number;
  free_cpu_core?: number;
  total_ram_size?: number;
  free_ram_size?: number;
}

export interface StorageView {
  storage_id: string;
  size?: number;
  used?: number;
}

export interface ImageView {
  image_id: string;
  image_name: string;
  storages: { storage_id: string }[];
}

export interface Inventory {
  guests: GuestView[];
  hosts: HostView[];
  storages: StorageView[];
  images: ImageView[];
  /** Image id → size in MB, from the control plane's state dump (the WebAPI does not show it). */
  imageSizes: Map<string, number>;
}

/** Statuses in which a guest holds CPU threads and RAM on a host. */
const ONLINE = new Set(["running", "booting", "shutting_down"]);
/** Statuses that only time ends (instant time scale: by the next request). */
const TRANSITIONAL = new Set(["booting", "shutting_down", "creating"]);

/** A fixture with `guests` guests, written to `dir`; `tweak` may shrink hosts or LUNs. */
export function writeFixture(
  dir: string,
  guests: number,
  tweak?: (f: Fixture) => Fixture,
): { path: string; fixture: Fixture } {
  const base = syntheticFixture(guests);
  const fixture = tweak === undefined ? base : tweak(base);
  const path = join(dir, "fixture.json");
  writeFileSync(path, JSON.stringify(fixture));
  return { path, fixture };
}

async function data<T>(url: string, sid: string, api: string, key: string): Promise<T> {
  const reply = await vmm(url, sid, api, "list");
  if (!reply.body.success) throw new Error(`${api} list failed: ${reply.text}`);
  return reply.body.data?.[key] as T;
}

export async function readInventory(url: string, sid?: string): Promise<Inventory> {
  const session = sid ?? (await login(url));
  return {
    guests: await data<GuestView[]>(url, session, "Guest", "guests"),
    hosts: await data<HostView[]>(url, session, "Host", "hosts"),
    storages: await data<StorageView[]>(url, session, "Storage", "storages"),
    images: await data<ImageView[]>(url, session, "Guest.Image", "images"),
    imageSizes: await imageSizes(url),
  };
}

async function imageSizes(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/__admin/state`);
  const state = (await res.json()) as { images: { image_id: string; size: number }[] };
  return new Map(state.images.map((i) => [i.image_id, i.size]));
}

/**
 * Every way the inventory can disagree with itself: host figures against the guests online,
 * storage use against vdisks and images, over-commit, and (when `settled`) guests still in a
 * transition that instant time should have ended. Answers a list of violations (empty: sound).
 */
export function violations(inv: Inventory, fixture: Fixture, settled: boolean): string[] {
  const out: string[] = [];
  const online = inv.guests.filter((g) => ONLINE.has(g.status));
  const reported = inv.hosts.filter((h) => h.free_cpu_core !== undefined);
  const usedCpu = reported.reduce((s, h) => s + ((h.total_cpu_core ?? 0) - (h.free_cpu_core ?? 0)), 0);
  const wantCpu = online.reduce((s, g) => s + g.vcpu_num, 0);
  if (usedCpu !== wantCpu) out.push(`hosts use ${usedCpu} CPU threads, online guests have ${wantCpu}`);
  const otherRam = (id: string) => fixture.hosts.find((h) => h.host_id === id)?.other_ram_used ?? 0;
  const usedRam = reported.reduce(
    (s, h) => s + ((h.total_ram_size ?? 0) - (h.free_ram_size ?? 0)) - otherRam(h.host_id),
    0,
  );
  const wantRam = online.reduce((s, g) => s + g.vram_size, 0);
  if (usedRam !== wantRam) out.push(`hosts use ${usedRam} MB of RAM, online guests have ${wantRam}`);
  for (const h of reported) {
    if ((h.free_cpu_core ?? 0) < 0)
      out.push(`host ${h.host_id} over-committed: ${h.free_cpu_core} free threads`);
    if ((h.free_ram_size ?? 0) < 0) out.push(`host ${h.host_id} over-committed: ${h.free_ram_size} MB free`);
  }
  for (const s of inv.storages) {
    if (s.used === undefined) continue;
    const fixed = fixture.storages.find((f) => f.storage_id === s.storage_id)?.other_used ?? 0;
    const disks = inv.guests
      .filter((g) => g.storage_id === s.storage_id)
      .reduce((sum, g) => sum + g.vdisks.reduce((d, v) => d + v.vdisk_size, 0), 0);
    const images = inv.images
      .filter((im) => im.storages.some((c) => c.storage_id === s.storage_id))
      .reduce((sum, im) => sum + (inv.imageSizes.get(im.image_id) ?? Number.NaN), 0);
    if (s.used !== fixed + disks + images) {
      out.push(
        `storage ${s.storage_id} reports ${s.used} MB used, vdisks and images make ${fixed + disks + images}`,
      );
    }
    if (s.size !== undefined && s.used > s.size) out.push(`storage ${s.storage_id} over-committed`);
  }
  const luns = inv.guests.reduce((n, g) => n + g.vdisks.length, 0);
  if (luns > fixture.system.max_iscsi_luns)
    out.push(`${luns} LUNs in use, the limit is ${fixture.system.max_iscsi_luns}`);
  if (settled) {
    for (const g of inv.guests)
      if (TRANSITIONAL.has(g.status)) out.push(`guest ${g.guest_name} stuck in ${g.status}`);
  }
  return out;
}

/** Opens a database file the emulator left behind (after SIGKILL) and checks it: answers violations. */
export function fileViolations(path: string): string[] {
  const out: string[] = [];
  const db = new Database(path);
  try {
    const integrity = db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") out.push(`integrity_check: ${String(integrity)}`);
    const fk = db.pragma("foreign_key_check") as unknown[];
    if (fk.length > 0) out.push(`${fk.length} rows break a foreign key`);
    const tasks = db
      .prepare<
        [],
        {
          task_id: string;
          status: string;
          finished_at: number | null;
          error_code: number | null;
          error_reason: string | null;
        }
      >("SELECT task_id, status, finished_at, error_code, error_reason FROM tasks")
      .all();
    const reasons: ReadonlySet<string> = new Set(REASONS);
    for (const t of tasks) {
      const clean = t.error_code === null && t.error_reason === null;
      const running = t.finished_at === null && t.status === "create" && clean;
      const done = t.finished_at !== null && t.status === "create" && clean;
      // A failure is a fault rule's known code or one of the model's reasons, never both.
      const failed =
        t.finished_at !== null &&
        t.status === "failed" &&
        (t.error_code === null
          ? t.error_reason !== null && reasons.has(t.error_reason)
          : t.error_reason === null && isKnownCode(t.error_code));
      if (!running && !done && !failed)
        out.push(`task ${t.task_id} in no defined state: ${JSON.stringify(t)}`);
    }
  } finally {
    db.close();
  }
  return out;
}
