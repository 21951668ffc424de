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
import { benchColdStart, type ColdStartRow } from "./cold-start";
import { benchControlPlane, type ControlPlaneTiming } from "./control-plane";
import { writeSyntheticFixture } from "./fixtures";
import { fmt } from "./load";
import { benchScale, type ScaleResult } from "./scale";
import { benchStack, type StackRow } from "./stack";
import { benchWireMock, type WireMockRow } from "./wiremock";

const quick = process.argv.includes("--quick");
const settings = quick
  ? {
      rounds: 1,
      seconds: 2,
      connections: 10,
      coldRuns: 3,
      sizes: [10, 1_000, 10_000],
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
      creates: 1_000,
      concurrent: 1_000,
      controlRuns: 200,
    };

const log = (line: string) => process.stderr.write(`${line}\n`);

/** How a cost grows between two sizes: the exponent k of cost ~ size^k, in words. */
function growth(x1: number, y1: number, x2: number, y2: number): string {
  const k = Math.log(y2 / y1) / Math.log(x2 / x1);
  if (!Number.isFinite(k)) return "n/a";
  const word = k < 0.25 ? "constant" : k < 0.8 ? "sub-linear" : k <= 1.25 ? "linear" : "worse than linear";
  return `${word} (k = ${k.toFixed(2)})`;
}

const ms = (n: number) => fmt(n, n < 10 ? 2 : 0);

function stackTable(rows: StackRow[]): string[] {
  const out = [
    `## 1. The stack's limit: bare Hono + @hono/node-server answering the same bytes`,
    "",
    `${settings.rounds} alternating rounds of ${settings.seconds} s per server and scenario, ${settings.connections} connections, medians; each server in its own process, autocannon in a third.`,
    "",
    "| Scenario | Answer bytes | Bare req/s | Emulator req/s | Emulator / bare | Bare p50 / p99 ms | Emulator p50 / p99 ms | Failed answers |",
    "|---|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const r of rows) {
    out.push(
      `| ${r.scenario} | ${fmt(r.bytes)} | ${fmt(r.bare.rps)} | ${fmt(r.emulator.rps)} | ${fmt(r.emulator.rps / r.bare.rps, 2)}x | ${fmt(r.bare.p50)} / ${fmt(r.bare.p99)} | ${fmt(r.emulator.p50)} / ${fmt(r.emulator.p99)} | ${r.bare.failures + r.emulator.failures} |`,
    );
  }
  return out;
}

function wiremockTable(r: WireMockRow | undefined): string[] {
  if (r === undefined) return ["## 2. WireMock", "", "Skipped: no WireMock jar or no Java."];
  return [
    "## 2. What a user would pick instead: WireMock standalone serving the same Guest list as a static stub",
    "",
    `WireMock ${"3.13.2"} on Java (\`--no-request-journal --disable-request-logging\`), ${fmt(r.bytes)}-byte answer; the emulator computes it (50 guests, additional=true).`,
    "",
    "| | WireMock stub | Emulator | Emulator / WireMock |",
    "|---|--:|--:|--:|",
    `| Guest list req/s | ${fmt(r.wiremock.rps)} | ${fmt(r.emulator.rps)} | ${fmt(r.emulator.rps / r.wiremock.rps, 2)}x |`,
    `| p50 / p99 ms | ${fmt(r.wiremock.p50)} / ${fmt(r.wiremock.p99)} | ${fmt(r.emulator.p50)} / ${fmt(r.emulator.p99)} | |`,
    `| Cold start to first answered request, ms (median of ${settings.coldRuns}) | ${fmt(r.coldWireMockMs)} | ${fmt(r.coldEmulatorMs)} (first login) | ${fmt(r.coldEmulatorMs / r.coldWireMockMs, 2)}x |`,
  ];
}

