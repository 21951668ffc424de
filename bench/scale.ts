/**
 * Section 4, scale: how costs grow with the inventory and with the work in flight.
 * - With 10, 1,000 and 10,000 guests, each in an emulator of its own: start-up (seeding),
 *   Guest list when it must be rebuilt (a guest changed just before) and when it has not
 *   changed, Guest get, a poweron and a poweroff, a Guest create through its task, the control
 *   plane's reset and fixture load, the answer's size and the process's memory.
 * - 1,000 guests created one after the other through their tasks (instant time): the cost of a
 *   create early and late, and on a 10,000-guest inventory.
 * - 1,000 creates sent at once (realtime durations, so 1,000 tasks run side by side): how long
 *   the burst takes, and what a Guest list and a Task get cost while they run.
 *
 * Latencies are to the last byte of the answer, read and not parsed: a client's own JSON.parse
 * of a 5.6 MB list (about 30 ms) is not the emulator's cost.
 */
import { readFileSync } from "node:fs";
import { getJson, keyReady, login, vmm, vmmQuery } from "../test/support/client";
import { peakRssMiB, type Runner, rssMiB, spawnEmulator } from "../test/support/processes";
import { percentile } from "../test/support/stats";
import { BENCH_NETWORK_ID, BENCH_STORAGE_ID, writeSyntheticFixture } from "../test/support/synthetic-fixture";
import { median } from "./load";

export interface SizeRow {
  readonly guests: number;
  readonly startMs: number;
  readonly rebuiltMs: number;
  readonly unchangedMs: number;
  readonly getMs: number;
  readonly poweronMs: number;
  readonly poweroffMs: number;
  readonly createMs: number;
  readonly resetMs: number;
  readonly fixtureLoadMs: number;
  readonly bytes: number;
  /** Resident memory once started and logged in, before any list. */
  readonly restRssMiB: number;
  readonly peakRssMiB: number;
}

export interface CreateRow {
  readonly label: string;
  readonly count: number;
  readonly totalMs: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

export interface ConcurrentRow {
  readonly tasks: number;
  readonly burstMs: number;
  readonly p99Ms: number;
  readonly listIdleMs: number;
  readonly listBusyMs: number;
  readonly taskGetMs: number;
  readonly finished: number;
}

export interface ScaleResult {
  readonly sizes: SizeRow[];
  readonly creates: CreateRow[];
  readonly concurrent: ConcurrentRow;
}

const createParams = (name: string): Record<string, string> => ({
  guest_name: name,
  storage_id: BENCH_STORAGE_ID,
  vdisks: JSON.stringify([{ create_type: 0, vdisk_size: 1024 }]),
  vnics: JSON.stringify([{ network_id: BENCH_NETWORK_ID }]),
});

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** GETs `url` and reads the whole answer without parsing it; throws unless it is a DSM success. */
async function fetchAll(url: string, init?: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 20))).toString();
  if (res.status !== 200 || (!tail.endsWith('"success":true}') && !tail.endsWith("true}")))
    throw new Error(`${url.slice(0, 120)} answered ${res.status} …${tail}`);
  return bytes.length;
}

/** Creates a guest and polls its task until it finished (instant time: the next poll). */
async function createThroughTask(url: string, sid: string, name: string): Promise<void> {
  const created = await vmm(url, sid, "Guest", "create", createParams(name));
  const taskId = created.body.data?.task_id;
  if (typeof taskId !== "string") throw new Error(`create failed: ${created.text}`);
  for (;;) {
    const task = await vmm(url, sid, "Task.Info", "get", { task_id: taskId });
    if (task.body.data?.finish === true) break;
    if (!task.body.success) throw new Error(`task failed: ${task.text}`);
  }
}

