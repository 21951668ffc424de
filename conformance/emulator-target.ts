/**
 * The kit's default target: an emulator started in-process on port 0 with in-memory state and
 * a virtual clock that the waits move forward, so a full run takes seconds and is repeatable.
 * Its extra accounts (non-admin, disabled, 2-step) are read from the fixture it loads.
 */
import { fileURLToPath } from "node:url";
import { SwitchableClock } from "../server/clock";
import { startEmulator } from "../server/emulator";
import { type Fixture, loadFixtureFile } from "../server/fixture";
import type { Credentials } from "./target";
import type { TimeDriver } from "./wait";

export const DEFAULT_FIXTURE = fileURLToPath(new URL("../fixtures/default.json", import.meta.url));

export interface KitEmulator {
  readonly url: string;
  readonly time: TimeDriver;
  readonly fixture: Fixture;
  readonly accounts: {
    readonly nonAdmin?: Credentials;
    readonly disabled?: Credentials;
    readonly otp?: Credentials & { readonly secret?: string };
  };
  /** A file on a fixture share, for the image scenarios. */
  readonly imageSourcePath: string | undefined;
  close(): Promise<void>;
}

export async function startKitEmulator(fixturePath = DEFAULT_FIXTURE): Promise<KitEmulator> {
  const fixture = loadFixtureFile(fixturePath);
  const clock = new SwitchableClock("virtual");
  const emulator = await startEmulator({
    fixtureData: fixture,
    clock,
    port: 0,
    db: ":memory:",
    timeScale: "realtime",
    log: () => {},
  });
  const active = fixture.accounts.filter((a) => !a.disabled);
  const nonAdmin = active.find((a) => !a.admin && a.otp_secret === undefined);
  const disabled = fixture.accounts.find((a) => a.disabled);
  const otp = active.find((a) => a.admin && a.otp_secret !== undefined);
  const share = fixture.shares.find((s) => s.files.length > 0);
  const file = share?.files.find((f) => f.name.endsWith(".img")) ?? share?.files[0];
  return {
    url: emulator.url,
    fixture,
    time: {
      advance: async (ms) => {
        clock.advance(ms);
      },
    },
    accounts: {
      ...(nonAdmin === undefined
        ? {}
        : { nonAdmin: { account: nonAdmin.name, password: nonAdmin.password } }),
      ...(disabled === undefined
        ? {}
        : { disabled: { account: disabled.name, password: disabled.password } }),
      ...(otp === undefined
        ? {}
        : {
            otp: {
              account: otp.name,
              password: otp.password,
              ...(otp.otp_secret ? { secret: otp.otp_secret } : {}),
            },
          }),
    },
    imageSourcePath: share !== undefined && file !== undefined ? `/${share.name}/${file.name}` : undefined,
    close: () => emulator.close(),
  };
}

/** The admin account of a fixture, for the kit's login. */
export function fixtureAdmin(fixture: Fixture): Credentials | undefined {
  const a = fixture.accounts.find((x) => x.admin && !x.disabled && x.otp_secret === undefined);
  return a === undefined ? undefined : { account: a.name, password: a.password };
}
