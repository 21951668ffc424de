/**
 * One conformance run: log in to the target, snapshot the pre-existing inventory, run each
 * scenario that the tier, the target and the expectations allow (undoing its changes right
 * after it), clean up the ledger, and prove that nothing pre-existing changed and nothing in
 * the run's prefix is left. The result says, per scenario and for the run, what happened.
 *
 * The runner is a library: it takes the target and the scenarios as arguments, and optionally
 * a client library's own VMM client (`port`), which then runs the scenarios behind the kit's
 * safety guard and ledger.
 */
import { fileURLToPath } from "node:url";
import type { DsmClient } from "../client/dsm-client";
import { Ledger, newRunId } from "../client/ledger";
import { SafetyGuard, type Tier } from "../client/safety";
import type { Exchange } from "../client/transport";
import { guardPort, VmmApi, type VmmPort } from "../client/vmm";
import type { Target } from "../target-types";
import type { CleanupFailure } from "./cleanup";
import {
  type ExpectationFile,
  globToRegExp,
  isFailing,
  loadExpectations,
  stalePatterns,
} from "./expectations";
import type { Scenario } from "./scenario";
import {
  cleanUp,
  logIn,
  openClient,
  placementFinder,
  runScenarios,
  type ScenarioResult,
  takeFirstInventory,
} from "./steps";

export { NAS_LOGIN_BUDGET, type ScenarioResult } from "./steps";

export interface RunResult {
  readonly runId: string;
  readonly target: {
    readonly kind: "emulator" | "nas";
    readonly url: string;
    readonly tier: Tier;
    readonly dsmVersion: string;
    readonly model: string;
  };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly scenarios: readonly ScenarioResult[];
  readonly cleanupFailures: readonly CleanupFailure[];
  readonly residue: readonly string[];
  readonly inventoryChanges: readonly string[];
  readonly staleExpectations: readonly string[];
  /** Differences of the wire (a content type) seen outside any scenario (setup, cleanup). */
  readonly wireDifferences: readonly string[];
  /** Stopped early by a signal (cleanup still ran): never a pass. */
  readonly interrupted: boolean;
  /** Logins the target refused during the run (they count toward DSM's auto-block). */
  readonly failedLogins: number;
  /** A failure before any scenario could run (unreachable target, login refused). */
  readonly setupError?: string;
  readonly ok: boolean;
  /** Every secret the run handled: reports replace them with <redacted>. */
  readonly secrets: ReadonlySet<string>;
}

export interface RunOptions<X = unknown> {
  readonly target: Target<X>;
  readonly scenarios: readonly Scenario<X>[];
  /** Default: a fresh random id. */
  readonly runId?: string | undefined;
  /** Glob over scenario ids: run only these. */
  readonly only?: string | undefined;
  /** A client library's own VMM client; default: the kit's (`VmmApi`). */
  readonly port?: VmmPort;
  /** Default: conformance/expectations/<kind>.json; null: none. */
  readonly expectations?: ExpectationFile | null;
  readonly log?: (line: string) => void;
  readonly onExchange?: (exchange: Exchange) => void;
  /**
   * Aborted by Ctrl-C or SIGTERM: no further scenario starts, a wait in progress gives up at its
   * next poll, and cleanup, the final inventory and the result still happen.
   */
  readonly signal?: AbortSignal;
  /** Told which scenario the following exchanges belong to (undefined: setup or cleanup). */
  readonly onScenario?: (scenario: Scenario | undefined) => void;
}

export function expectationsPath(kind: "emulator" | "nas"): string {
  return fileURLToPath(new URL(`../expectations/${kind}.json`, import.meta.url));
}

/** What the run learnt of the target's identity: the headline and the report name it. */
type TargetInfo = Awaited<ReturnType<DsmClient["dsmInfo"]>> | undefined;

