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
import { DsmClient } from "../client/dsm-client";
import { Ledger, newRunId } from "../client/ledger";
import { SafetyGuard, type Tier } from "../client/safety";
import type { Network, Storage } from "../client/shapes";
import type { Exchange } from "../client/transport";
import { guardPort, VmmApi, type VmmPort } from "../client/vmm";
import type { Target } from "../target-types";
import { WaitTimeout } from "../wait";
import { type CleanupFailure, CleanupStack, cleanupLedger, describe } from "./cleanup";
import {
  applyExpectation,
  type ExpectationFile,
  expectationFor,
  globToRegExp,
  isFailing,
  loadExpectations,
  type Outcome,
  type Status,
  stalePatterns,
} from "./expectations";
import { inventoryChanges, snapshotInventory } from "./inventory";
import type { Scenario, ScenarioContext } from "./scenario";

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly covers: readonly (readonly [string, string])[];
  readonly tier: Tier;
  readonly outcome: Outcome;
  readonly status: Status;
  readonly message?: string;
  readonly expectationReason?: string;
  readonly notes: readonly string[];
  readonly durationMs: number;
}

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

/** Refused logins a NAS run may cause in any 5 minutes (DSM's default auto-block: 10). */
export const NAS_LOGIN_BUDGET = 6;

export function expectationsPath(kind: "emulator" | "nas"): string {
  return fileURLToPath(new URL(`../expectations/${kind}.json`, import.meta.url));
}

/** Why a scenario does not run here, or undefined when it does. */
function skipReason<X>(
  s: Scenario<X>,
  target: Target<X>,
  guard: SafetyGuard,
  dsm: DsmClient,
): { outcome: Outcome; reason: string } | undefined {
  if (s.emulatorOnly !== undefined && target.kind !== "emulator") {
    return { outcome: "skipped-unsupported", reason: `emulator only: ${s.emulatorOnly}` };
  }
  if (!guard.allows(s.tier))
    return { outcome: "disabled", reason: `needs the ${s.tier} tier (run: ${guard.tier})` };
  for (const need of s.needs ?? []) {
    const missing =
      (need === "imageSource" && target.imageSourcePath === undefined) ||
      (need === "nonAdmin" && target.accounts.nonAdmin === undefined) ||
      (need === "disabledAccount" && target.accounts.disabled === undefined) ||
      (need === "otpAccount" && target.accounts.otp === undefined) ||
      (need === "controlPlane" && target.extra === undefined) ||
      (need === "slow" && target.slow !== true);
    if (missing) return { outcome: "skipped-unsupported", reason: `the target does not provide: ${need}` };
  }
  const absent = s.covers
    .map(([api]) => api)
    .find((api) => api.startsWith("SYNO.") && !dsm.isAdvertised(api));
  if (absent !== undefined)
    return { outcome: "skipped-unsupported", reason: `${absent} is not advertised by SYNO.API.Info` };
  return undefined;
}