function coldTable(rows: ColdStartRow[]): string[] {
  const out = [
    "## 3. Cold start: process start to first successful login",
    "",
    `Median of ${settings.coldRuns} runs each; default fixture grown to 50 guests.`,
    "",
    "| How it is started | State | Median ms | Fastest ms |",
    "|---|---|--:|--:|",
  ];
  for (const r of rows) out.push(`| ${r.runner} | ${r.state} | ${fmt(r.medianMs)} | ${fmt(r.minMs)} |`);
  return out;
}

function scaleTable(s: ScaleResult): string[] {
  const out = [
    "## 4. Scale",
    "",
    "| Guests | Start incl. seeding, ms | Guest list after a change, ms | Guest list unchanged, ms | Answer bytes | Peak RSS MiB |",
    "|--:|--:|--:|--:|--:|--:|",
  ];
  for (const r of s.lists) {
    out.push(
      `| ${fmt(r.guests)} | ${fmt(r.startMs)} | ${ms(r.rebuiltMs)} | ${ms(r.unchangedMs)} | ${fmt(r.bytes)} | ${fmt(r.peakRssMiB)} |`,
    );
  }
  const [mid, big] = [s.lists.at(-2), s.lists.at(-1)];
  if (mid !== undefined && big !== undefined) {
    out.push(
      "",
      `Growth from ${fmt(mid.guests)} to ${fmt(big.guests)} guests: list after a change ${growth(mid.guests, mid.rebuiltMs, big.guests, big.rebuiltMs)}; list unchanged ${growth(mid.guests, mid.unchangedMs, big.guests, big.unchangedMs)} (the answer itself grows linearly); peak RSS ${growth(mid.guests, mid.peakRssMiB, big.guests, big.peakRssMiB)}; start ${growth(mid.guests, mid.startMs, big.guests, big.startMs)}.`,
    );
  }
  out.push(
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
  ];
}

function targets(stack: StackRow[], wm: WireMockRow | undefined, s: ScaleResult): string[] {
  const list = stack[0];
  const big = s.lists.at(-1);
  const mark = (ok: boolean) => (ok ? "met" : "**missed**");
  const out = ["## Targets", ""];
  if (list !== undefined) {
    const ratio = list.emulator.rps / list.bare.rps;
    out.push(
      `- Guest list at least 0.5x the bare app on the same bytes: ${fmt(ratio, 2)}x, ${mark(ratio >= 0.5)}`,
    );
  }
  if (wm !== undefined) {
    out.push(
      `- Faster than WireMock at throughput: ${fmt(wm.emulator.rps / wm.wiremock.rps, 2)}x, ${mark(wm.emulator.rps > wm.wiremock.rps)}`,
      `- Faster than WireMock at cold start: ${fmt(wm.coldEmulatorMs)} ms vs ${fmt(wm.coldWireMockMs)} ms, ${mark(wm.coldEmulatorMs < wm.coldWireMockMs)}`,
    );
  }
  if (big !== undefined) {
    out.push(
      `- ${fmt(big.guests)} guests listed well under a second: ${ms(big.rebuiltMs)} ms after a change, ${mark(big.rebuiltMs < 500)}`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), "vmm-bench-"));
  const started = Date.now();
  try {
    const fixture = writeSyntheticFixture(workDir, 50);
    log("1/5 the stack's limit");
    const stack = await benchStack({ fixture, workDir, ...settings }, log);
    log("2/5 WireMock");
    const wm = await benchWireMock({ fixture, workDir, ...settings }, log);
    log("3/5 cold start");
    const cold = await benchColdStart({ fixture, workDir, runs: settings.coldRuns }, log);
    log("4/5 scale");
    const scale = await benchScale({ workDir, ...settings }, log);
    log("5/5 control plane");
    const controlPlane = await benchControlPlane(settings.controlRuns);
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
      `Run ${new Date(started).toISOString()} at commit ${commit}${quick ? " (--quick)" : ""}; Node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? "?"}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end; ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      "",
      ...stackTable(stack),
      "",
      ...wiremockTable(wm),
      "",
      ...coldTable(cold),
      "",
      ...scaleTable(scale),
      "",
      ...controlPlaneTable(controlPlane),
      "",
      ...targets(stack, wm, scale),
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
