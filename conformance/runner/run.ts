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
import { type InventorySnapshot, inventoryChanges, snapshotInventory } from "./inventory";
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
  /** Told which scenario the following exchanges belong to (undefined: setup or cleanup). */
  readonly onScenario?: (scenario: Scenario | undefined) => void;
}

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
      (need === "controlPlane" && target.extra === undefined);
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
  const run = planRun(options);
  const { target } = options;
  const { dsm, vmm } = connect(run, options);
  try {
    await dsm.discover();
    await dsm.login(target.accounts.admin.account, target.accounts.admin.password);
  } catch (err) {
    await dsm.close();
    return failedSetup(run, target, describe(err));
  }
  const info = await dsm.dsmInfo().catch(() => undefined);
  run.log(
    `target ${target.kind} ${target.url}: ${info?.model ?? "?"} ${info?.version_string ?? info?.version ?? "?"}, tier ${run.guard.tier}, run ${run.runId}`,
  );
  const before = await snapshotInventory(vmm, run.ledger, target.kind === "emulator");

  const session: RunSession<X> = { dsm, vmm, placement: placementFinder(vmm, target) };
  const results: ScenarioResult[] = [];
  const cleanupFailures: CleanupFailure[] = [];
  for (const s of run.scenarios) {
    const done = await runScenario(s, run, session, options);
    results.push(done.result);
    cleanupFailures.push(...done.cleanupFailures);
  }

  const { residue, changes } = await leaveTarget(run, target, session, before, cleanupFailures);

  const stale =
    run.expectations === null || run.only !== undefined
      ? []
      : stalePatterns(
          run.expectations,
          run.scenarios.map((s) => s.id),
        );
  const ok =
    !results.some((r) => isFailing(r.status)) &&
    cleanupFailures.length === 0 &&
    residue.length === 0 &&
    changes.length === 0 &&
    stale.length === 0;
  return {
    ...run.base,
    target: {
      kind: target.kind,
      url: target.url,
      tier: run.guard.tier,
      dsmVersion: info === undefined ? "unknown" : (info.version_string ?? info.version),
      model: info?.model ?? "unknown",
    },
    durationMs: Date.now() - run.started,
    scenarios: results,
    cleanupFailures,
    residue,
    inventoryChanges: changes,
    staleExpectations: stale,
    ok,
  };
}

/**
 * What the scenarios left: the ledger's entries removed, then the inventory compared with the
 * one taken before the run (anything still in the run's prefix is residue); then logged out.
 */
async function leaveTarget<X>(
  run: RunPlan<X>,
  target: Target<X>,
  { dsm, vmm }: RunSession<X>,
  before: InventorySnapshot,
  cleanupFailures: CleanupFailure[],
): Promise<{ residue: string[]; changes: string[] }> {
  cleanupFailures.push(...(await cleanupLedger(vmm, run.ledger, target.waiter)));
  let residue: string[] = [];
  let changes: string[] = [];
  try {
    const after = await snapshotInventory(vmm, run.ledger, target.kind === "emulator");
    residue = [...after.prefixed];
    changes = inventoryChanges(before, after);
  } catch (err) {
    cleanupFailures.push({ step: "final inventory", error: describe(err) });
  }
  await dsm.logout().catch((err) => cleanupFailures.push({ step: "logout", error: describe(err) }));
  await dsm.close();
  return { residue, changes };
}

/** What a run decides before it talks to the target: its id, ledger, guard, secrets and scenarios. */
interface RunPlan<X> {
  readonly runId: string;
  readonly started: number;
  readonly log: (line: string) => void;
  readonly ledger: Ledger;
  readonly guard: SafetyGuard;
  readonly secrets: Set<string>;
  readonly expectations: ExpectationFile | null;
  readonly only: RegExp | undefined;
  readonly scenarios: readonly Scenario<X>[];
  readonly base: Pick<RunResult, "runId" | "startedAt" | "secrets">;
}

function planRun<X>(options: RunOptions<X>): RunPlan<X> {
  const { target } = options;
  const started = Date.now();
  const runId = options.runId ?? newRunId();
  const ledger = new Ledger(runId);
  const secrets = new Set<string>();
  for (const c of Object.values(target.accounts)) if (c !== undefined) secrets.add(c.password);
  const only = options.only === undefined ? undefined : globToRegExp(options.only);
  return {
    runId,
    started,
    log: options.log ?? (() => {}),
    ledger,
    guard: new SafetyGuard(target.tier, ledger),
    secrets,
    expectations:
      options.expectations === undefined
        ? loadExpectations(expectationsPath(target.kind))
        : options.expectations,
    only,
    scenarios: options.scenarios.filter((s) => only === undefined || only.test(s.id)),
    base: { runId, startedAt: new Date(started).toISOString(), secrets },
  };
}

