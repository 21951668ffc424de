/**
 * Crash safety, as a loop the test (few cycles) and `npm run soak` (many) both run: the CLI on a
 * file database, a few clients changing guests and images, SIGKILL at a random moment, then
 * the file is checked as the kill left it and the emulator restarted on it. Every change the
 * emulator acknowledged must be there, every other invariant must hold.
 *
 * A call in flight at the kill may or may not have been applied: the guest or image it names is
 * "uncertain" for that cycle, checked only against the invariants, then re-read as it is.
 *
 * The seed fixes each client's calls and the kill's moment, counted in acknowledged calls (the
 * kill follows the Nth acknowledgement of the cycle), not in milliseconds. What it cannot fix:
 * how far the other clients got when the Nth answer came, which calls were in flight, and how
 * far the emulator got with them before the signal landed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mulberry32 } from "../../server/random";
import { type Envelope, getJson, login, vmmQuery } from "../support/client";
import { type Child, type Runner, spawnEmulator } from "../support/processes";
import { BENCH_NETWORK_ID, BENCH_STORAGE_ID } from "../support/synthetic-fixture";
import { fileViolations, readInventory, violations, writeFixture } from "./support";

export interface CrashReport {
  cycles: number;
  acknowledged: number;
  /** Acknowledged calls by `api.method`. */
  byCall: Record<string, number>;
  uncertain: number;
  problems: string[];
}

interface GuestModel {
  description: string;
  online: boolean;
}

interface Model {
  guests: Map<string, GuestModel>;
  gone: Set<string>;
  images: Set<string>;
}

export type Rng = () => number;

/** A small seeded PRNG, so a failing run can be replayed from its seed. */
export const rng = (seed: number): Rng => mulberry32(seed);

const pick = <T>(r: Rng, list: readonly T[]): T | undefined => list[Math.floor(r() * list.length)];

/** At most this many acknowledged calls in a cycle before the kill (about 80 on average). */
const MAX_CALLS_PER_CYCLE = 160;

/** What the clients of one cycle share. */
interface Cycle {
  readonly url: string;
  readonly sid: string;
  /** Part of every name a client makes, so that no cycle reuses a name an earlier one left uncertain. */
  readonly number: number;
  readonly model: Model;
  readonly inflight: Set<string>;
  readonly counters: { acknowledged: number; byCall: Record<string, number> };
  readonly problems: string[];
  /** Called on each acknowledged call. */
  readonly acknowledged: () => void;
}

/** One client: picks operations on its own guests and images until the server dies. */
async function worker(cycle: Cycle, id: string, r: Rng): Promise<void> {
  const { url, sid, model, inflight, counters, problems } = cycle;
  let n = 0;
  const mine = () => [...model.guests.keys()].filter((name) => name.startsWith(`${id}-`));
  const call = async (name: string, api: string, method: string, params: Record<string, string>) => {
    inflight.add(name);
    const reply = await getJson(`${url}/webapi/entry.cgi?${vmmQuery(sid, api, method, params)}`);
    // Answered: whatever it says is now acknowledged, so the name is certain again.
    inflight.delete(name);
    if (!reply.body.success) problems.push(`${id}: ${api}.${method} ${name} answered ${reply.text}`);
    else {
      counters.acknowledged++;
      counters.byCall[`${api}.${method}`] = (counters.byCall[`${api}.${method}`] ?? 0) + 1;
      cycle.acknowledged();
    }
    return reply.body;
  };
  for (;;) {
    const roll = r();
    const guests = mine();
    const name = pick(r, guests);
    const guest = name === undefined ? undefined : model.guests.get(name);
    let body: Envelope;
    if (roll < 0.3 || name === undefined || guest === undefined) {
      const fresh = `${id}-c${cycle.number}-${n++}`;
      body = await call(fresh, "Guest", "create", {
        guest_name: fresh,
        storage_id: BENCH_STORAGE_ID,
        vdisks: JSON.stringify([{ create_type: 0, vdisk_size: 1024 }]),
        vnics: JSON.stringify([{ network_id: BENCH_NETWORK_ID }]),
      });
      if (body.success) model.guests.set(fresh, { description: "", online: false });
    } else if (roll < 0.5) {
      const description = `d${Math.floor(r() * 1e9)}`;
      body = await call(name, "Guest", "set", { guest_name: name, description });
      if (body.success) guest.description = description;
    } else if (roll < 0.7) {
      body = await call(name, "Guest.Action", guest.online ? "poweroff" : "poweron", { guest_name: name });
      if (body.success) guest.online = !guest.online;
    } else if (roll < 0.8 && !guest.online) {
      body = await call(name, "Guest", "delete", { guest_name: name });
      if (body.success) {
        model.guests.delete(name);
        model.gone.add(name);
      }
    } else {
      const image = `img-${id}-c${cycle.number}-${n++}@share/vdsm.pat`;
      body = await call(image, "Guest.Image", "create", {
        image_name: image,
        type: "vdsm",
        ds_file_path: "/share/vdsm.pat",
        storage_ids: JSON.stringify([BENCH_STORAGE_ID]),
      });
      if (body.success) model.images.add(image);
    }
  }
}

