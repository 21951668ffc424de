#!/usr/bin/env node
/**
 * The kit's command line.
 *
 *   run                      the suite against the target (default: a fresh in-process emulator)
 *   sweep --run-id X | --all [--dry-run]   remove what run X (or every earlier run) left on a NAS
 *   record [--source TEXT]   run against a NAS and store a normalised recording
 *   replay [FILE...]         check the emulator against recordings (default: all of them)
 *   capture --out FILE [--anonymise] [--fixture-password P]
 *                            read a NAS's inventory (reads only) into a fixture for --fixture
 *
 * Exit codes: 0 all good; 1 a failure (scenario, cleanup, residue, inventory change, stale
 * expectation, replay difference); 2 bad usage or settings; 3 no failure but something
 * indeterminate (a wait ran out of time).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCapture } from "./capture/command";
import { runPrefix } from "./client/ledger";
import { ALL_SCENARIOS } from "./emulator/scenarios";
import { loadRecording, Recorder } from "./record/recording";
import { RECORDINGS, recordingFiles, replay } from "./record/replay";
import { JOURNAL_SCENARIO, replayJournal } from "./record/replay-journal";
import { writeReports } from "./report/write";
import { globToRegExp } from "./runner/expectations";
import { type RunResult, verdictOf } from "./runner/run";
import { runSuite } from "./suite";
import { type SweepResult, sweep, sweepAll } from "./sweep";
import { resolveTarget, type TargetConfig, TargetConfigError } from "./target";

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

function exitCode(result: RunResult): number {
  return { PASS: 0, FAIL: 1, INDETERMINATE: 3 }[verdictOf(result)];
}

/**
 * Ctrl-C or SIGTERM: the first one stops the run after the call in flight, then cleanup and the
 * reports still happen; a second one quits at once (then `npm run sweep -- --all`).
 */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  const stop = (signal: string) => {
    if (controller.signal.aborted) {
      console.error(
        `${signal} again: quitting without cleanup; remove leftovers with npm run sweep -- --all`,
      );
      process.exit(130);
    }
    console.error(`${signal}: stopping after the call in flight, then cleaning up and writing the reports`);
    controller.abort();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  return controller.signal;
}

const HELP = `vmm-conformance: the conformance kit of the Synology VMM emulator

usage: vmm-conformance <command> [options]   (from a clone: npm run conformance -- ...)

commands:
  run [--only <glob>]              the suite against the target (default: a fresh in-process emulator)
  sweep --run-id <id> | --all [--dry-run]
                                   remove what run <id> (or every earlier run) left on a NAS
  record [--source <text>]         run against a NAS and store a normalised recording
  replay [file...]                 check the emulator against recordings (default: all of them)
  capture --out <file> [--anonymise] [--fixture-password <p>]
                                   read a NAS's inventory into a fixture the emulator loads
  help, --help, -h                 this text

The target and its safety are set by the environment (docs/conformance.md):
  VMM_CONFORMANCE_TARGET=emulator|nas, VMM_NAS_URL, VMM_NAS_ACCOUNT, VMM_NAS_PASSWORD,
  VMM_CONFORMANCE_TIER, VMM_CONFORMANCE_ALLOW_OWNED, VMM_CONFORMANCE_ALLOW_DISRUPTIVE,
  VMM_CONFORMANCE_ONLY (a glob over scenario ids, as --only), VMM_CONFORMANCE_REPORT_DIR,
  VMM_CONFORMANCE_CONFIG (a JSON file of the same settings).

Exit codes: 0 all good; 1 a failure; 2 bad usage or settings (a filter that matches no
scenario too); 3 no failure but something indeterminate.`;

/** The scenario ids a filter leaves, or the message when it leaves none (a typo runs nothing). */
function emptyFilter(only: string | undefined): string | undefined {
  if (only === undefined) return undefined;
  const pattern = globToRegExp(only);
  const ids = ALL_SCENARIOS.map((s) => s.id);
  if (ids.some((id) => pattern.test(id))) return undefined;
  return `no scenario matches ${JSON.stringify(only)}; the ${ids.length} scenarios are:\n  ${ids.join("\n  ")}`;
}

async function run(config: TargetConfig): Promise<number> {
  const empty = emptyFilter(config.only);
  if (empty !== undefined) {
    console.error(empty);
    return 2;
  }
  const result = await runSuite(config, { log: (line) => console.log(line), signal: interruptible() });
  const files = writeReports(result, config.reportDir);
  summarise(result);
  console.log(`reports: ${files.join(", ")}`);
  return exitCode(result);
}

