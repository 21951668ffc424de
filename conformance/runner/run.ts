/**
 * One conformance run: pick the target, log in, snapshot the pre-existing inventory, run each
 * scenario that the tier, the target and the expectations allow (undoing its changes right
 * after it), clean up the ledger, and prove that nothing pre-existing changed and nothing in
 * the run's prefix is left. The result says, per scenario and for the run, what happened.
 */
import { fileURLToPath } from "node:url";
import { AdminClient } from "../../server/admin/client";
import { DsmClient } from "../client/dsm-client";
import { Ledger, newRunId } from "../client/ledger";
import { SafetyGuard, type Tier } from "../client/safety";
import type { Network, Storage } from "../client/shapes";
import type { Exchange } from "../client/transport";
import { VmmApi } from "../client/vmm";
import { startKitEmulator } from "../emulator-target";
import { ALL_SCENARIOS } from "../scenarios/index";
import type { TargetConfig } from "../target";
import { Waiter, WaitTimeout } from "../wait";
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
import type { Scenario, ScenarioContext, TargetAccounts } from "./scenario";

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

export interface RunOptions {
  readonly config: TargetConfig;
  readonly scenarios?: readonly Scenario[];
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

interface Setup {
  readonly url: string;
  readonly admin: AdminClient | undefined;
  readonly waiter: Waiter;
  readonly accounts: TargetAccounts;
  readonly imageSourcePath: string | undefined;
  close(): Promise<void>;
}

async function prepareTarget(config: TargetConfig): Promise<Setup> {
  if (config.kind === "nas") {
    if (config.url === undefined) throw new Error("no NAS URL");
    return {
      url: config.url,
      admin: undefined,
      waiter: new Waiter(config.wait),
      accounts: {
        admin: config.admin,
        ...(config.nonAdmin ? { nonAdmin: config.nonAdmin } : {}),
        ...(config.disabled ? { disabled: config.disabled } : {}),
        ...(config.otp ? { otp: config.otp } : {}),
      },
      imageSourcePath: config.imageSourcePath,
      close: async () => {},
    };
  }
  const kit = await startKitEmulator(config.emulatorFixture);
  const admin = new AdminClient(kit.url);
  // An emulator started with --admin false has no control plane: its emulator-only scenarios skip.
  const hasControlPlane = await admin.clock().then(
    () => true,
    () => false,
  );
  return {
    url: kit.url,
    admin: hasControlPlane ? admin : undefined,
    waiter: new Waiter(config.wait, kit.time),
    accounts: { admin: config.admin, ...kit.accounts },
    imageSourcePath: config.imageSourcePath ?? kit.imageSourcePath,
    close: () => kit.close(),
  };
}

/** Why a scenario does not run here, or undefined when it does. */
function skipReason(
  s: Scenario,
  config: TargetConfig,
  setup: Setup,
  guard: SafetyGuard,
  dsm: DsmClient,
): { outcome: Outcome; reason: string } | undefined {
  if (s.emulatorOnly !== undefined && config.kind !== "emulator") {
    return { outcome: "skipped-unsupported", reason: `emulator only: ${s.emulatorOnly}` };
  }
  if (!guard.allows(s.tier))
    return { outcome: "disabled", reason: `needs the ${s.tier} tier (run: ${guard.tier})` };
  for (const need of s.needs ?? []) {
    const missing =
      (need === "imageSource" && setup.imageSourcePath === undefined) ||
      (need === "nonAdmin" && setup.accounts.nonAdmin === undefined) ||
      (need === "disabledAccount" && setup.accounts.disabled === undefined) ||
      (need === "otpAccount" && setup.accounts.otp === undefined) ||
      (need === "controlPlane" && setup.admin === undefined);
    if (missing) return { outcome: "skipped-unsupported", reason: `the target does not provide: ${need}` };
  }
  const absent = s.covers
    .map(([api]) => api)
    .find((api) => api.startsWith("SYNO.") && !dsm.isAdvertised(api));
  if (absent !== undefined)
    return { outcome: "skipped-unsupported", reason: `${absent} is not advertised by SYNO.API.Info` };
  return undefined;
}

export async function runConformance(options: RunOptions): Promise<RunResult> {
  const { config } = options;
  const log = options.log ?? (() => {});
  const started = Date.now();
  const runId = config.runId ?? newRunId();
  const ledger = new Ledger(runId);
  const guard = new SafetyGuard(config.tier, ledger);
  const secrets = new Set<string>([config.admin.password]);
  const expectations =
    options.expectations === undefined
      ? loadExpectations(expectationsPath(config.kind))
      : options.expectations;
  const only = config.only === undefined ? undefined : globToRegExp(config.only);
  const scenarios = (options.scenarios ?? ALL_SCENARIOS).filter((s) => only === undefined || only.test(s.id));

  const base = {
    runId,
    startedAt: new Date(started).toISOString(),
    secrets,
  };
  const failedSetup = (error: string, url: string): RunResult => ({
    ...base,
    target: { kind: config.kind, url, tier: config.tier, dsmVersion: "unknown", model: "unknown" },
    durationMs: Date.now() - started,
    scenarios: [],
    cleanupFailures: [],
    residue: [],
    inventoryChanges: [],
    staleExpectations: [],
    setupError: error,
    ok: false,
  });

  let setup: Setup;
  try {
    setup = await prepareTarget(config);
  } catch (err) {
    return failedSetup(describe(err), config.url ?? "emulator");
  }
  for (const c of Object.values(setup.accounts)) if (c !== undefined) secrets.add(c.password);
  const dsm = new DsmClient({
    baseUrl: setup.url,
    tls: config.tls,
    guard,
    secrets,
    ...(options.onExchange ? { onExchange: options.onExchange } : {}),
  });
  const vmm = new VmmApi(dsm);
  try {
    await dsm.discover();
    await dsm.login(config.admin.account, config.admin.password);
  } catch (err) {
    await dsm.close();
    await setup.close();
    return failedSetup(describe(err), setup.url);
  }
  const info = await dsm.dsmInfo().catch(() => undefined);
  log(
    `target ${config.kind} ${setup.url}: ${info?.model ?? "?"} ${info?.version_string ?? info?.version ?? "?"}, tier ${guard.tier}, run ${runId}`,
  );
  const strict = config.kind === "emulator";
  const before = await snapshotInventory(vmm, ledger, strict);

  let placement: { storage: Storage; network: Network | undefined } | undefined;
  const placementOf = async () => {
    if (placement !== undefined) return placement;
    const storages = await vmm.listStorages();
    const hosts = new Map((await vmm.listHosts()).map((h) => [h.host_id, h.status]));
    const storage =
      config.storageName !== undefined
        ? storages.find((s) => s.storage_name === config.storageName)
        : storages.find((s) => s.status === "online" && hosts.get(s.host_id) === "running");
    if (storage === undefined)
      throw new Error(`no usable storage (wanted ${config.storageName ?? "any online"})`);
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
    const skip =
      expectation?.status === "skip"
        ? { outcome: "disabled" as const, reason: expectation.reason }
        : skipReason(s, config, setup, guard, dsm);
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
    const ctx: ScenarioContext = {
      kind: config.kind,
      dsm,
      vmm,
      ledger,
      wait: setup.waiter,
      admin: setup.admin,
      accounts: setup.accounts,
      imageSourcePath: setup.imageSourcePath,
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
    try {
      await s.run(ctx);
    } catch (err) {
      outcome = err instanceof WaitTimeout ? "indeterminate" : "fail";
      message = describe(err);
    }
    options.onScenario?.(undefined);
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

  cleanupFailures.push(...(await cleanupLedger(vmm, ledger, setup.waiter)));
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
  await setup.close();

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
    stale.length === 0;
  return {
    ...base,
    target: {
      kind: config.kind,
      url: setup.url,
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
    ok,
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
