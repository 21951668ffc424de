/**
 * Section 1, the stack's limit: the emulator against a bare Hono app answering the same bytes,
 * scenario by scenario, in alternating order over several rounds (medians reported), each server
 * in its own process, with autocannon (in this process) and wrk (when installed), each server's
 * CPU time per request read from /proc beside the request rates.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { getJson, keyReady, login, loginQuery, vmm, vmmQuery } from "../test/support/client";
import { type Child, spawnEmulator, spawnListening } from "../test/support/processes";
import type { Runners } from "./build";
import { type Generator, type LoadResult, medianResult, runLoad } from "./load";

export interface Pair {
  readonly bare: LoadResult;
  readonly emulator: LoadResult;
}

export interface StackRow {
  readonly scenario: string;
  /** What the targets call it. */
  readonly key: string;
  readonly bytes: number;
  readonly by: Partial<Record<Generator, Pair>>;
}

export interface StackOptions {
  readonly fixture: string;
  readonly workDir: string;
  readonly rounds: number;
  readonly seconds: number;
  readonly connections: number;
  readonly generators: readonly Generator[];
  readonly runners: Runners;
}

interface Scenario {
  readonly name: string;
  /** `api method` of the bare app's answer. */
  readonly key: string;
  /** The emulator's answer, captured once; the bare app serves these bytes. */
  readonly body: string;
  readonly sequence: (connection: number) => { path: string }[];
  /** Each connection has its own sequence (wrk then runs a thread per connection). */
  readonly perConnection?: boolean;
}

/** Guests the power cycle uses, one per connection, so cycles never collide (904/907). */
const cycleGuest = (connection: number) => `bench-${10 + connection}`;

async function scenarios(emulator: Child, sid: string): Promise<Scenario[]> {
  const path = (q: URLSearchParams, cgi = "entry.cgi") => `/webapi/${cgi}?${q}`;
  const list = vmmQuery(sid, "Guest", "list", { additional: "true" });
  const get = vmmQuery(sid, "Guest", "get", { guest_name: "bench-20" });
  // The web UI's dialect of the same list (Home Assistant polls it), at DSM 7.2's version 2.
  const internalList = new URLSearchParams({
    api: "SYNO.Virtualization.Guest",
    version: "2",
    method: "list",
    _sid: sid,
  });
  const hosts = vmmQuery(sid, "Host", "list");
  const tasks = vmmQuery(sid, "Task.Info", "list");
  const text = async (p: string) => (await getJson(`${emulator.url}${p}`)).text;
  return [
    {
      name: "Guest list additional=true (50 guests)",
      key: "SYNO.Virtualization.API.Guest list",
      body: await text(path(list)),
      sequence: () => [{ path: path(list) }],
    },
    {
      name: "internal Guest list v2 (50 guests, KiB, usage figures)",
      key: "SYNO.Virtualization.Guest list",
      body: await text(path(internalList)),
      sequence: () => [{ path: path(internalList) }],
    },
    {
      name: "Guest get",
      key: "SYNO.Virtualization.API.Guest get",
      body: await text(path(get)),
      sequence: () => [{ path: path(get) }],
    },
    {
      name: "Host list",
      key: "SYNO.Virtualization.API.Host list",
      body: await text(path(hosts)),
      sequence: () => [{ path: path(hosts) }],
    },
    {
      name: "Task.Info list",
      key: "SYNO.Virtualization.API.Task.Info list",
      body: await text(path(tasks)),
      sequence: () => [{ path: path(tasks) }],
    },
    {
      name: "login, correct password (scrypt N=2048)",
      key: "SYNO.API.Auth login",
      // As viewer: every login opens a session and an account keeps its 256 newest (as DSM caps
      // them), so thousands of admin logins would end the admin session the other scenarios use.
      body: await text(path(loginQuery("viewer", "viewer-pass"), "auth.cgi")),
      sequence: () => [{ path: path(loginQuery("viewer", "viewer-pass"), "auth.cgi") }],
    },
    {
      name: "poweron + poweroff (instant clock, 2 requests)",
      key: "SYNO.Virtualization.API.Guest.Action poweron",
      body: '{"success":true}',
      perConnection: true,
      sequence: (c) => [
        { path: path(vmmQuery(sid, "Guest.Action", "poweron", { guest_name: cycleGuest(c) })) },
        { path: path(vmmQuery(sid, "Guest.Action", "poweroff", { guest_name: cycleGuest(c) })) },
      ],
    },
  ];
}

/** Powers off whatever a cut-short cycle left running, so the next round starts from the same state. */
async function settle(url: string, sid: string, connections: number): Promise<void> {
  for (let c = 0; c < connections; c++) {
    const poweroff = () => vmm(url, sid, "Guest.Action", "poweroff", { guest_name: cycleGuest(c) });
    // Once more if the kept-alive socket was closed by the server as it was reused (undici's race).
    await poweroff().catch(poweroff);
  }
}

export async function benchStack(options: StackOptions, log: (line: string) => void): Promise<StackRow[]> {
  const emulator = await spawnEmulator({
    fixture: options.fixture,
    db: ":memory:",
    timeScale: "instant",
    runner: options.runners.emulator,
  });
  let bare: Child | undefined;
  try {
    await keyReady(emulator.url);
    const sid = await login(emulator.url);
    const list = await scenarios(emulator, sid);
    const answersFile = join(options.workDir, "bare-answers.json");
    const answers: Record<string, string> = {};
    for (const s of list) answers[s.key] = s.body;
    answers["SYNO.Virtualization.API.Guest.Action poweroff"] = '{"success":true}';
    writeFileSync(answersFile, JSON.stringify(answers));
    bare = await spawnListening(process.execPath, [...options.runners.script("bare-server"), answersFile]);

    const servers = { bare, emulator } as const;
    type Runs = { bare: LoadResult[]; emulator: LoadResult[] };
    const results = new Map<string, Runs>();
    const run = async (s: Scenario, which: keyof typeof servers, generator: Generator, seconds: number) => {
      const r = await runLoad(
        {
          url: servers[which].url,
          pid: servers[which].pid,
          seconds,
          connections: options.connections,
          sequence: s.sequence,
          perConnection: s.perConnection === true,
        },
        generator,
      );
      if (which === "emulator") await settle(emulator.url, sid, options.connections);
      return r;
    };
    // Warm both up (JIT, SQLite page cache) before anything is recorded.
    for (const s of list) {
      for (const generator of options.generators) {
        await run(s, "bare", generator, 1);
        await run(s, "emulator", generator, 1);
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const s of list) {
        const order: (keyof typeof servers)[] = round % 2 === 0 ? ["bare", "emulator"] : ["emulator", "bare"];
        for (const generator of options.generators) {
          const key = `${generator} ${s.name}`;
          const entry = results.get(key) ?? { bare: [], emulator: [] };
          for (const which of order) entry[which].push(await run(s, which, generator, options.seconds));
          results.set(key, entry);
        }
        log(`  stack round ${round + 1}/${options.rounds}: ${s.name}`);
      }
    }
    return list.map((s) => {
      const by: Partial<Record<Generator, Pair>> = {};
      for (const generator of options.generators) {
        const r = results.get(`${generator} ${s.name}`) ?? { bare: [], emulator: [] };
        by[generator] = { bare: medianResult(r.bare), emulator: medianResult(r.emulator) };
      }
      return { scenario: s.name, key: s.key, bytes: Buffer.byteLength(s.body), by };
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}; the emulator's stderr: ${emulator.stderr().slice(-2000)}`);
  } finally {
    await emulator.stop();
    await bare?.stop();
  }
}
