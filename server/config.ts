/**
 * Emulator options: command-line flags with environment-variable equivalents, validated with zod.
 * Flags win over the environment; defaults give a local, persistent emulator on 127.0.0.1:5000.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DEFAULT_FIXTURE = fileURLToPath(new URL("../fixtures/default.json", import.meta.url));
export const DEFAULT_DB = fileURLToPath(new URL("../data/emulator.sqlite", import.meta.url));

/** realtime = DSM-like durations; instant = every task and transition ends at once; N = N times faster. */
const timeScale = z.union([
  z.literal("instant"),
  z.literal("realtime"),
  z.coerce
    .number()
    .positive()
    .refine((n) => Number.isFinite(n), "must be finite"),
]);

/** A boolean given as a flag or variable: only true/false/1/0, never "anything non-empty is true". */
const boolOption = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0"])])
  .transform((v) => v === true || v === "true" || v === "1");

const portNumber = z.coerce.number().int().min(0).max(65535);

/** A count or `off`: auto-block's failed logins before a block. */
const attemptsOrOff = z.union([z.literal("off"), z.coerce.number().int().min(1).max(1_000_000)]);
/** Minutes or `never`: how long a block lasts. */
const minutesOrNever = z.union([
  z.literal("never"),
  z.coerce
    .number()
    .positive()
    .max(525_600 * 100),
]);

export const configSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  /**
   * Host names answered beside IP literals, localhost, single-label names and `host` (DNS
   * rebinding); comma-separated, `*` for any.
   */
  allowedHosts: z
    .union([z.string(), z.array(z.string())])
    .default("")
    .transform((v) =>
      (typeof v === "string" ? v.split(",") : v).map((h) => h.trim()).filter((h) => h !== ""),
    ),
  port: portNumber.default(5000),
  /** DSM's HTTPS port beside the HTTP one (same app, same state); `off` serves HTTP only. */
  httpsPort: z.union([z.literal("off"), portNumber]).default(5001),
  /** A certificate and key (PEM files) for HTTPS; without them a self-signed one is made. */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  db: z.string().min(1).default(DEFAULT_DB),
  fixture: z.string().min(1).default(DEFAULT_FIXTURE),
  /** Idle seconds before a session expires. */
  sessionTimeout: z.coerce.number().int().positive().default(900),
  /** What an expired session answers: DSM 7's 119 (SID not found), or the guide's 106 (timeout). */
  sessionExpiredCode: z
    .union([z.literal(119), z.literal(106), z.enum(["119", "106"])])
    .transform((v): 119 | 106 => (Number(v) === 106 ? 106 : 119))
    .default(119),
  /** Auto-block: failed logins from one address within the window before it is blocked (407). */
  autoBlockAttempts: attemptsOrOff.default(10),
  autoBlockWindow: z.coerce.number().positive().max(525_600).default(5),
  autoBlockExpiry: minutesOrNever.default("never"),
  timeScale: timeScale.default("realtime"),
  /** Log one line per request on stderr (secrets redacted). */
  logRequests: boolOption.default(false),
  /** Serve the control plane under /__admin (false: those paths answer like any unknown path). */
  admin: boolOption.default(true),
  /** When set, every control-plane call needs `Authorization: Bearer <token>`. */
  adminToken: z.string().min(1).optional(),
  /** The largest file an upload (`upload_and_create`) may carry, in bytes (default 64 GiB). */
  maxUpload: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 ** 3),
  /** Compute each upload's SHA-256 as it streams (shown by the control plane's state). */
  hashUploads: boolOption.default(true),
  /** Keep uploaded files in this folder; by default they are counted and dropped. */
  uploadDir: z.string().min(1).optional(),
  /** How many DSM calls the control plane's journal keeps (oldest dropped first). */
  journalSize: z.coerce.number().int().min(1).max(1_000_000).default(1000),
});

export type Config = z.output<typeof configSchema>;

/** Flag name → environment variable. */
export const OPTIONS = {
  host: "VMM_EMULATOR_HOST",
  allowedHosts: "VMM_EMULATOR_ALLOWED_HOSTS",
  port: "VMM_EMULATOR_PORT",
  httpsPort: "VMM_EMULATOR_HTTPS_PORT",
  tlsCert: "VMM_EMULATOR_TLS_CERT",
  tlsKey: "VMM_EMULATOR_TLS_KEY",
  db: "VMM_EMULATOR_DB",
  fixture: "VMM_EMULATOR_FIXTURE",
  sessionTimeout: "VMM_EMULATOR_SESSION_TIMEOUT",
  sessionExpiredCode: "VMM_EMULATOR_SESSION_EXPIRED_CODE",
  autoBlockAttempts: "VMM_EMULATOR_AUTO_BLOCK_ATTEMPTS",
  autoBlockWindow: "VMM_EMULATOR_AUTO_BLOCK_WINDOW",
  autoBlockExpiry: "VMM_EMULATOR_AUTO_BLOCK_EXPIRY",
  timeScale: "VMM_EMULATOR_TIME_SCALE",
  logRequests: "VMM_EMULATOR_LOG_REQUESTS",
  admin: "VMM_EMULATOR_ADMIN",
  adminToken: "VMM_EMULATOR_ADMIN_TOKEN",
  maxUpload: "VMM_EMULATOR_MAX_UPLOAD",
  hashUploads: "VMM_EMULATOR_HASH_UPLOADS",
  uploadDir: "VMM_EMULATOR_UPLOAD_DIR",
  journalSize: "VMM_EMULATOR_JOURNAL_SIZE",
} as const satisfies Record<keyof Config, string>;

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Reads `--flag value` / `--flag=value` arguments and the environment; throws with a usage message. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const raw: Record<string, string> = {};
  for (const [key, variable] of Object.entries(OPTIONS)) {
    const value = env[variable];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const byFlag = new Map(Object.keys(OPTIONS).map((k) => [`--${kebab(k)}`, k]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag = "", inline] = arg.split(/=(.*)/s, 2);
    const key = byFlag.get(flag);
    if (key === undefined) throw new Error(`unknown option ${arg}\n${usage()}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`option ${flag} needs a value\n${usage()}`);
    raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  --${kebab(String(i.path[0]))}: ${i.message}`);
    throw new Error(`invalid options:\n${lines.join("\n")}\n${usage()}`);
  }
  return parsed.data;
}

export function usage(): string {
  const rows = Object.entries(OPTIONS).map(([k, v]) => `  --${kebab(k)} <value>   (env ${v})`);
  return `usage: npm start -- [options]\n${rows.join("\n")}`;
}