export async function runConformance<X>(options: RunOptions<X>): Promise<RunResult> {
  const { target, signal } = options;
  const log = options.log ?? (() => {});
  const started = Date.now();
  const runId = options.runId ?? newRunId();
  const ledger = new Ledger(runId);
  const guard = new SafetyGuard(target.tier, ledger);
  const secrets = new Set<string>();
  for (const c of Object.values(target.accounts)) if (c !== undefined) secrets.add(c.password);
  const expectations =
    options.expectations === undefined
      ? loadExpectations(expectationsPath(target.kind))
      : options.expectations;
  const only = options.only === undefined ? undefined : globToRegExp(options.only);
  const scenarios = options.scenarios.filter((s) => only === undefined || only.test(s.id));
  const base = { runId, started, secrets, signal };

  // Open the target and log in; nothing is created before this succeeds.
  const dsm = openClient(target, guard, secrets, options.onExchange);
  const vmm = options.port === undefined ? new VmmApi(dsm) : guardPort(options.port, guard, ledger);
  const loginError = await logIn(dsm, target);
  if (loginError !== undefined) return failedSetup(base, target, loginError);
  const info = await dsm.dsmInfo().catch(() => undefined);
  log(
    `target ${target.kind} ${target.url}: ${info?.model ?? "?"} ${info?.version_string ?? info?.version ?? "?"}, tier ${guard.tier}, run ${runId}`,
  );

  // Take the inventory of what existed before, so the end can prove none of it changed.
  const strict = target.kind === "emulator";
  const first = await takeFirstInventory(dsm, vmm, ledger, strict);
  if ("error" in first) return failedSetup(base, target, first.error);
  const outside = [...dsm.differences];

  // Run each scenario the tier, the target and the expectations allow, undoing it right after.
  const placement = placementFinder(vmm, target);
  const env = { target, dsm, vmm, ledger, guard, placement, signal, onScenario: options.onScenario };
  const { results, undoFailures } = await runScenarios(scenarios, env, expectations, log);

  // Clean up the ledger, take the final inventory and log out: this runs even after a signal.
  const end = await cleanUp(dsm, vmm, ledger, target.waiter, strict, first.before);
  const cleanupFailures = [...undoFailures, ...end.failures];
  outside.push(...end.wire);

  // Build the result: stale expectations only count when every scenario was selected.
  const stale =
    expectations === null || only !== undefined
      ? []
      : stalePatterns(
          expectations,
          scenarios.map((s) => s.id),
        );
  const findings = {
    results,
    cleanupFailures,
    ...end,
    outside,
    stale,
    failedLogins: dsm.failedLogins.length,
  };
  return buildResult(base, targetOf(target, guard.tier, info), findings);
}

/** What the run found, in the order the result reports it. */
interface Findings {
  readonly results: ScenarioResult[];
  readonly cleanupFailures: CleanupFailure[];
  readonly residue: string[];
  readonly changes: string[];
  readonly outside: string[];
  readonly stale: string[];
  readonly failedLogins: number;
}

/** The run passes only if no scenario failed and it left, changed, or saw nothing amiss. */
function buildResult(base: Base, target: RunResult["target"], f: Findings): RunResult {
  const ok =
    !f.results.some((r) => isFailing(r.status)) &&
    f.cleanupFailures.length === 0 &&
    f.residue.length === 0 &&
    f.changes.length === 0 &&
    f.outside.length === 0 &&
    base.signal?.aborted !== true &&
    f.stale.length === 0;
  return {
    ...startOf(base),
    target,
    durationMs: Date.now() - base.started,
    scenarios: f.results,
    cleanupFailures: f.cleanupFailures,
    residue: f.residue,
    inventoryChanges: f.changes,
    staleExpectations: f.stale,
    wireDifferences: f.outside,
    interrupted: base.signal?.aborted === true,
    failedLogins: f.failedLogins,
    ok,
  };
}

/** What the run knows from its start; every result opens with it (the report keeps this order). */
interface Base {
  readonly runId: string;
  readonly started: number;
  readonly secrets: ReadonlySet<string>;
  readonly signal: AbortSignal | undefined;
}

function startOf(base: Base): Pick<RunResult, "runId" | "startedAt" | "secrets"> {
  return { runId: base.runId, startedAt: new Date(base.started).toISOString(), secrets: base.secrets };
}

function targetOf<X>(target: Target<X>, tier: Tier, info: TargetInfo): RunResult["target"] {
  return {
    kind: target.kind,
    url: target.url,
    tier,
    dsmVersion: info === undefined ? "unknown" : (info.version_string ?? info.version),
    model: info?.model ?? "unknown",
  };
}

/** A run that ended before any scenario (unreachable target, login refused, first inventory). */
function failedSetup<X>(base: Base, target: Target<X>, error: string): RunResult {
  return {
    ...startOf(base),
    target: targetOf(target, target.tier, undefined),
    durationMs: Date.now() - base.started,
    scenarios: [],
    cleanupFailures: [],
    residue: [],
    inventoryChanges: [],
    staleExpectations: [],
    wireDifferences: [],
    interrupted: base.signal?.aborted === true,
    failedLogins: 0,
    setupError: error,
    ok: false,
  };
}

/** The run in one word, as the headline says it and the exit code means it. */
export function verdictOf(result: RunResult): "PASS" | "FAIL" | "INDETERMINATE" {
  if (!result.ok) return "FAIL";
  return result.scenarios.some((s) => s.status === "indeterminate") ? "INDETERMINATE" : "PASS";
}
