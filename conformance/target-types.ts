/**
 * What a target is, as the runner, the scenarios and the emulator's target read it: a leaf, so
 * that target.ts (which opens one) and emulator/target.ts (which is one) do not import each other.
 */
import type { Tier } from "./client/safety";
import type { TlsPolicy } from "./client/transport";
import type { Waiter, WaitProfile } from "./wait";

export interface Credentials {
  readonly account: string;
  readonly password: string;
}

/**
 * A DSM to run scenarios against, ready to use: the runner takes one as an argument. `X` is
 * what only this target offers its scenarios (the emulator's control plane); a NAS offers none.
 */
export interface Target<X = unknown> {
  readonly kind: "emulator" | "nas";
  /** e.g. `https://nas.local:5001` (no `/webapi`). */
  readonly url: string;
  readonly tls: TlsPolicy;
  readonly tier: Tier;
  readonly waiter: Waiter;
  readonly accounts: TargetAccounts;
  /** A small file on a shared folder for the image scenarios (`/share/tiny.img`). */
  readonly imageSourcePath: string | undefined;
  /** Storage for the guests the run creates (default: the first online storage). */
  readonly storageName: string | undefined;
  /** Run the slow scenarios too (a session left idle until DSM expires it: 16 minutes on a NAS). */
  readonly slow?: boolean;
  readonly extra: X | undefined;
  close(): Promise<void>;
}

export interface TargetConfig {
  readonly kind: "emulator" | "nas";
  /** NAS only: e.g. https://nas.local:5001 */
  readonly url: string | undefined;
  readonly admin: Credentials;
  readonly tls: TlsPolicy;
  readonly tier: Tier;
  readonly wait: WaitProfile;
  /** A small file on a shared folder for the image scenarios (`/share/tiny.img`). */
  readonly imageSourcePath: string | undefined;
  /** Storage for the guests the run creates (default: the first online storage). */
  readonly storageName: string | undefined;
  /** Optional accounts for the 105 and auth 401/403/404 scenarios. */
  readonly nonAdmin: Credentials | undefined;
  readonly disabled: Credentials | undefined;
  readonly otp: (Credentials & { readonly secret?: string }) | undefined;
  /** Fixture of the kit's own emulator (default fixtures/default.json). */
  readonly emulatorFixture: string | undefined;
  /** Talk to the kit's own emulator over HTTPS, pinning its certificate's fingerprint. */
  readonly emulatorHttps: boolean;
  readonly runId: string | undefined;
  readonly reportDir: string;
  /** Glob over scenario ids: run only these. */
  readonly only: string | undefined;
  /** Opt-in: the slow scenarios (session expiry). */
  readonly slow: boolean;
}

export interface TargetAccounts {
  readonly admin: Credentials;
  readonly nonAdmin?: Credentials;
  readonly disabled?: Credentials;
  readonly otp?: Credentials & { readonly secret?: string };
}