/** The kit's client for the run, and the VMM port the scenarios use behind its guard. */
function connect<X>(run: RunPlan<X>, options: RunOptions<X>): { dsm: DsmClient; vmm: VmmPort } {
  const { target } = options;
  const dsm = new DsmClient({
    baseUrl: target.url,
    tls: target.tls,
    guard: run.guard,
    secrets: run.secrets,
    ...(options.onExchange ? { onExchange: options.onExchange } : {}),
  });
  const vmm = options.port === undefined ? new VmmApi(dsm) : guardPort(options.port, run.guard, run.ledger);
  return { dsm, vmm };
}

function failedSetup<X>(run: RunPlan<X>, target: Target<X>, error: string): RunResult {
  return {
    ...run.base,
    target: {
      kind: target.kind,
      url: target.url,
      tier: target.tier,
      dsmVersion: "unknown",
      model: "unknown",
    },
    durationMs: Date.now() - run.started,
    scenarios: [],
    cleanupFailures: [],
    residue: [],
    inventoryChanges: [],
    staleExpectations: [],
    setupError: error,
    ok: false,
  };
}

type Placement = { storage: Storage; network: Network | undefined };

/** Where the run's guests go: the named storage, or the first online one on a running host; found once. */
function placementFinder<X>(vmm: VmmPort, target: Target<X>): () => Promise<Placement> {
  let placement: Placement | undefined;
  return async () => {
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
}

/** What every scenario of a run shares once the run is logged in. */
interface RunSession<X> {
  readonly dsm: DsmClient;
  readonly vmm: VmmPort;
  readonly placement: ScenarioContext<X>["placement"];
}

/** One scenario: skipped, or run and undone right after; its result and its undo's failures. */
async function runScenario<X>(
  s: Scenario<X>,
  run: RunPlan<X>,
  session: RunSession<X>,
  options: RunOptions<X>,
): Promise<{ result: ScenarioResult; cleanupFailures: CleanupFailure[] }> {
  const { target } = options;
  const t0 = Date.now();
  const expectation = run.expectations === null ? undefined : expectationFor(run.expectations, s.id);
  const common = { id: s.id, title: s.title, covers: s.covers, tier: s.tier };
  const reason = expectationReasonOf(expectation);
  const skip =
    expectation?.status === "skip"
      ? { outcome: "disabled" as const, reason: expectation.reason }
      : skipReason(s, target, run.guard, session.dsm);
  if (skip !== undefined) {
    const result = {
      ...common,
      outcome: skip.outcome,
      status: skip.outcome,
      message: skip.reason,
      notes: [],
      durationMs: 0,
    };
    return { result, cleanupFailures: [] };
  }
  const stack = new CleanupStack();
  const notes: string[] = [];
  const ctx = scenarioContext(target, run, session, stack, notes);
  let outcome: Outcome = "pass";
  let message: string | undefined;
  options.onScenario?.(s);
  try {
    await s.run(ctx);
  } catch (err) {
    outcome = err instanceof WaitTimeout ? "indeterminate" : "fail";
    message = describe(err);
  }
  options.onScenario?.(undefined);
  const undoFailures = await stack.run();
  const cleanupFailures = undoFailures.map((f) => ({ ...f, step: `${s.id}: ${f.step}` }));
  if (undoFailures.length > 0 && outcome === "pass") {
    outcome = "fail";
    message = `undo failed: ${undoFailures.map((f) => `${f.step}: ${f.error}`).join("; ")}`;
  }
  const status = applyExpectation(outcome, expectation);
  run.log(`${symbol(status)} ${s.id}${message === undefined ? "" : ` — ${message}`}`);
  const result: ScenarioResult = {
    ...common,
    outcome,
    status,
    ...(message === undefined ? {} : { message }),
    ...(reason === undefined ? {} : { expectationReason: reason }),
    notes,
    durationMs: Date.now() - t0,
  };
  return { result, cleanupFailures };
}

function scenarioContext<X>(
  target: Target<X>,
  run: RunPlan<X>,
  { dsm, vmm, placement }: RunSession<X>,
  stack: CleanupStack,
  notes: string[],
): ScenarioContext<X> {
  return {
    kind: target.kind,
    dsm,
    vmm,
    ledger: run.ledger,
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
    placement,
    note: (text) => notes.push(text),
  };
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
