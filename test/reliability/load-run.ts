/**
 * Load: many clients at once against the CLI in its own process, mixing reads and racing
 * writes on a deliberately tight inventory (few CPU threads and MB of RAM, 40 LUNs for up to 50 guests), so
 * that power-ons and creates compete for the same resources. Every answer must be a success or
 * a code that operation can answer; afterwards nothing may be over-committed.
 *
 * Each client draws its calls from its own PRNG seeded from `seed`, and in `npm test` makes a
 * fixed number of them. What the seed cannot fix is the interleaving: the emulator runs at 100x
 * on its real clock and the clients race each other, so which call wins a resource, and so the
 * codes answered, vary from run to run; the invariants must hold whichever it is.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminClient } from "../../server/control/client";
import { getJson, login, vmmQuery } from "../support/client";
import { spawnEmulator } from "../support/processes";
import { percentile } from "../support/stats";
import { BENCH_NETWORK_ID, BENCH_STORAGE_ID } from "../support/synthetic-fixture";
import { type Rng, rng } from "./crash-run";
import { readInventory, violations, writeFixture } from "./support";

const PLACEMENT = [900, 901, 902, 903, 908, 909, 910, 911, 1001];
/** What each operation may answer under contention, besides success. */
const ALLOWED: Record<string, readonly number[]> = {
  "Guest.list": [],
  "Host.list": [],
  "Storage.list": [],
  "Guest.get": [401],
  "Task.Info.get": [1000],
  "Guest.create": [402, 403, 404],
  "Guest.set": [401, 402, 403, 904],
  "Guest.Action.poweron": [401, 402, 904, ...PLACEMENT],
  "Guest.Action.poweroff": [401, 907],
  "Guest.Action.shutdown": [401, 907],
  "Guest.delete": [401, 402, 904],
  "Guest.Image.create": [402, 403],
};

export interface LoadReport {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  byOperation: Record<string, { count: number; p99: number; codes: Record<string, number> }>;
  problems: string[];
}

/** How long each client goes on: a number of calls (npm test), or a wall-clock duration (the soak). */
export type LoadLength = { readonly requestsPerClient: number } | { readonly seconds: number };

export async function runLoadTest(clients: number, length: LoadLength, seed: number): Promise<LoadReport> {
  const dir = mkdtempSync(join(tmpdir(), "vmm-load-"));
  // 20 guests on one 16-thread, 8 GB host (plus Synology-2): power-ons run out of threads and RAM.
  const { path, fixture } = writeFixture(dir, 20, (f) => ({
    ...f,
    system: { ...f.system, max_iscsi_luns: 40 },
    hosts: f.hosts.map((h, i) => ({ ...h, total_cpu_core: i === 0 ? 16 : 4, total_ram_size: 8192 })),
    storages: f.storages.map((s) => ({ ...s, size: 302_227 })),
  }));
  // 100x faster than DSM: transitions and tasks end within 80 ms, while other calls keep coming.
  const emulator = await spawnEmulator({ fixture: path, db: join(dir, "state.sqlite"), timeScale: "100" });
  const latencies: number[] = [];
  const byOp = new Map<string, { lat: number[]; codes: Record<string, number> }>();
  const problems: string[] = [];
  const tasks: string[] = [];
  const master = rng(seed);
  const clientSeeds = Array.from({ length: clients }, () => Math.floor(master() * 2 ** 31));
  const names = () => [
    ...fixture.guests.map((g) => g.guest_name),
    ...Array.from({ length: 30 }, (_, i) => `load-${i}`),
  ];
  const pool = names();
  const started = performance.now();
  try {
    const sid = await login(emulator.url);
    const one = async (r: Rng): Promise<void> => {
      const name = pool[Math.floor(r() * pool.length)] ?? "win10";
      const roll = r();
      let op: string;
      let params: Record<string, string> = { guest_name: name };
      if (roll < 0.2) [op, params] = ["Guest.list", { additional: "true" }];
      else if (roll < 0.3) op = "Guest.get";
      else if (roll < 0.35) [op, params] = ["Host.list", {}];
      else if (roll < 0.4) [op, params] = ["Storage.list", {}];
      else if (roll < 0.45)
        [op, params] = ["Task.Info.get", { task_id: tasks[Math.floor(r() * tasks.length)] ?? "none" }];
      else if (roll < 0.58) {
        op = "Guest.create";
        params = {
          guest_name: name,
          storage_id: BENCH_STORAGE_ID,
          vdisks: JSON.stringify([{ create_type: 0, vdisk_size: 1024 + Math.floor(r() * 8192) }]),
          vnics: JSON.stringify([{ network_id: BENCH_NETWORK_ID }]),
        };
      } else if (roll < 0.64)
        [op, params] = [
          "Guest.set",
          { guest_name: name, vcpu_num: String(1 + Math.floor(r() * 4)), description: "x" },
        ];
      else if (roll < 0.78) op = "Guest.Action.poweron";
      else if (roll < 0.84) op = "Guest.Action.poweroff";
      else if (roll < 0.88) op = "Guest.Action.shutdown";
      else if (roll < 0.96) op = "Guest.delete";
      else {
        op = "Guest.Image.create";
        params = {
          image_name: `img-${Math.floor(r() * 20)}`,
          type: "iso",
          ds_file_path: "/ISO/debian-12.iso",
          storage_ids: JSON.stringify([BENCH_STORAGE_ID]),
        };
      }
      const dot = op.lastIndexOf(".");
      const t0 = performance.now();
      let status = 0;
      let code = "?";
      try {
        const reply = await getJson(
          `${emulator.url}/webapi/entry.cgi?${vmmQuery(sid, op.slice(0, dot), op.slice(dot + 1), params)}`,
        );
        status = reply.status;
        code = reply.body.success ? "ok" : String(reply.body.error?.code);
        const taskId = reply.body.data?.task_id;
        if (typeof taskId === "string") tasks.push(taskId);
      } catch (err) {
        code = `socket error ${err instanceof Error ? err.message : String(err)}`;
      }
      const ms = performance.now() - t0;
      latencies.push(ms);
      const entry = byOp.get(op) ?? { lat: [], codes: {} };
      entry.lat.push(ms);
      entry.codes[code] = (entry.codes[code] ?? 0) + 1;
      byOp.set(op, entry);
      const allowed = code === "ok" || (ALLOWED[op] ?? []).includes(Number(code));
      if (status !== 200 || !allowed) {
        if (problems.length < 20)
          problems.push(`${op} ${JSON.stringify(params)} answered HTTP ${status}, ${code}`);
      }
    };
    const client = async (clientSeed: number) => {
      const r = rng(clientSeed);
      if ("seconds" in length) {
        const deadline = started + length.seconds * 1000;
        while (performance.now() < deadline) await one(r);
      } else for (let n = 0; n < length.requestsPerClient; n++) await one(r);
    };
    await Promise.all(clientSeeds.map(client));
    // Move the emulator's clock on a minute, so every transition and task has ended (they take
    // 80 ms at 100x), then check the books.
    await new AdminClient(emulator.url).advanceClock(60_000);
    const inventory = await readInventory(emulator.url, sid);
    problems.push(...violations(inventory, fixture, true));
  } finally {
    await emulator.stop("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  const byOperation: LoadReport["byOperation"] = {};
  for (const [op, e] of byOp)
    byOperation[op] = { count: e.lat.length, p99: percentile(e.lat, 99), codes: e.codes };
  return {
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.reduce((m, v) => Math.max(m, v), 0),
    byOperation,
    problems,
  };
}
