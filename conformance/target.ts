/**
 * Which DSM the kit talks to, from environment variables and an optional JSON config file
 * (`VMM_CONFORMANCE_CONFIG`; the environment wins). The default is an emulator the kit starts
 * itself in-process; a NAS is used only when `VMM_CONFORMANCE_TARGET=nas` and its URL are
 * given, never by default. Against a NAS the tier is `readonly` unless the owned tier is opted
 * into by naming the NAS's host in `VMM_CONFORMANCE_ALLOW_OWNED` (and the disruptive tier in
 * `VMM_CONFORMANCE_ALLOW_DISRUPTIVE` as well): an opt-in copied to another NAS does nothing.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { TlsPolicy } from "./client/transport";
import type { EmulatorExtra } from "./emulator/target";
import type { Credentials, Target, TargetConfig } from "./target-types";
import { WAIT_PROFILES, Waiter } from "./wait";

export type { Credentials, Target, TargetAccounts, TargetConfig } from "./target-types";

const fileSchema = z.strictObject({
  target: z.enum(["emulator", "nas"]).optional(),
  url: z.string().url().optional(),
  account: z.string().optional(),
  /** Better given as VMM_NAS_PASSWORD than written in a file. */
  password: z.string().optional(),
  tls: z.enum(["verify", "insecure"]).optional(),
  caFile: z.string().optional(),
  certSha256: z.string().optional(),
  tier: z.enum(["readonly", "owned", "disruptive"]).optional(),
  allowOwned: z.string().optional(),
  allowDisruptive: z.string().optional(),
  imageSourcePath: z.string().optional(),
  storageName: z.string().optional(),
  nonAdminAccount: z.string().optional(),
  nonAdminPassword: z.string().optional(),
  disabledAccount: z.string().optional(),
  disabledPassword: z.string().optional(),
  otpAccount: z.string().optional(),
  otpPassword: z.string().optional(),
  otpSecret: z.string().optional(),
  pollMs: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  emulatorFixture: z.string().optional(),
  emulatorHttps: z.enum(["true", "false", "1", "0"]).optional(),
  runId: z.string().optional(),
  reportDir: z.string().optional(),
  only: z.string().optional(),
  slow: z.enum(["true", "false", "1", "0"]).optional(),
});
type FileConfig = z.infer<typeof fileSchema>;

/** Environment variable → config key. */
export const ENV_VARS = {
  VMM_CONFORMANCE_TARGET: "target",
  VMM_NAS_URL: "url",
  VMM_NAS_ACCOUNT: "account",
  VMM_NAS_PASSWORD: "password",
  VMM_NAS_TLS: "tls",
  VMM_NAS_CA_FILE: "caFile",
  VMM_NAS_CERT_SHA256: "certSha256",
  VMM_CONFORMANCE_TIER: "tier",
  VMM_CONFORMANCE_ALLOW_OWNED: "allowOwned",
  VMM_CONFORMANCE_ALLOW_DISRUPTIVE: "allowDisruptive",
  VMM_NAS_IMAGE_PATH: "imageSourcePath",
  VMM_NAS_STORAGE: "storageName",
  VMM_NAS_NONADMIN_ACCOUNT: "nonAdminAccount",
  VMM_NAS_NONADMIN_PASSWORD: "nonAdminPassword",
  VMM_NAS_DISABLED_ACCOUNT: "disabledAccount",
  VMM_NAS_DISABLED_PASSWORD: "disabledPassword",
  VMM_NAS_OTP_ACCOUNT: "otpAccount",
  VMM_NAS_OTP_PASSWORD: "otpPassword",
  VMM_NAS_OTP_SECRET: "otpSecret",
  VMM_CONFORMANCE_POLL_MS: "pollMs",
  VMM_CONFORMANCE_TIMEOUT_MS: "timeoutMs",
  VMM_CONFORMANCE_EMULATOR_FIXTURE: "emulatorFixture",
  VMM_CONFORMANCE_EMULATOR_HTTPS: "emulatorHttps",
  VMM_CONFORMANCE_RUN_ID: "runId",
  VMM_CONFORMANCE_REPORT_DIR: "reportDir",
  VMM_CONFORMANCE_ONLY: "only",
  VMM_CONFORMANCE_SLOW: "slow",
} as const satisfies Record<string, keyof FileConfig>;

export class TargetConfigError extends Error {
  override name = "TargetConfigError";
}

