/**
 * `npm run bench`: every benchmark of docs/bench.md in one run on this machine, printed as a
 * Markdown table and written to bench/results/latest.md. Machines here are shared and noisy:
 * compare the ratios (measured side by side, alternating, medians of rounds), not the absolute
 * figures of two different runs. `--quick` shortens every section for a smoke run.
 */
import { execSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../server/config";
import { writeSyntheticFixture } from "../test/support/synthetic-fixture";
import { compileWithTsc, runnersFor } from "./build";
import { benchColdStart, type ColdStartRow } from "./cold-start";
import { benchControlPlane, type ControlPlaneTiming } from "./control-plane";
import { benchLifecycle, type LifecycleResult } from "./lifecycle";
import { fmt, type Generator, wrkPath } from "./load";
import { benchLogin, type LoginResult } from "./login";
import { benchScale, type ScaleResult, type SizeRow } from "./scale";
import { benchStack, type StackRow } from "./stack";
import { benchWireMock, type WireMockRow } from "./wiremock";

const quick = process.argv.includes("--quick");
/** `--lifecycle`: section 0 alone (start, stop, in-process start), a minute or two. */
const lifecycleOnly = process.argv.includes("--lifecycle");
/** `--stack`: section 1 alone (the stack's limit, CPU µs per request beside the bare app), a few minutes. */
const stackOnly = process.argv.includes("--stack");
const settings = quick
  ? {
      rounds: 1,
      seconds: 2,
      connections: 10,
      coldRuns: 3,
      sizes: [10, 1_000, 10_000],
      samples: 3,
      creates: 200,
      concurrent: 1_000,
      controlRuns: 50,
    }
  : {
      rounds: 3,
      seconds: 3,
      connections: 10,
      coldRuns: 5,
      sizes: [10, 1_000, 10_000],
      samples: 7,
      creates: 1_000,
      concurrent: 1_000,
      controlRuns: 200,
    };

const WRK_MISSING =
  "wrk is not installed, so only autocannon ran: `apt-get install wrk` (Debian, Ubuntu) or `brew install wrk` (macOS), then run `npm run bench` again.";

const log = (line: string) => process.stderr.write(`${line}\n`);
/** How the servers ran (see bench/build.ts), for the tables' headers. */
let runnerName = "tsx";

/** How a cost grows between two sizes: the exponent k of cost ~ size^k, in words. */
function growth(x1: number, y1: number, x2: number, y2: number): string {
  const k = Math.log(y2 / y1) / Math.log(x2 / x1);
  if (!Number.isFinite(k)) return "n/a";
  const word = k < 0.25 ? "constant" : k < 0.8 ? "sub-linear" : k <= 1.25 ? "linear" : "worse than linear";
  return `${word} (k = ${k.toFixed(2)})`;
}

const ms = (n: number) => fmt(n, n < 10 ? 2 : 0);
const ratio = (n: number) => `${fmt(n, 2)}x`;
const mark = (ok: boolean) => (ok ? "met" : "**missed**");

function lifecycleTable(r: LifecycleResult, before: LifecycleResult | undefined): string[] {
  const vsHello = (x: LifecycleResult, n: number) => ratio(n / x.startHello);
  const stopOf = (x: LifecycleResult) =>
    `${ms(x.stopAt["0"])} / ${ms(x.stopAt["100"])} / ${ms(x.stopAt["1000"])} ms`;
  const stop = Math.max(r.stopAt["0"], r.stopAt["100"], r.stopAt["1000"]);
  const npmCost = (x: LifecycleResult) => x.npmStart - x.npmCompiled;
  const rows: [string, (x: LifecycleResult) => string, string][] = [
    [
      "Start to ready, defaults (HTTPS on), vs the hello",
      (x) => `${ms(x.startHttps)} ms, ${vsHello(x, x.startHttps)}`,
      `≤ 1.5x, ${mark(r.startHttps / r.startHello <= 1.5)}`,
    ],
    [
      "Start to ready, HTTPS off, vs the hello",
      (x) => `${ms(x.startHttp)} ms, ${vsHello(x, x.startHttp)}`,
      "",
    ],
    ["The bare hello itself", (x) => `${ms(x.startHello)} ms`, ""],
    [
      "`npm start` to ready, over the compiled command",
      (x) => `+${ms(npmCost(x))} ms (${ms(x.npmStart)} / ${ms(x.npmCompiled)})`,
      `≤ +150 ms, ${mark(npmCost(r) <= 150)}`,
    ],
    ["Stop at the ready line / 100 ms / 1 s after", stopOf, `≤ 50 ms, ${mark(stop <= 50)}`],
    [
      "A later in-process `startEmulator()`",
      (x) =>
        `${ms(x.inProcess.laterMs)} ms, ${fmt(x.inProcess.perEmulatorKiB)} KiB (first ${ms(x.inProcess.firstMs)} ms)`,
      `≤ 10 ms, ${mark(r.inProcess.laterMs <= 10)}`,
    ],
  ];
  return [
    "## 0. Start, stop and a fresh emulator",
    "",
    `Spawn to the ready line of \`node dist/server/cli.js\` (in memory, ports 0) and of a bare Hono hello compiled and started the same way, medians of ${settings.coldRuns} runs each${before === undefined ? "" : ", each run of this checkout alternating with the same run of the one before (VMM_BENCH_BEFORE)"}. A stop is SIGTERM to the process's exit. In-process: \`startEmulator()\` of the compiled package in a fresh process, the first call, then the median of 20 later ones, and the memory (heap, external, buffers, after a GC) each of 20 open emulators holds.`,
    "",
    before === undefined ? "| What | Now | Target |" : "| What | Before | Now | Target |",
    before === undefined ? "|---|--:|---|" : "|---|--:|--:|---|",
    ...rows.map(([what, of, target]) =>
      before === undefined
        ? `| ${what} | ${of(r)} | ${target} |`
        : `| ${what} | ${of(before)} | ${of(r)} | ${target} |`,
    ),
  ];
}

function stackTable(rows: StackRow[], generators: readonly Generator[]): string[] {
  const out = [
    "## 1. The stack's limit: bare Hono + @hono/node-server answering the same bytes",
    "",
    `${settings.rounds} alternating rounds of ${settings.seconds} s per server, scenario and load generator, ${settings.connections} connections, medians; each server in its own process. autocannon runs in the bench's node process; wrk is a C program (one thread, or one per connection where each needs its own guest). CPU µs per request is each server's own user + system time from /proc over the run, divided by the requests answered: the steadiest figure on a shared machine.`,
  ];
  for (const generator of generators) {
    out.push(
      "",
      `### With ${generator}`,
      "",
      "| Scenario | Answer bytes | Bare req/s | Emulator req/s | Emulator / bare | CPU µs per request, bare / emulator | Bare p50 / p99 ms | Emulator p50 / p99 ms | Failed answers |",
      "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    );
    for (const r of rows) {
      const p = r.by[generator];
      if (p === undefined) continue;
      out.push(
        `| ${r.scenario} | ${fmt(r.bytes)} | ${fmt(p.bare.rps)} | ${fmt(p.emulator.rps)} | ${ratio(p.emulator.rps / p.bare.rps)} | ${fmt(p.bare.cpuUs)} / ${fmt(p.emulator.cpuUs)} | ${fmt(p.bare.p50)} / ${fmt(p.bare.p99)} | ${fmt(p.emulator.p50, 1)} / ${fmt(p.emulator.p99)} | ${p.bare.failures + p.emulator.failures} |`,
      );
    }
  }
  if (!generators.includes("wrk")) out.push("", WRK_MISSING);
  return out;
}

function wiremockTable(r: WireMockRow | undefined): string[] {
  if (r === undefined) return ["## 2. WireMock", "", "Skipped: no WireMock jar or no Java."];
  return [
    "## 2. What a user would pick instead: WireMock standalone serving the same Guest list as a static stub",
    "",
    `WireMock ${"3.13.2"} on Java (\`--no-request-journal --disable-request-logging\`), ${fmt(r.bytes)}-byte answer; the emulator computes it (50 guests, additional=true). autocannon.`,
    "",
    "| | WireMock stub | Emulator | Emulator / WireMock |",
    "|---|--:|--:|--:|",
    `| Guest list req/s | ${fmt(r.wiremock.rps)} | ${fmt(r.emulator.rps)} | ${ratio(r.emulator.rps / r.wiremock.rps)} |`,
    `| CPU µs per request | ${fmt(r.wiremock.cpuUs)} | ${fmt(r.emulator.cpuUs)} | |`,
    `| p50 / p99 ms | ${fmt(r.wiremock.p50)} / ${fmt(r.wiremock.p99)} | ${fmt(r.emulator.p50)} / ${fmt(r.emulator.p99)} | |`,
    `| Cold start to first answered request, ms (median of ${settings.coldRuns}) | ${fmt(r.coldWireMockMs)} | ${fmt(r.coldEmulatorMs)} (first login) | ${ratio(r.coldEmulatorMs / r.coldWireMockMs)} |`,
  ];
}

/** The emulator's in-memory start against the bare hello started the same way. */
function coldPairs(rows: ColdStartRow[]): { runner: string; emulator: number; hello: number }[] {
  const hello = (prefix: string) => rows.find((r) => r.server !== "emulator" && r.runner.startsWith(prefix));
  const emulator = (prefix: string) =>
    rows.find((r) => r.server === "emulator" && r.state === "in memory" && r.runner.startsWith(prefix));
  const pairs: { runner: string; emulator: number; hello: number }[] = [];
  for (const prefix of ["`npm start`", "node --import tsx", "node, compiled by tsc"]) {
    const e = emulator(prefix);
    const h = hello(prefix);
    if (e !== undefined && h !== undefined)
      pairs.push({ runner: prefix, emulator: e.medianMs, hello: h.medianMs });
  }
  return pairs;
}

function coldTable(rows: ColdStartRow[]): string[] {
  const out = [
    "## 3. Cold start: process start to the first successful login (the bare hello: its first answer)",
    "",
    `Median of ${settings.coldRuns} runs each; default fixture grown to 50 guests. "Compiled by tsc" is bench/tsconfig.json's build into bench/results/compiled (one file per module, as a build to dist/ gives).`,
    "",
    "| Server | How it is started | State | Median ms | Fastest ms |",
    "|---|---|---|--:|--:|",
  ];
  for (const r of rows)
    out.push(`| ${r.server} | ${r.runner} | ${r.state} | ${fmt(r.medianMs)} | ${fmt(r.minMs)} |`);
  out.push(
    "",
    "| Started as | Emulator (in memory), ms | Bare hello, ms | Emulator / hello |",
    "|---|--:|--:|--:|",
  );
  for (const p of coldPairs(rows))
    out.push(`| ${p.runner} | ${fmt(p.emulator)} | ${fmt(p.hello)} | ${ratio(p.emulator / p.hello)} |`);
  return out;
}

const COSTS: { label: string; of: (r: SizeRow) => number }[] = [
  { label: "Start incl. seeding, ms", of: (r) => r.startMs },
  { label: "Guest list after a change, ms", of: (r) => r.rebuiltMs },
  { label: "Guest list unchanged, ms", of: (r) => r.unchangedMs },
  { label: "Guest get, ms", of: (r) => r.getMs },
  { label: "poweron, ms", of: (r) => r.poweronMs },
  { label: "poweroff, ms", of: (r) => r.poweroffMs },
  { label: "Guest create through its task, ms", of: (r) => r.createMs },
  { label: "reset (control plane, HTTP), ms", of: (r) => r.resetMs },
  { label: "fixture load (control plane, HTTP), ms", of: (r) => r.fixtureLoadMs },
  { label: "Guest list answer, bytes", of: (r) => r.bytes },
  { label: "Resident memory once started, MiB", of: (r) => r.restRssMiB },
  { label: "Peak resident memory, MiB", of: (r) => r.peakRssMiB },
];

/** KiB of resident memory each guest adds, between the smallest and the largest inventory. */
function kibPerGuest(s: ScaleResult, of: (r: SizeRow) => number): number {
  const [small, big] = [s.sizes[0], s.sizes.at(-1)];
  if (small === undefined || big === undefined || big.guests === small.guests) return Number.NaN;
  return ((of(big) - of(small)) * 1024) / (big.guests - small.guests);
}

function scaleTable(s: ScaleResult): string[] {
  const sizes = s.sizes;
  const out = [
    "## 4. Scale",
    "",
    `Each inventory in an emulator of its own (instant time), medians of ${settings.samples} samples; latencies to the last byte of the answer over HTTP (keep-alive), read and not parsed. poweron, poweroff and Guest get act on one generated guest; create goes through its task (create, then Task.Info get until it finished).`,
    "",
    `| Cost | ${sizes.map((r) => `${fmt(r.guests)} guests`).join(" | ")} | ${sizes
      .slice(1)
      .map((r, i) => `${fmt(sizes[i]?.guests ?? 0)} → ${fmt(r.guests)}`)
      .join(" | ")} |`,
    `|---|${sizes.map(() => "--:").join("|")}|${sizes
      .slice(1)
      .map(() => "---")
      .join("|")}|`,
  ];
  for (const c of COSTS) {
    const values = sizes.map((r) => c.of(r));
    const grows = sizes.slice(1).map((r, i) => {
      const prev = sizes[i];
      return prev === undefined ? "n/a" : growth(prev.guests, c.of(prev), r.guests, c.of(r));
    });
    out.push(
      `| ${c.label} | ${values.map((v) => (c.label.endsWith("bytes") ? fmt(v) : ms(v))).join(" | ")} | ${grows.join(" | ")} |`,
    );
  }
  out.push(
    "",
    `Memory per guest: ${fmt(
      kibPerGuest(s, (r) => r.restRssMiB),
      1,
    )} KiB resident once started, ${fmt(
      kibPerGuest(s, (r) => r.peakRssMiB),
      1,
    )} KiB at the peak (which includes building the largest answer), between ${fmt(sizes[0]?.guests ?? 0)} and ${fmt(sizes.at(-1)?.guests ?? 0)} guests.`,
    "",
    "| Guests created through their tasks (instant time) | Total ms | Per create, first tenth, ms | Per create, last tenth, ms |",
    "|---|--:|--:|--:|",
  );
  for (const c of s.creates)
    out.push(`| ${c.label} | ${fmt(c.totalMs)} | ${ms(c.firstMs)} | ${ms(c.lastMs)} |`);
  const c = s.concurrent;
  out.push(
    "",
    "| Concurrent tasks (realtime: each runs 5 s) | |",
    "|---|--:|",
    `| ${fmt(c.tasks)} creates sent at once: burst answered in, ms | ${fmt(c.burstMs)} (p99 ${fmt(c.p99Ms)}) |`,
    `| Tasks started | ${fmt(c.finished)} |`,
    `| Guest list after a change, no task running (50 guests), ms | ${ms(c.listIdleMs)} |`,
    `| Guest list after a change, ${fmt(c.tasks)} tasks running (${fmt(c.tasks + 50)} guests listed), ms | ${ms(c.listBusyMs)} |`,
    `| Task.Info get with ${fmt(c.tasks)} tasks running, ms | ${ms(c.taskGetMs)} |`,
  );
  return out;
}

function controlPlaneTable(t: ControlPlaneTiming): string[] {
  return [
    "## 5. The control plane between tests: reset and snapshot restore",
    "",
    `Default fixture, median of ${fmt(t.runs)} calls after 20 warm-up calls.`,
    "",
    "| Operation | In-process, ms | Over HTTP (keep-alive), ms |",
    "|---|--:|--:|",
    `| reset | ${ms(t.resetInProcessMs)} | ${ms(t.resetHttpMs)} |`,
    `| snapshot restore | ${ms(t.restoreInProcessMs)} | ${ms(t.restoreHttpMs)} |`,
    "",
    `A fixture load of ${fmt(t.load.guests)} guests step by step, in the bench's process (median of 5, after one that hashes the passwords):`,
    "",
    "| Step | ms |",
    "|---|--:|",
    ...t.load.steps.map((s) => `| ${s.step} | ${ms(s.ms)} |`),
  ];
}

function loginTable(l: LoginResult): string[] {
  const out = [
    "## 6. Logins: the hash, and the event loop while clients log in",
    "",
    `scrypt (N=2048, 32 bytes) costs ${ms(l.hashMs)} ms of CPU here. One client logging in again and again (median of 50 after 3): correct password ${ms(l.correctMs)} ms, wrong password ${ms(l.wrongMs)} ms, unknown account ${ms(l.unknownMs)} ms.`,
    "",
    `autocannon, ${settings.seconds} s each, auto-block off, the server's event loop watched by bench/loop-delay.ts. "Loop held per call" is the CPU time of the server's main thread (/proc/<pid>/task/<pid>/stat) divided by the calls answered: how long each call kept every other call waiting, whatever the thread pool did beside it. A stall is how long no timer could run, sampled every millisecond; it also counts the time the process waited for a processor, which on 2 shared cores is the machine's noise (see Guest get). With one connection each call runs alone; with ${settings.connections}, calls arriving together are answered in one turn of the loop and their stalls add up, whatever the call.`,
    "",
    "| Load | Connections | req/s | CPU µs per request | Loop held per call, µs | p50 / p99 ms | Longest stall, ms | p99 stall, ms |",
    "|---|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const { label, connections, load, loop } of l.loads)
    out.push(
      `| ${label} | ${connections} | ${fmt(load.rps)} | ${fmt(load.cpuUs)} | ${fmt(load.loopUs)} | ${fmt(load.p50, 1)} / ${fmt(load.p99)} | ${fmt(loop.maxStallMs, 2)} | ${fmt(loop.p99StallMs, 2)} |`,
    );
  return out;
}

function targets(
  stack: StackRow[],
  generators: readonly Generator[],
  wm: WireMockRow | undefined,
  cold: ColdStartRow[],
  s: ScaleResult,
  l: LoginResult,
): string[] {
  const out = ["## Targets", ""];
  const byKey = (key: string) => stack.find((r) => r.key === key);
  const ratios = (row: StackRow, floor: number) => {
    const parts = generators.map((g) => {
      const p = row.by[g];
      return {
        g,
        r: p === undefined ? Number.NaN : p.emulator.rps / p.bare.rps,
        failed: p === undefined ? 0 : p.bare.failures + p.emulator.failures,
      };
    });
    // A rate of error answers is no rate of the call: such a ratio never meets a target.
    const failed = parts.reduce((n, p) => n + p.failed, 0);
    const ok = parts.every((p) => p.r >= floor) && generators.includes("wrk") && failed === 0;
    return `${parts.map((p) => `${ratio(p.r)} (${p.g})`).join(", ")}, ${mark(ok)}${generators.includes("wrk") ? "" : " (wrk not run)"}${failed === 0 ? "" : ` (${fmt(failed)} failed answers: not a measure of the call)`}`;
  };
  for (const [key, name] of [
    ["SYNO.Virtualization.API.Guest list", "Guest list"],
    ["SYNO.Virtualization.Guest list", "internal Guest list"],
    ["SYNO.Virtualization.API.Guest get", "Guest get"],
    ["SYNO.Virtualization.API.Host list", "Host list"],
    ["SYNO.Virtualization.API.Task.Info list", "Task.Info list"],
  ] as const) {
    const row = byKey(key);
    if (row !== undefined)
      out.push(`- ${name} at least 0.6x the bare stack with both load generators: ${ratios(row, 0.6)}`);
  }
  const power = byKey("SYNO.Virtualization.API.Guest.Action poweron");
  if (power !== undefined) out.push(`- Power cycle at least 0.3x: ${ratios(power, 0.3)}`);
  const loginRow = byKey("SYNO.API.Auth login");
  if (loginRow !== undefined) {
    const rates = generators.map((g) => ({ g, rps: loginRow.by[g]?.emulator.rps ?? Number.NaN }));
    out.push(
      `- Login at least 3,000/s on a correct password: ${rates.map((r) => `${fmt(r.rps)}/s (${r.g})`).join(", ")}, ${mark(rates.every((r) => r.rps >= 3000))}`,
    );
  }
  out.push(
    `- A wrong password still pays the full hash: ${ms(l.wrongMs)} ms a login against ${ms(l.hashMs)} ms of scrypt, ${mark(l.wrongMs >= l.hashMs)}; an unknown account ${ms(l.unknownMs)} ms`,
  );
  const logins = l.loads.filter((x) => x.label.startsWith("login"));
  const held = Math.max(...logins.map((x) => x.load.loopUs));
  const alone = l.loads.filter((x) => x.connections === 1);
  const p99 = Math.max(...alone.filter((x) => x.label.startsWith("login")).map((x) => x.loop.p99StallMs));
  const reference = alone.find((x) => !x.label.startsWith("login"))?.loop;
  out.push(
    `- No login blocks other calls for more than a millisecond: a login holds the event loop ${fmt(held)} µs at most (correct or wrong password, 1 or ${settings.connections} clients), ${mark(held <= 1000)}; one client logging in without pause sees p99 stalls of ${fmt(p99, 2)} ms, against ${fmt(reference?.p99StallMs ?? Number.NaN, 2)} ms with Guest get alone (the machine's noise)`,
  );
  const sizes = s.sizes;
  const [small, big] = [sizes[0], sizes.at(-1)];
  if (small !== undefined && big !== undefined) {
    const n = fmt(big.guests);
    const flat = (label: string, of: (r: SizeRow) => number) => {
      const r = of(big) / of(small);
      return `- ${label} flat in the number of guests (${fmt(small.guests)} → ${n} within 2x): ${ms(of(small))} → ${ms(of(big))} ms (${ratio(r)}), ${mark(r <= 2)}`;
    };
    out.push(
      `- Guest list after a change at ${n} guests at most 40 ms: ${ms(big.rebuiltMs)} ms, ${mark(big.rebuiltMs <= 40)}`,
      flat("poweron", (r) => r.poweronMs),
      flat("Guest create", (r) => r.createMs),
      `- reset at ${n} guests at most 60 ms: ${ms(big.resetMs)} ms, ${mark(big.resetMs <= 60)}`,
      `- fixture load at ${n} guests at most 60 ms: ${ms(big.fixtureLoadMs)} ms, ${mark(big.fixtureLoadMs <= 60)}`,
    );
  }
  for (const p of coldPairs(cold).filter((x) => x.runner !== "node --import tsx")) {
    out.push(
      `- Cold start to the first login at most 1.5x a bare Hono hello started the same way (${p.runner}): ${fmt(p.emulator)} ms against ${fmt(p.hello)} ms (${ratio(p.emulator / p.hello)}), ${mark(p.emulator / p.hello <= 1.5)}`,
    );
  }
  out.push("- Every cost line states how it grows with its exponent, and memory per guest: section 4");
  if (wm !== undefined) {
    out.push(
      `- Faster than WireMock at throughput: ${ratio(wm.emulator.rps / wm.wiremock.rps)}, ${mark(wm.emulator.rps > wm.wiremock.rps)}`,
      `- Faster than WireMock at cold start: ${fmt(wm.coldEmulatorMs)} ms vs ${fmt(wm.coldWireMockMs)} ms, ${mark(wm.coldEmulatorMs < wm.coldWireMockMs)}`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), "vmm-bench-"));
  const started = Date.now();
  try {
    const fixture = writeSyntheticFixture(workDir, 50);
    const generators: Generator[] = wrkPath() === undefined ? ["autocannon"] : ["autocannon", "wrk"];
    if (!generators.includes("wrk")) log(WRK_MISSING);
    log("0/6 compiling with tsc");
    const build = compileWithTsc(log);
    const runners = runnersFor(build);
    if (stackOnly) {
      runnerName = runners.name;
      const stack = await benchStack({ fixture, workDir, ...settings, generators, runners }, log);
      process.stdout.write(`${stackTable(stack, generators).join("\n")}\n`);
      return;
    }
    log("0/6 start, stop and in-process start");
    const lifecycle = await benchLifecycle(
      settings.coldRuns,
      runners.script("hello"),
      log,
      process.env.VMM_BENCH_BEFORE || undefined,
    );
    if (lifecycleOnly) {
      process.stdout.write(`${lifecycleTable(lifecycle.now, lifecycle.before).join("\n")}\n`);
      return;
    }
    runnerName = runners.name;
    log("1/6 the stack's limit");
    const stack = await benchStack({ fixture, workDir, ...settings, generators, runners }, log);
    log("2/6 WireMock");
    const wm = await benchWireMock({ fixture, workDir, ...settings, runner: runners.emulator }, log);
    log("3/6 cold start");
    const cold = await benchColdStart({ fixture, workDir, runs: settings.coldRuns, build }, log);
    log("4/6 scale");
    const scale = await benchScale({ workDir, ...settings, runner: runners.emulator }, log);
    log("5/6 control plane");
    const controlPlane = await benchControlPlane(settings.controlRuns, settings.sizes.at(-1) ?? 10_000);
    log("6/6 logins");
    const logins = await benchLogin({ fixture, workDir, ...settings, runners }, log);
    let commit = "unknown";
    try {
      commit = execSync("git rev-parse --short HEAD", { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
    } catch {
      // not a git checkout
    }
    const cpu = cpus();
    const lines = [
      "# Benchmarks",
      "",
      `Run ${new Date(started).toISOString()} at commit ${commit}${quick ? " (--quick)" : ""}; servers run ${runnerName === "compiled" ? "compiled by tsc (bench/build.ts)" : "through tsx's loader (VMM_BENCH_RUNNER=tsx)"} except in section 3; Node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? "?"}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end; ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      "",
      ...lifecycleTable(lifecycle.now, lifecycle.before),
      "",
      ...stackTable(stack, generators),
      "",
      ...wiremockTable(wm),
      "",
      ...coldTable(cold),
      "",
      ...scaleTable(scale),
      "",
      ...controlPlaneTable(controlPlane),
      "",
      ...loginTable(logins),
      "",
      ...targets(stack, generators, wm, cold, scale, logins),
      "",
    ];
    const markdown = lines.join("\n");
    process.stdout.write(markdown);
    const resultsDir = join(PROJECT_ROOT, "bench", "results");
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, "latest.md"), markdown);
    log(`written to ${join(resultsDir, "latest.md")}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
