/**
 * The steps of one conformance run (conformance/runner/run.ts reads them top to bottom): open
 * the target and log in, take the inventory, decide per scenario whether it runs, run it with
 * its checks and undo it, clean up what the ledger holds, take the final inventory.
 */
import { DsmClient } from "../client/dsm-client";
import type { Ledger } from "../client/ledger";
import type { SafetyGuard, Tier } from "../client/safety";
import type { Network, Storage } from "../client/shapes";
import type { Exchange } from "../client/transport";
import type { VmmPort } from "../client/vmm";
import type { Target } from "../target-types";
import { type Waiter, WaitTimeout } from "../wait";
import { type CleanupFailure, CleanupStack, cleanupLedger, describe } from "./cleanup";
import {
  applyExpectation,
  type Expectation,
  type ExpectationFile,
  expectationFor,
  type Outcome,
  type Status,
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

/** Refused logins a NAS run may cause in any 5 minutes (DSM's default auto-block: 10). */
export const NAS_LOGIN_BUDGET = 6;

export type Inventory = Awaited<ReturnType<typeof snapshotInventory>>;
type Placement = { storage: Storage; network: Network | undefined };

/** The kit's client for the target: guarded, redacting, and held to the login budget on a NAS. */
export function openClient<X>(
  target: Target<X>,
  guard: SafetyGuard,
  secrets: Set<string>,
  onExchange: ((exchange: Exchange) => void) | undefined,
): DsmClient {
  return new DsmClient({
    baseUrl: target.url,
    tls: target.tls,
    guard,
    secrets,
    ...(onExchange ? { onExchange } : {}),
    // Against a NAS, refused logins stay well below DSM's auto-block (10 in 5 minutes): the
    // kit makes at most 4 on purpose (bad password, disabled account, 2-step without and with
    // a wrong code); a fifth and sixth are allowed for a mistyped password, no more.
    ...(target.kind === "nas" ? { loginBudget: NAS_LOGIN_BUDGET } : {}),
  });
}

/** Discovers the APIs and logs in as admin; on failure the client is closed and the reason returned. */
export async function logIn<X>(dsm: DsmClient, target: Target<X>): Promise<string | undefined> {
  try {
    await dsm.discover();
    await dsm.login(target.accounts.admin.account, target.accounts.admin.password);
    return undefined;
  } catch (err) {
    await dsm.close();
    return describe(err);
  }
}

/**
 * What existed before the run, so the end can prove nothing of it changed. Nothing was created
 * yet: a failed first inventory logs out and ends the run before any scenario.
 */
export async function takeFirstInventory(
  dsm: DsmClient,
  vmm: VmmPort,
  ledger: Ledger,
  strict: boolean,
): Promise<{ before: Inventory } | { error: string }> {
  try {
    return { before: await snapshotInventory(vmm, ledger, strict) };
  } catch (err) {
    await dsm.logout().catch(() => {});
    await dsm.close();
    return { error: `the first inventory failed: ${describe(err)}` };
  }
}

/** Where scenarios create guests: looked up on first use only, then shared by every scenario. */
export function placementFinder<X>(vmm: VmmPort, target: Target<X>): () => Promise<Placement> {
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

/** Why a scenario does not run here, or undefined when it does. */
function skipReason<X>(
  s: Scenario<X>,
  target: Target<X>,
  guard: SafetyGuard,
  dsm: DsmClient,
  expectation: Expectation | undefined,
  signal: AbortSignal | undefined,
): { outcome: Outcome; reason: string } | undefined {
  // An interruption outranks everything: no scenario starts after Ctrl-C or SIGTERM.
  if (signal?.aborted)
    return { outcome: "disabled", reason: "interrupted before it ran (Ctrl-C or SIGTERM)" };
  if (expectation?.status === "skip") return { outcome: "disabled", reason: expectation.reason };
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

/** What every scenario of the run shares. */
export interface ScenarioEnv<X> {
  readonly target: Target<X>;
  readonly dsm: DsmClient;
  readonly vmm: VmmPort;
  readonly ledger: Ledger;
  readonly guard: SafetyGuard;
  readonly placement: () => Promise<Placement>;
  readonly signal: AbortSignal | undefined;
  readonly onScenario: ((scenario: Scenario | undefined) => void) | undefined;
}

/**
 * Runs the selected scenarios in order; one that may not run here gets its reason instead. Undo
 * failures are returned (named after their scenario) for the run's list of cleanup failures.
 */
export async function runScenarios<X>(
  scenarios: readonly Scenario<X>[],
  env: ScenarioEnv<X>,
  expectations: ExpectationFile | null,
  log: (line: string) => void,
): Promise<{ results: ScenarioResult[]; undoFailures: CleanupFailure[] }> {
  const results: ScenarioResult[] = [];
  const undoFailures: CleanupFailure[] = [];
  for (const s of scenarios) {
    const expectation = expectations === null ? undefined : expectationFor(expectations, s.id);
    const skip = skipReason(s, env.target, env.guard, env.dsm, expectation, env.signal);
    if (skip !== undefined) {
      results.push({
        id: s.id,
        title: s.title,
        covers: s.covers,
        tier: s.tier,
        outcome: skip.outcome,
        status: skip.outcome,
        message: skip.reason,
        notes: [],
        durationMs: 0,
      });
      continue;
    }
    const ran = await runScenario(s, env, expectation);
    undoFailures.push(...ran.undoFailures);
    results.push(ran.result);
    log(
      `${symbol(ran.result.status)} ${s.id}${ran.result.message === undefined ? "" : ` — ${ran.result.message}`}`,
    );
  }
  return { results, undoFailures };
}

/**
 * Runs one scenario and undoes its changes right after, so a failing scenario leaves nothing
 * behind for the next. Its outcome is then weighed against its expectation.
 */
async function runScenario<X>(
  s: Scenario<X>,
  env: ScenarioEnv<X>,
  expectation: Expectation | undefined,
): Promise<{ result: ScenarioResult; undoFailures: CleanupFailure[] }> {
  const { target, dsm } = env;
  const t0 = Date.now();
  const stack = new CleanupStack();
  const notes: string[] = [];
  const ctx: ScenarioContext<X> = {
    kind: target.kind,
    dsm,
    vmm: env.vmm,
    ledger: env.ledger,
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
    placement: env.placement,
    note: (text) => notes.push(text),
  };
  let outcome: Outcome = "pass";
  let message: string | undefined;
  env.onScenario?.(s);
  const mark = dsm.differences.length;
  target.waiter.interrupt = env.signal;
  try {
    await s.run(ctx);
  } catch (err) {
    outcome = err instanceof WaitTimeout ? "indeterminate" : "fail";
    message = describe(err);
  }
  // A difference of the wire fails the scenario whose call showed it, even if its checks held.
  const wire = dsm.differences.slice(mark);
  if (wire.length > 0) {
    outcome = "fail";
    message = [message, `the wire differs: ${wire.join("; ")}`].filter((m) => m !== undefined).join("; ");
  }
  env.onScenario?.(undefined);
  target.waiter.interrupt = undefined;
  const undone = await stack.run();
  if (undone.length > 0 && outcome === "pass") {
    outcome = "fail";
    message = `undo failed: ${undone.map((f) => `${f.step}: ${f.error}`).join("; ")}`;
  }
  // The run's list of cleanup failures names the scenario each undo step belonged to.
  const undoFailures = undone.map((f) => ({ ...f, step: `${s.id}: ${f.step}` }));
  const reason = expectation === undefined ? undefined : `${expectation.status}: ${expectation.reason}`;
  const result: ScenarioResult = {
    id: s.id,
    title: s.title,
    covers: s.covers,
    tier: s.tier,
    outcome,
    status: applyExpectation(outcome, expectation),
    ...(message === undefined ? {} : { message }),
    ...(reason === undefined ? {} : { expectationReason: reason }),
    notes,
    durationMs: Date.now() - t0,
  };
  return { result, undoFailures };
}

/**
 * Ends the run on the target, even after a signal: removes what the ledger holds, takes the
 * final inventory (anything left in the run's prefix is residue, any change to what existed
 * before is a harm), then logs out. Failures are collected, never thrown, so the run reports.
 */
export async function cleanUp(
  dsm: DsmClient,
  vmm: VmmPort,
  ledger: Ledger,
  waiter: Waiter,
  strict: boolean,
  before: Inventory,
): Promise<{ failures: CleanupFailure[]; residue: string[]; changes: string[]; wire: string[] }> {
  const mark = dsm.differences.length;
  const failures = await cleanupLedger(vmm, ledger, waiter);
  let residue: string[] = [];
  let changes: string[] = [];
  try {
    const after = await snapshotInventory(vmm, ledger, strict);
    residue = [...after.prefixed];
    changes = inventoryChanges(before, after);
  } catch (err) {
    failures.push({ step: "final inventory", error: describe(err) });
  }
  await dsm.logout().catch((err) => failures.push({ step: "logout", error: describe(err) }));
  await dsm.close();
  // Differences of the wire seen while cleaning up belong to no scenario.
  return { failures, residue, changes, wire: dsm.differences.slice(mark) };
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
