/**
 * The kit's default target: an emulator started in-process on port 0 with in-memory state and
 * a virtual clock that the waits move forward, so a full run takes seconds and is repeatable.
 * Its extra accounts (non-admin, disabled, 2-step) are read from the fixture it loads, and its
 * control plane is offered to the scenarios that need one (see scenarios.ts here).
 *
 * This folder is the only part of the kit that imports the emulator: the rest runs against a
 * NAS without loading it.
 */
import { fileURLToPath } from "node:url";
import { SwitchableClock } from "../../server/clock";
import { AdminClient } from "../../server/control/client";
import { startEmulator } from "../../server/emulator";
import { loadFixtureFile } from "../../server/fixture";
import type { Target, TargetConfig } from "../target-types";
import { Waiter } from "../wait";

export const DEFAULT_FIXTURE = fileURLToPath(new URL("../../fixtures/default.json", import.meta.url));

/** What the emulator offers its own scenarios: the control plane. */
export interface EmulatorExtra {
  readonly admin: AdminClient;
}

export async function startEmulatorTarget(
  config: TargetConfig,
  fixturePath = config.emulatorFixture ?? DEFAULT_FIXTURE,
): Promise<Target<EmulatorExtra>> {
  const fixture = loadFixtureFile(fixturePath);
  const clock = new SwitchableClock("virtual");
  const emulator = await startEmulator({
    fixtureData: fixture,
    clock,
    port: 0,
    db: ":memory:",
    timeScale: "realtime",
    log: () => {},
    ...(config.emulatorHttps ? { httpsPort: 0 } : {}),
  });
  // Over HTTPS the kit pins the certificate the emulator made, as it pins a NAS's self-signed one.
  const https =
    config.emulatorHttps && emulator.httpsUrl !== undefined && emulator.fingerprint !== undefined
      ? { url: emulator.httpsUrl, tls: { mode: "pinned" as const, sha256: emulator.fingerprint } }
      : undefined;
  const active = fixture.accounts.filter((a) => !a.disabled);
  const nonAdmin = active.find((a) => !a.admin && a.otp_secret === undefined);
  const disabled = fixture.accounts.find((a) => a.disabled);
  const otp = active.find((a) => a.admin && a.otp_secret !== undefined);
  const share = fixture.shares.find((s) => s.files.length > 0);
  const file = share?.files.find((f) => f.name.endsWith(".img")) ?? share?.files[0];
  const credentials = (a: { name: string; password: string }) => ({ account: a.name, password: a.password });
  return {
    kind: "emulator",
    url: https?.url ?? emulator.url,
    tls: https?.tls ?? config.tls,
    tier: config.tier,
    waiter: new Waiter(config.wait, {
      advance: async (ms) => {
        clock.advance(ms);
      },
    }),
    accounts: {
      admin: config.admin,
      ...(nonAdmin === undefined ? {} : { nonAdmin: credentials(nonAdmin) }),
      ...(disabled === undefined ? {} : { disabled: credentials(disabled) }),
      ...(otp === undefined
        ? {}
        : { otp: { ...credentials(otp), ...(otp.otp_secret ? { secret: otp.otp_secret } : {}) } }),
    },
    imageSourcePath:
      config.imageSourcePath ??
      (share !== undefined && file !== undefined ? `/${share.name}/${file.name}` : undefined),
    storageName: config.storageName,
    // Virtual time makes the slow scenarios instant here.
    slow: true,
    extra: { admin: new AdminClient(emulator.url) },
    close: () => emulator.close(),
  };
}