export async function runConformance<X>(options: RunOptions<X>): Promise<RunResult> {
  const { target } = options;
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

  const base = {
    runId,
    startedAt: new Date(started).toISOString(),
    secrets,
  };
  const failedSetup = (error: string): RunResult => ({
    ...base,
    target: {
      kind: target.kind,
      url: target.url,
      tier: target.tier,
      dsmVersion: "unknown",
      model: "unknown",
    },
    durationMs: Date.now() - started,
    scenarios: [],
    cleanupFailures: [],
    residue: [],
    inventoryChanges: [],
    staleExpectations: [],
    wireDifferences: [],
    interrupted: options.signal?.aborted === true,
    failedLogins: 0,
    setupError: error,
    ok: false,
  });

  const dsm = new DsmClient({
    baseUrl: target.url,
    tls: target.tls,
    guard,
    secrets,
    ...(options.onExchange ? { onExchange: options.onExchange } : {}),
    // Against a NAS, refused logins stay well below DSM's auto-block (10 in 5 minutes): the
    // kit makes at most 4 on purpose (bad password, disabled account, 2-step without and with
    // a wrong code); a fifth and sixth are allowed for a mistyped password, no more.
    ...(target.kind === "nas" ? { loginBudget: NAS_LOGIN_BUDGET } : {}),
  });
  const differencesSince = (mark: number) => dsm.differences.slice(mark);
  const outside: string[] = [];
  const vmm = options.port === undefined ? new VmmApi(dsm) : guardPort(options.port, guard, ledger);
  try {
    await dsm.discover();
    await dsm.login(target.accounts.admin.account, target.accounts.admin.password);
  } catch (err) {
    await dsm.close();
    return failedSetup(describe(err));
  }
  const info = await dsm.dsmInfo().catch(() => undefined);
  log(
    `target ${target.kind} ${target.url}: ${info?.model ?? "?"} ${info?.version_string ?? info?.version ?? "?"}, tier ${guard.tier}, run ${runId}`,
  );
  const strict = target.kind === "emulator";
  let before: Awaited<ReturnType<typeof snapshotInventory>>;
  try {
    before = await snapshotInventory(vmm, ledger, strict);
  } catch (err) {
    // Nothing was created yet: a failed first inventory ends the run before any scenario.
    await dsm.logout().catch(() => {});
    await dsm.close();
    return failedSetup(`the first inventory failed: ${describe(err)}`);
  }
  outside.push(...differencesSince(0));

  let placement: { storage: Storage; network: Network | undefined } | undefined;
  const placementOf = async () => {
    if (placement !== undefined) return placement;
    const storages = await vmm.listStorages();
    const hosts = new Map((await vmm.listHosts()).map((h) => [h.host_id, h.status]));
    const storage =
      target.storageName !== undefined
        ? storages.find((s) => s.storage_name === target.storageName)
        : storages.find((s) => s.status === "online" && hosts.get(s.host_id) === "running");
    if (storage === undefined)
      throw new Error(`no usable storage (wanted ${target.storageName ?? "any online"})`);
    const network = (await vmm.listNetworks())[0];
    placement = { storage, network };
    return placement;
  };

  const results: ScenarioResult[] = [];
  const cleanupFailures: CleanupFailure[] = [];
  for (const s of scenarios) {
    const t0 = Date.now();
    const expectation = expectations === null ? undefined : expectationFor(expectations, s.id);
    const common = { id: s.id, title: s.title, covers: s.covers, tier: s.tier };
    const reason = expectationReasonOf(expectation);
    const skip = options.signal?.aborted
      ? { outcome: "disabled" as const, reason: "interrupted before it ran (Ctrl-C or SIGTERM)" }
      : expectation?.status === "skip"
        ? { outcome: "disabled" as const, reason: expectation.reason }
        : skipReason(s, target, guard, dsm);
    if (skip !== undefined) {
      results.push({
        ...common,
        outcome: skip.outcome,
        status: skip.outcome,
        message: skip.reason,
        notes: [],
        durationMs: 0,
      });
      continue;
    }
    const stack = new CleanupStack();
    const notes: string[] = [];
    const ctx: ScenarioContext<X> = {
      kind: target.kind,
      dsm,
      vmm,
      ledger,
      wait: target.waiter,
      extra: target.extra,
      accounts: target.accounts,
      imageSourcePath: target.imageSourcePath,
      defer: (label, undo) => stack.push(label, undo),
      newClient: () => {
        // Closed with the scenario's other undo steps, so a failing scenario leaks no pool.
        const client = dsm.sibling();
        stack.push("close a scenario's client", () => client.close());
        return client;
      },
      placement: placementOf,
      note: (text) => notes.push(text),
    };
    let outcome: Outcome = "pass";
    let message: string | undefined;
    options.onScenario?.(s);
    const mark = dsm.differences.length;
    target.waiter.interrupt = options.signal;
    try {
      await s.run(ctx);
    } catch (err) {
      outcome = err instanceof WaitTimeout ? "indeterminate" : "fail";
      message = describe(err);
    }
    // A difference of the wire fails the scenario whose call showed it, even if its checks held.
    const wire = differencesSince(mark);
    if (wire.length > 0) {
      outcome = "fail";
      message = [message, `the wire differs: ${wire.join("; ")}`].filter((m) => m !== undefined).join("; ");
    }
    options.onScenario?.(undefined);
    target.waiter.interrupt = undefined;
    const undoFailures = await stack.run();
    if (undoFailures.length > 0) {
      cleanupFailures.push(...undoFailures.map((f) => ({ ...f, step: `${s.id}: ${f.step}` })));
      if (outcome === "pass") {
        outcome = "fail";
        message = `undo failed: ${undoFailures.map((f) => `${f.step}: ${f.error}`).join("; ")}`;
      }
    }
    const status = applyExpectation(outcome, expectation);
    results.push({
      ...common,
      outcome,
      status,
      ...(message === undefined ? {} : { message }),
      ...(reason === undefined ? {} : { expectationReason: reason }),
      notes,
      durationMs: Date.now() - t0,
    });
    log(`${symbol(status)} ${s.id}${message === undefined ? "" : ` — ${message}`}`);
  }

  const cleanupMark = dsm.differences.length;
  cleanupFailures.push(...(await cleanupLedger(vmm, ledger, target.waiter)));
  let residue: string[] = [];
  let changes: string[] = [];
  try {
    const after = await snapshotInventory(vmm, ledger, strict);
    residue = [...after.prefixed];
    changes = inventoryChanges(before, after);
  } catch (err) {
    cleanupFailures.push({ step: "final inventory", error: describe(err) });
  }
  await dsm.logout().catch((err) => cleanupFailures.push({ step: "logout", error: describe(err) }));
  await dsm.close();
  outside.push(...differencesSince(cleanupMark));

  const stale =
    expectations === null || only !== undefined
      ? []
      : stalePatterns(
          expectations,
          scenarios.map((s) => s.id),
        );
  const ok =
    !results.some((r) => isFailing(r.status)) &&
    cleanupFailures.length === 0 &&
    residue.length === 0 &&
    changes.length === 0 &&
    outside.length === 0 &&
    options.signal?.aborted !== true &&
    stale.length === 0;
  return {
    ...base,
    target: {
      kind: target.kind,
      url: target.url,
      tier: guard.tier,
      dsmVersion: info === undefined ? "unknown" : (info.version_string ?? info.version),
      model: info?.model ?? "unknown",
    },
    durationMs: Date.now() - started,
    scenarios: results,
    cleanupFailures,
    residue,
    inventoryChanges: changes,
    staleExpectations: stale,
    wireDifferences: outside,
    interrupted: options.signal?.aborted === true,
    failedLogins: dsm.failedLogins.length,
    ok,
  };
}

/** The run in one word, as the headline says it and the exit code means it. */
export function verdictOf(result: RunResult): "PASS" | "FAIL" | "INDETERMINATE" {
  if (!result.ok) return "FAIL";
  return result.scenarios.some((s) => s.status === "indeterminate") ? "INDETERMINATE" : "PASS";
}

function expectationReasonOf(e: { status: string; reason: string } | undefined): string | undefined {
  return e === undefined ? undefined : `${e.status}: ${e.reason}`;
}

function symbol(status: Status): string {
  switch (status) {
    case "pass":
      return "✓";
    case "known-difference":
      return "≈";
    case "indeterminate":
      return "?";
    case "disabled":
    case "skipped-unsupported":
      return "-";
    default:
      return "✗";
  }
}
