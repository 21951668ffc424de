/**
 * A CPU profile of the emulator under one load: `npx tsx bench/profile.ts <scenario> [seconds]`
 * with scenario `guest-get`, `guest-list`, `host-list`, `power-cycle` or `login`. The emulator
 * runs as its CLI (as in `npm run bench`) with V8's profiler on for the load only (10
 * connections of autocannon from this process; see bench/cpu-profile.ts), and the top
 * self-time functions are printed as a Markdown table; the profile itself is left in a temporary
 * folder (never commit it).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../server/config";
import { keyReady, login, loginQuery, vmm, vmmQuery } from "../test/support/client";
import { sleep, spawnEmulator } from "../test/support/processes";
import { writeSyntheticFixture } from "../test/support/synthetic-fixture";
import { compileWithTsc, runnersFor } from "./build";
import { fmt, runLoad, type Step } from "./load";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (name, file, line), largest first, with its share of the busy time. */
export function selfTimes(profile: Profile): { fn: string; ms: number; share: number }[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (node === undefined || node.callFrame.functionName === "(idle)") return;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.startsWith("file://") ? relative(PROJECT_ROOT, new URL(url).pathname) : url;
    const key = `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
    totals.set(key, (totals.get(key) ?? 0) + us);
    busy += us;
  });
  return [...totals].map(([fn, us]) => ({ fn, ms: us / 1000, share: us / busy })).sort((a, b) => b.ms - a.ms);
}

const cycleGuest = (connection: number) => `bench-${10 + connection}`;

async function main(): Promise<void> {
  const scenario = process.argv[2] ?? "guest-get";
  const seconds = Number(process.argv[3] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), "vmm-profile-"));
  const fixture = writeSyntheticFixture(dir, 50);
  const file = join(dir, `${scenario}.cpuprofile`);
  // Compiled by tsc, as `npm run bench` runs it (VMM_BENCH_RUNNER=tsx: through tsx's loader).
  const runners = runnersFor(
    process.env.VMM_BENCH_RUNNER === "tsx"
      ? undefined
      : compileWithTsc((line) => process.stderr.write(`${line}\n`)),
  );
  const emulator = await spawnEmulator({
    fixture,
    db: ":memory:",
    timeScale: "instant",
    runner: runners.emulator,
    nodeArgs: ["--import", runners.preload("cpu-profile")],
    env: { VMM_BENCH_PROFILE_FILE: file },
  });
  let requests = 0;
  try {
    await keyReady(emulator.url);
    const sid = await login(emulator.url);
    const entry = (q: URLSearchParams) => `/webapi/entry.cgi?${q}`;
    const sequences: Record<string, (c: number) => Step[]> = {
      "guest-get": () => [{ path: entry(vmmQuery(sid, "Guest", "get", { guest_name: "bench-20" })) }],
      "guest-list": () => [{ path: entry(vmmQuery(sid, "Guest", "list", { additional: "true" })) }],
      "host-list": () => [{ path: entry(vmmQuery(sid, "Host", "list")) }],
      "power-cycle": (c) => [
        { path: entry(vmmQuery(sid, "Guest.Action", "poweron", { guest_name: cycleGuest(c) })) },
        { path: entry(vmmQuery(sid, "Guest.Action", "poweroff", { guest_name: cycleGuest(c) })) },
      ],
      login: () => [{ path: `/webapi/auth.cgi?${loginQuery()}` }],
    };
    const sequence = sequences[scenario];
    if (sequence === undefined)
      throw new Error(`no scenario ${scenario}: ${Object.keys(sequences).join(", ")}`);
    const settle = async () => {
      for (let c = 0; c < 10; c++)
        await vmm(emulator.url, sid, "Guest.Action", "poweroff", { guest_name: cycleGuest(c) });
    };
    // Warm up (JIT) before the profile starts; a power cycle cut short leaves guests running.
    await runLoad({ url: emulator.url, pid: emulator.pid, seconds: 1, connections: 10, sequence });
    await settle();
    process.kill(emulator.pid, "SIGUSR2");
    const load = await runLoad({ url: emulator.url, pid: emulator.pid, seconds, connections: 10, sequence });
    process.kill(emulator.pid, "SIGUSR2");
    for (let i = 0; i < 200 && !existsSync(file); i++) await sleep(25);
    requests = load.requests;
    process.stderr.write(
      `${scenario} (${runners.name}): ${fmt(load.rps)} req/s, ${fmt(load.cpuUs)} µs of CPU per request, ${load.failures} failed\n`,
    );
    await settle();
  } finally {
    await emulator.stop();
  }
  if (!existsSync(file)) throw new Error(`no profile written to ${file}`);
  const top = selfTimes(JSON.parse(readFileSync(file, "utf8")) as Profile).slice(0, 20);
  const lines = [
    `Top self time, ${scenario} (${fmt(requests)} requests; profile in ${file}):`,
    "",
    "| Function | Self ms | Share of busy time | µs per request |",
    "|---|--:|--:|--:|",
    ...top.map(
      (t) =>
        `| \`${t.fn}\` | ${fmt(t.ms)} | ${fmt(t.share * 100, 1)} % | ${fmt((t.ms * 1000) / Math.max(1, requests), 1)} |`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `profile failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
