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

export const configSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(5000),
  db: z.string().min(1).default(DEFAULT_DB),
  fixture: z.string().min(1).default(DEFAULT_FIXTURE),
  /** Idle seconds before a session answers 106. */
  sessionTimeout: z.coerce.number().int().positive().default(900),
  timeScale: timeScale.default("realtime"),
  /** Log one line per request on stderr (secrets redacted). */
  logRequests: boolOption.default(false),
  /** Serve the control plane under /__admin (false: those paths answer like any unknown path). */
  admin: boolOption.default(true),
  /** When set, every control-plane call needs `Authorization: Bearer <token>`. */
  adminToken: z.string().min(1).optional(),
  /** How many DSM calls the control plane's journal keeps (oldest dropped first). */
  journalSize: z.coerce.number().int().min(1).max(1_000_000).default(1000),
});

export type Config = z.output<typeof configSchema>;

/** Flag name → environment variable. */
export const OPTIONS = {
  host: "VMM_EMULATOR_HOST",
  port: "VMM_EMULATOR_PORT",
  db: "VMM_EMULATOR_DB",
  fixture: "VMM_EMULATOR_FIXTURE",
  sessionTimeout: "VMM_EMULATOR_SESSION_TIMEOUT",
  timeScale: "VMM_EMULATOR_TIME_SCALE",
  logRequests: "VMM_EMULATOR_LOG_REQUESTS",
  admin: "VMM_EMULATOR_ADMIN",
  adminToken: "VMM_EMULATOR_ADMIN_TOKEN",
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