/** Checks the restarted emulator against the model; answers problems and adopts uncertain names as found. */
function compare(
  model: Model,
  inventory: Awaited<ReturnType<typeof readInventory>>,
  uncertain: Set<string>,
  cycle: number,
): string[] {
  const out: string[] = [];
  const byName = new Map(inventory.guests.map((g) => [g.guest_name, g]));
  for (const [name, want] of model.guests) {
    if (uncertain.has(name)) continue;
    const got = byName.get(name);
    if (got === undefined) out.push(`cycle ${cycle}: acknowledged guest ${name} is missing`);
    else {
      if (got.description !== want.description)
        out.push(
          `cycle ${cycle}: ${name} has description ${got.description}, acknowledged ${want.description}`,
        );
      const online = got.status === "running";
      if (online !== want.online)
        out.push(`cycle ${cycle}: ${name} is ${got.status}, acknowledged online=${want.online}`);
    }
  }
  for (const name of model.gone) {
    if (!uncertain.has(name) && byName.has(name)) out.push(`cycle ${cycle}: deleted guest ${name} is back`);
  }
  const images = new Set(inventory.images.map((i) => i.image_name));
  for (const name of model.images) {
    if (!uncertain.has(name) && !images.has(name))
      out.push(`cycle ${cycle}: acknowledged image ${name} is missing`);
  }
  // What an unanswered call did is whatever the emulator now shows.
  for (const name of uncertain) {
    const got = byName.get(name);
    if (got !== undefined) {
      model.guests.set(name, { description: got.description, online: got.status === "running" });
      model.gone.delete(name);
    } else if (model.guests.delete(name)) model.gone.add(name);
    if (images.has(name)) model.images.add(name);
    else model.images.delete(name);
  }
  return out;
}

/**
 * `runner` says how the CLI is started at each cycle (default: the sources through tsx, as the
 * soak runs; the test starts the compiled dist/, which starts in a third of the time).
 */
export async function runCrashCycles(
  cycles: number,
  seed: number,
  log: (line: string) => void,
  runner: Runner = "node",
): Promise<CrashReport> {
  const dir = mkdtempSync(join(tmpdir(), "vmm-crash-"));
  const dbPath = join(dir, "state.sqlite");
  const { path: fixturePath, fixture } = writeFixture(dir, 12);
  const model: Model = { guests: new Map(), gone: new Set(), images: new Set() };
  const problems: string[] = [];
  const counters = { acknowledged: 0, byCall: {} as Record<string, number> };
  let uncertainTotal = 0;
  const r = rng(seed);
  const start = () => spawnEmulator({ fixture: fixturePath, db: dbPath, timeScale: "instant", runner });
  let emulator: Child = await start();
  try {
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const sid = await login(emulator.url);
      const inflight = new Set<string>();
      // The kill follows this cycle's Nth acknowledged call (N = 0: at once).
      const killAfter = Math.floor(r() * MAX_CALLS_PER_CYCLE);
      let answered = 0;
      let due = () => {};
      const killTime = new Promise<void>((resolve) => {
        due = resolve;
      });
      const current: Cycle = {
        url: emulator.url,
        sid,
        number: cycle,
        model,
        inflight,
        counters,
        problems,
        acknowledged: () => {
          answered++;
          if (answered >= killAfter) due();
        },
      };
      const seeds = ["w1", "w2", "w3"].map((id) => [id, Math.floor(r() * 2 ** 31)] as const);
      const workers = seeds.map(([id, workerSeed]) =>
        worker(current, id, rng(workerSeed)).catch(
          () => undefined, // the kill ends every worker with a socket error
        ),
      );
      if (killAfter === 0) due();
      // Should every worker end first (the emulator died on its own), there is nothing to wait for.
      await Promise.race([killTime, Promise.all(workers)]);
      await emulator.stop("SIGKILL");
      await Promise.all(workers);
      const uncertain = new Set(inflight);
      uncertainTotal += uncertain.size;

      for (const p of fileViolations(dbPath)) problems.push(`cycle ${cycle}, file after the kill: ${p}`);
      emulator = await start();
      const inventory = await readInventory(emulator.url);
      for (const p of violations(inventory, fixture, true)) problems.push(`cycle ${cycle}: ${p}`);
      problems.push(...compare(model, inventory, uncertain, cycle));
      log(
        `cycle ${cycle}: ${model.guests.size} guests, ${model.images.size} images, ${counters.acknowledged} acknowledged, ${uncertain.size} uncertain`,
      );
      if (problems.length > 0) break;
    }
  } finally {
    await emulator.stop("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    cycles,
    acknowledged: counters.acknowledged,
    byCall: counters.byCall,
    uncertain: uncertainTotal,
    problems,
  };
}
