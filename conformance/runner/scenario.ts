/**
 * What a scenario is and what it gets to work with. A scenario names the API methods it
 * covers (for the compatibility matrix), the safety tier it needs, whether it can only run
 * against the emulator (it drives the control plane), and what optional target features it
 * needs; the runner decides from these, before running it, whether it runs at all.
 *
 * `X` is what only some targets offer (the emulator's control plane, see conformance/emulator/):
 * scenarios that need it are typed with it, the others take any target.
 */
import type { ApiName } from "../../contract/apis";
import type { DsmClient } from "../client/dsm-client";
import type { Ledger } from "../client/ledger";
import type { Tier } from "../client/safety";
import type { Network, Storage } from "../client/shapes";
import type { VmmPort } from "../client/vmm";
import type { TargetAccounts } from "../target-types";
import type { Waiter } from "../wait";

/** Optional features of a target that some scenarios need. */
export type Need = "imageSource" | "nonAdmin" | "disabledAccount" | "otpAccount" | "controlPlane" | "slow";

export interface Scenario<X = unknown> {
  /** Dotted and stable: expectations and reports refer to it (`guest.power.poweron-running-904`). */
  readonly id: string;
  readonly title: string;
  readonly covers: readonly (readonly [api: ApiName | "(common)", method: string])[];
  readonly tier: Tier;
  /** Why it can only run against the emulator; absent: it runs against a NAS too. */
  readonly emulatorOnly?: string;
  readonly needs?: readonly Need[];
  run(ctx: ScenarioContext<X>): Promise<void>;
}

export interface ScenarioContext<X = unknown> {
  readonly kind: "emulator" | "nas";
  /** The kit's own client, for raw requests and probes (guarded like every call). */
  readonly dsm: DsmClient;
  /** The VMM methods: the kit's client, or a library's own client behind the kit's guard. */
  readonly vmm: VmmPort;
  readonly ledger: Ledger;
  readonly wait: Waiter;
  /** What only this target offers (undefined elsewhere): the emulator's control plane. */
  readonly extra: X | undefined;
  readonly accounts: TargetAccounts;
  readonly imageSourcePath: string | undefined;
  /** Runs after the scenario, newest first, even when it failed. */
  defer(label: string, undo: () => Promise<unknown>): void;
  /** A client with its own session (not logged in), sharing this run's guard and ledger; the runner closes it. */
  newClient(): DsmClient;
  /** Where the run creates its guests: a healthy storage and a network on its host. */
  placement(): Promise<{ storage: Storage; network: Network | undefined }>;
  /** Adds a line to the scenario's result (shown in reports). */
  note(text: string): void;
}

/** A failed expectation inside a scenario. */
export class ScenarioFailure extends Error {
  override name = "ScenarioFailure";
}

export function scenario<X = unknown>(s: Scenario<X>): Scenario<X> {
  return s;
}