function summarise(result: RunResult): void {
  const counts = new Map<string, number>();
  for (const s of result.scenarios) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  console.log(
    `${verdictOf(result)} run ${result.runId} in ${(result.durationMs / 1000).toFixed(1)} s: ` +
      [...counts].map(([k, v]) => `${v} ${k}`).join(", "),
  );
  if (result.setupError !== undefined) console.log(`setup failed: ${result.setupError}`);
  if (result.interrupted) console.log("interrupted: the remaining scenarios did not run; cleanup ran");
  console.log(`refused logins during the run: ${result.failedLogins} (DSM's auto-block: 10 in 5 minutes)`);
  for (const f of result.cleanupFailures) console.log(`cleanup failed: ${f.step}: ${f.error}`);
  for (const r of result.residue) console.log(`left behind: ${r}`);
  for (const c of result.inventoryChanges) console.log(`pre-existing inventory changed: ${c}`);
  for (const p of result.staleExpectations) console.log(`stale expectation (matches no scenario): ${p}`);
  for (const w of result.wireDifferences) console.log(`the wire differs: ${w}`);
}

async function record(config: TargetConfig, source: string): Promise<number> {
  if (config.kind !== "nas") {
    console.error(
      "record needs a NAS target (VMM_CONFORMANCE_TARGET=nas): recordings say how real DSM answers",
    );
    return 2;
  }
  const recorder = new Recorder();
  const result = await runSuite(config, {
    log: (line) => console.log(line),
    signal: interruptible(),
    onExchange: recorder.onExchange,
    onScenario: recorder.onScenario,
  });
  summarise(result);
  if (result.setupError !== undefined) {
    console.error("nothing recorded: the run could not start");
    return 1;
  }
  const recording = recorder.recording(result, runPrefix(result.runId), source);
  mkdirSync(RECORDINGS, { recursive: true });
  const slug = `${recording.model}-${recording.dsm_version}-${recording.recorded_at}`.replace(
    /[^A-Za-z0-9.+-]+/g,
    "_",
  );
  const path = join(RECORDINGS, `${slug}.json`);
  writeFileSync(path, `${JSON.stringify(recording, null, 2)}\n`);
  console.log(`recording: ${path} (${recording.exchanges.length} exchanges)`);
  return result.ok ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === "help" || command === "--help" || command === "-h" || args.includes("--help")) {
    console.log(HELP);
    return 0;
  }
  let config: TargetConfig;
  try {
    const only = flag(args, "--only");
    config = resolveTarget(only === undefined ? process.env : { ...process.env, VMM_CONFORMANCE_ONLY: only });
  } catch (err) {
    if (err instanceof TargetConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  switch (command) {
    case "run":
      return run(config);
    case "sweep": {
      const runId = flag(args, "--run-id");
      const all = args.includes("--all");
      if (runId === undefined && !all) {
        console.error("usage: npm run sweep -- --run-id <id> | --all [--dry-run]");
        return 2;
      }
      const dryRun = args.includes("--dry-run");
      let results: Map<string, SweepResult>;
      try {
        results =
          runId === undefined
            ? await sweepAll(config, dryRun)
            : new Map([[runId, await sweep(config, runId, dryRun)]]);
      } catch (err) {
        console.error(err instanceof Error ? err.message : String(err));
        return 2;
      }
      if (results.size === 0) console.log("nothing of any run is left");
      let failed = false;
      for (const [id, result] of results) {
        for (const f of result.found) console.log(`${dryRun ? "would remove" : "found"}: ${f}`);
        for (const r of result.removed) console.log(`removed: ${r}`);
        for (const o of result.outsidePrefix)
          console.log(`names run ${id} but is outside its prefix, left alone: ${o}`);
        for (const f of result.failures) console.log(`failed: ${f.step}: ${f.error}`);
        if (result.found.length === 0) console.log(`nothing of run ${id} is left`);
        failed ||= result.failures.length > 0;
      }
      return failed ? 1 : 0;
    }
    case "record":
      return record(config, flag(args, "--source") ?? "nas");
    case "capture":
      return runCapture(config, args);
    case "replay": {
      const files = args.length > 0 ? args : recordingFiles();
      let failed = false;
      // A recording exported from the emulator's journal is a client's own session: sent as it is
      // to the configured target (a NAS too), the reads first.
      const journals = files.filter((f) => loadRecording(f).scenarios.includes(JOURNAL_SCENARIO));
      for (const file of journals) {
        const result = await replayJournal(loadRecording(file), config);
        console.log(
          `${result.problems.length === 0 ? "✓" : "✗"} ${file} (${result.replayed} calls replayed)`,
        );
        for (const p of result.problems) console.log(`    ${p}`);
        for (const s of result.skipped) console.log(`    not replayed: ${s}`);
        failed ||= result.problems.length > 0;
      }
      const scenarioFiles = files.filter((f) => !journals.includes(f));
      for (const [file, problems] of await replay(scenarioFiles, config)) {
        console.log(`${problems.length === 0 ? "✓" : "✗"} ${file}`);
        for (const p of problems) console.log(`    ${p}`);
        failed ||= problems.length > 0;
      }
      return failed ? 1 : 0;
    }
    default:
      console.error(
        `${command === undefined ? "no command" : `unknown command ${JSON.stringify(command)}`}\n\n${HELP}`,
      );
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
