/**
 * Section 4, scale: how costs grow with the inventory and with the work in flight.
 * - Guest list with 10, 1,000 and 10,000 guests: latency when the list must be rebuilt (a guest
 *   changed just before) and when it has not changed, answer size, start-up time (seeding), and
 *   the process's peak RSS.
 * - 1,000 guests created one after the other through their tasks (instant time): the cost of a
 *   create early and late, and on a 10,000-guest inventory.
 * - 1,000 creates sent at once (realtime durations, so 1,000 tasks run side by side): how long
 *   the burst takes, and what a Guest list and a Task get cost while they run.
 */
import { getJson, login, vmm, vmmQuery } from "./client";
import { BENCH_NETWORK_ID, BENCH_STORAGE_ID, writeSyntheticFixture } from "./fixtures";
import { median, percentile } from "./load";
import { peakRssMiB, spawnEmulator } from "./procs";

export interface ListRow {
  readonly guests: number;
  readonly startMs: number;
  readonly rebuiltMs: number;
  readonly unchangedMs: number;
  readonly bytes: number;
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
  readonly lists: ListRow[];
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

async function measureList(workDir: string, guests: number, samples: number): Promise<ListRow> {
  const fixture = writeSyntheticFixture(workDir, guests);
  const t0 = performance.now();
  const child = await spawnEmulator({ fixture, db: ":memory:", timeScale: "instant" });
  const startMs = performance.now() - t0;
  try {
    const sid = await login(child.url);
    const url = `${child.url}/webapi/entry.cgi?${vmmQuery(sid, "Guest", "list", { additional: "true" })}`;
    const first = await getJson(url);
    if (!first.body.success) throw new Error(`Guest list failed: ${first.text.slice(0, 200)}`);
    const rebuilt: number[] = [];
    const unchanged: number[] = [];
    for (let i = 0; i < samples; i++) {
      // A change anywhere makes the next list read the rows again.
      await vmm(child.url, sid, "Guest", "set", { guest_name: "win10", description: `round ${i}` });
      rebuilt.push(await timed(() => getJson(url)));
      unchanged.push(await timed(() => getJson(url)));
    }
    return {
      guests,
      startMs,
      rebuiltMs: median(rebuilt),
      unchangedMs: median(unchanged),
      bytes: Buffer.byteLength(first.text),
      peakRssMiB: peakRssMiB(child.pid),
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
): Promise<CreateRow> {
  const fixture = writeSyntheticFixture(workDir, inventory);
  const child = await spawnEmulator({ fixture, db: ":memory:", timeScale: "instant" });
  try {
    const sid = await login(child.url);
    const each: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      each.push(
        await timed(async () => {
          const created = await vmm(child.url, sid, "Guest", "create", createParams(`scale-${i}`));
          const taskId = created.body.data?.task_id;
          if (typeof taskId !== "string") throw new Error(`create failed: ${created.text}`);
          for (;;) {
            const task = await vmm(child.url, sid, "Task.Info", "get", { task_id: taskId });
            if (task.body.data?.finish === true) break;
          }
        }),
      );
    }
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

async function measureConcurrent(workDir: string, tasks: number): Promise<ConcurrentRow> {
  const fixture = writeSyntheticFixture(workDir, 50);
  // Realtime: a create's task runs 5 s, so all of them run side by side.
  const child = await spawnEmulator({ fixture, db: ":memory:", timeScale: "realtime" });
  try {
    const sid = await login(child.url);
    const listUrl = `${child.url}/webapi/entry.cgi?${vmmQuery(sid, "Guest", "list", { additional: "true" })}`;
    const listIdleMs = median(await Promise.all([0, 1, 2].map(() => timed(() => getJson(listUrl)))));
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
      busy.push(await timed(() => getJson(listUrl)));
      gets.push(await timed(() => vmm(child.url, sid, "Task.Info", "get", { task_id: ids[i] ?? "" })));
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
  options: { workDir: string; sizes: readonly number[]; creates: number; concurrent: number },
  log: (line: string) => void,
): Promise<ScaleResult> {
  const lists: ListRow[] = [];
  for (const n of options.sizes) {
    lists.push(await measureList(options.workDir, n, 7));
    log(`  scale: Guest list with ${n} guests`);
  }
  const creates = [
    await measureCreates(options.workDir, 10, options.creates, `${options.creates} creates from 10 guests`),
  ];
  const largest = options.sizes.at(-1) ?? 10;
  const few = Math.max(10, Math.floor(options.creates / 10));
  creates.push(await measureCreates(options.workDir, largest, few, `${few} creates from ${largest} guests`));
  log("  scale: creates through tasks");
  const concurrent = await measureConcurrent(options.workDir, options.concurrent);
  log("  scale: concurrent tasks");
  return { lists, creates, concurrent };
}