function readFileConfig(path: string): FileConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new TargetConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new TargetConfigError(`config file ${path} is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

function mergeEnv(env: NodeJS.ProcessEnv, base: FileConfig): FileConfig {
  const raw: Record<string, unknown> = { ...base };
  for (const [variable, key] of Object.entries(ENV_VARS)) {
    const value = env[variable];
    if (value === undefined || value === "") continue;
    raw[key] = key === "pollMs" || key === "timeoutMs" ? Number(value) : value;
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new TargetConfigError(`invalid conformance settings:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

const pair = (account?: string, password?: string): Credentials | undefined =>
  account !== undefined && password !== undefined ? { account, password } : undefined;

/** Resolves the target; throws TargetConfigError with what to set when something is missing. */
export function resolveTarget(env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const file = env.VMM_CONFORMANCE_CONFIG ? readFileConfig(env.VMM_CONFORMANCE_CONFIG) : {};
  const c = mergeEnv(env, file);
  const kind = c.target ?? "emulator";
  const common = {
    imageSourcePath: c.imageSourcePath,
    storageName: c.storageName,
    emulatorFixture: c.emulatorFixture,
    emulatorHttps: c.emulatorHttps === "true" || c.emulatorHttps === "1",
    runId: c.runId,
    reportDir: c.reportDir ?? "reports/conformance",
    only: c.only,
    slow: c.slow === "true" || c.slow === "1",
  };
  if (kind === "emulator") {
    const profile = WAIT_PROFILES.emulator;
    return {
      ...common,
      kind,
      url: undefined,
      // The kit's own emulator: its accounts come from the fixture it loads (see emulator-target.ts).
      admin: { account: c.account ?? "admin", password: c.password ?? "synology" },
      tls: { mode: "verify" },
      // A fresh in-memory emulator belongs to the run entirely.
      tier: c.tier ?? "disruptive",
      wait: {
        ...profile,
        intervalMs: c.pollMs ?? profile.intervalMs,
        timeoutMs: c.timeoutMs ?? profile.timeoutMs,
      },
      nonAdmin: pair(c.nonAdminAccount, c.nonAdminPassword),
      disabled: pair(c.disabledAccount, c.disabledPassword),
      otp: pair(c.otpAccount, c.otpPassword),
    };
  }
  if (c.url === undefined)
    throw new TargetConfigError("a NAS target needs VMM_NAS_URL (e.g. https://nas.local:5001)");
  if (c.account === undefined || c.password === undefined) {
    throw new TargetConfigError("a NAS target needs VMM_NAS_ACCOUNT and VMM_NAS_PASSWORD (an administrator)");
  }
  const host = new URL(c.url).hostname;
  const tier = c.tier ?? "readonly";
  if (tier !== "readonly" && c.allowOwned !== host) {
    throw new TargetConfigError(
      `tier ${tier} against a NAS needs VMM_CONFORMANCE_ALLOW_OWNED=${host} (the host of VMM_NAS_URL)`,
    );
  }
  if (tier === "disruptive" && c.allowDisruptive !== host) {
    throw new TargetConfigError(`the disruptive tier also needs VMM_CONFORMANCE_ALLOW_DISRUPTIVE=${host}`);
  }
  const profile = WAIT_PROFILES.nas;
  const otp = pair(c.otpAccount, c.otpPassword);
  return {
    ...common,
    kind,
    url: c.url,
    admin: { account: c.account, password: c.password },
    tls: tlsPolicy(c),
    tier,
    wait: {
      ...profile,
      intervalMs: c.pollMs ?? profile.intervalMs,
      timeoutMs: c.timeoutMs ?? profile.timeoutMs,
    },
    nonAdmin: pair(c.nonAdminAccount, c.nonAdminPassword),
    disabled: pair(c.disabledAccount, c.disabledPassword),
    otp:
      otp === undefined
        ? undefined
        : { ...otp, ...(c.otpSecret === undefined ? {} : { secret: c.otpSecret }) },
  };
}

/**
 * The target a config names. A NAS is used as it is; the emulator is started in-process, which
 * loads the emulator (and SQLite) only now, from conformance/emulator/, never on import.
 */
export async function openTarget(config: TargetConfig): Promise<Target<EmulatorExtra>> {
  if (config.kind === "emulator") {
    const { startEmulatorTarget } = await import("./emulator/target");
    return startEmulatorTarget(config);
  }
  if (config.url === undefined) throw new TargetConfigError("a NAS target needs VMM_NAS_URL");
  return {
    kind: "nas",
    url: config.url,
    tls: config.tls,
    tier: config.tier,
    waiter: new Waiter(config.wait),
    accounts: {
      admin: config.admin,
      ...(config.nonAdmin ? { nonAdmin: config.nonAdmin } : {}),
      ...(config.disabled ? { disabled: config.disabled } : {}),
      ...(config.otp ? { otp: config.otp } : {}),
    },
    imageSourcePath: config.imageSourcePath,
    storageName: config.storageName,
    slow: config.slow,
    extra: undefined,
    close: async () => {},
  };
}

function tlsPolicy(c: FileConfig): TlsPolicy {
  if (c.certSha256 !== undefined) return { mode: "pinned", sha256: c.certSha256 };
  if (c.tls === "insecure") return { mode: "insecure" };
  if (c.caFile !== undefined) return { mode: "verify", ca: readFileSync(c.caFile, "utf8") };
  return { mode: "verify" };
}