async function measureSize(
  workDir: string,
  guests: number,
  samples: number,
  runner: Runner,
): Promise<SizeRow> {
  const fixture = writeSyntheticFixture(workDir, guests);
  const t0 = performance.now();
  const child = await spawnEmulator({ fixture, db: ":memory:", timeScale: "instant", runner });
  const startMs = performance.now() - t0;
  try {
    await keyReady(child.url);
    const sid = await login(child.url);
    const restRssMiB = rssMiB(child.pid);
    const entry = (api: string, method: string, params: Record<string, string> = {}) =>
      `${child.url}/webapi/entry.cgi?${vmmQuery(sid, api, method, params)}`;
    const list = entry("Guest", "list", { additional: "true" });
    const bytes = await fetchAll(list);
    const rebuilt: number[] = [];
    const unchanged: number[] = [];
    const gets: number[] = [];
    const ons: number[] = [];
    const offs: number[] = [];
    const creates: number[] = [];
    // A generated guest: shut down, on a roomy host, in every inventory.
    const guest = `bench-${guests - 1}`;
    // The single-guest calls first, each round on its own: measured right after a list of
    // 10,000 guests (5.6 MB), a poweron paid that answer's garbage collection (3-5 ms), which is
    // the list's cost, not the poweron's.
    for (let i = 0; i < samples; i++) {
      gets.push(await timed(() => fetchAll(entry("Guest", "get", { guest_name: guest }))));
      ons.push(await timed(() => fetchAll(entry("Guest.Action", "poweron", { guest_name: guest }))));
      offs.push(await timed(() => fetchAll(entry("Guest.Action", "poweroff", { guest_name: guest }))));
      creates.push(await timed(() => createThroughTask(child.url, sid, `scale-${i}`)));
    }
    for (let i = 0; i < samples; i++) {
      // A change anywhere makes the next list read the rows again.
      await vmm(child.url, sid, "Guest", "set", { guest_name: "win10", description: `round ${i}` });
      rebuilt.push(await timed(() => fetchAll(list)));
      unchanged.push(await timed(() => fetchAll(list)));
    }
    const peak = peakRssMiB(child.pid);
    const admin = `${child.url}/__admin`;
    const post = (path: string, body: string) =>
      fetchAll(`${admin}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const fixtureBody = readFileSync(fixture, "utf8");
    const resets: number[] = [];
    const loads: number[] = [];
    for (let i = 0; i < samples; i++) {
      // Reset forgets sessions too: each round logs in again and changes a guest to be undone.
      const again = await login(child.url);
      await vmm(child.url, again, "Guest", "set", { guest_name: "win10", description: `reset ${i}` });
      resets.push(await timed(() => post("/reset", "{}")));
    }
    for (let i = 0; i < Math.min(samples, 5); i++)
      loads.push(await timed(() => post("/fixture", fixtureBody)));
    return {
      guests,
      startMs,
      rebuiltMs: median(rebuilt),
      unchangedMs: median(unchanged),
      getMs: median(gets),
      poweronMs: median(ons),
      poweroffMs: median(offs),
      createMs: median(creates),
      resetMs: median(resets),
      fixtureLoadMs: median(loads),
      bytes,
      restRssMiB,
      peakRssMiB: peak,
    };
  } finally {
    await child.stop();
  }
}

/** Creates `count` guests one by one, each followed by Task.Info get until its task finished. */
async function measureCreates(
  workDir: string,
  inventory: number,
  count: number,
  label: string,
  runner: Runner,
): Promise<CreateRow> {
  const fixture = writeSyntheticFixture(workDir, inventory);
  const child = await spawnEmulator({ fixture, db: ":memory:", timeScale: "instant", runner });
  try {
    await keyReady(child.url);
    const sid = await login(child.url);
    const each: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < count; i++)
      each.push(await timed(() => createThroughTask(child.url, sid, `scale-${i}`)));
    const totalMs = performance.now() - t0;
    const tenth = Math.max(1, Math.floor(count / 10));
    return {
      label,
      count,
      totalMs,
      firstMs: median(each.slice(0, tenth)),
      lastMs: median(each.slice(-tenth)),
    };
  } finally {
    await child.stop();
  }
}

async function measureConcurrent(workDir: string, tasks: number, runner: Runner): Promise<ConcurrentRow> {
  const fixture = writeSyntheticFixture(workDir, 50);
  // Realtime: a create's task runs 5 s, so all of them run side by side.
  const child = await spawnEmulator({ fixture, db: ":memory:", timeScale: "realtime", runner });
  try {
    await keyReady(child.url);
    const sid = await login(child.url);
    const listUrl = `${child.url}/webapi/entry.cgi?${vmmQuery(sid, "Guest", "list", { additional: "true" })}`;
    const listIdleMs = median(await Promise.all([0, 1, 2].map(() => timed(() => fetchAll(listUrl)))));
    const latencies: number[] = [];
    const ids: string[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: tasks }, async (_, i) => {
        const t = performance.now();
        const created = await vmm(child.url, sid, "Guest", "create", createParams(`burst-${i}`));
        latencies.push(performance.now() - t);
        const taskId = created.body.data?.task_id;
        if (typeof taskId === "string") ids.push(taskId);
      }),
    );
    const burstMs = performance.now() - t0;
    const busy: number[] = [];
    const gets: number[] = [];
    for (let i = 0; i < 5; i++) {
      await vmm(child.url, sid, "Guest", "set", { guest_name: "win10", description: `busy ${i}` });
      busy.push(await timed(() => fetchAll(listUrl)));
      gets.push(
        await timed(() =>
          getJson(
            `${child.url}/webapi/entry.cgi?${vmmQuery(sid, "Task.Info", "get", { task_id: ids[i] ?? "" })}`,
          ),
        ),
      );
    }
    return {
      tasks,
      burstMs,
      p99Ms: percentile(latencies, 99),
      listIdleMs,
      listBusyMs: median(busy),
      taskGetMs: median(gets),
      finished: ids.length,
    };
  } finally {
    await child.stop();
  }
}

export async function benchScale(
  options: {
    workDir: string;
    sizes: readonly number[];
    creates: number;
    concurrent: number;
    samples: number;
    runner: Runner;
  },
  log: (line: string) => void,
): Promise<ScaleResult> {
  const sizes: SizeRow[] = [];
  for (const n of options.sizes) {
    sizes.push(await measureSize(options.workDir, n, options.samples, options.runner));
    log(`  scale: ${n} guests`);
  }
  const creates = [
    await measureCreates(
      options.workDir,
      10,
      options.creates,
      `${options.creates} creates from 10 guests`,
      options.runner,
    ),
  ];
  const largest = options.sizes.at(-1) ?? 10;
  const few = Math.max(10, Math.floor(options.creates / 10));
  creates.push(
    await measureCreates(
      options.workDir,
      largest,
      few,
      `${few} creates from ${largest} guests`,
      options.runner,
    ),
  );
  log("  scale: creates through tasks");
  const concurrent = await measureConcurrent(options.workDir, options.concurrent, options.runner);
  log("  scale: concurrent tasks");
  return { sizes, creates, concurrent };
}
