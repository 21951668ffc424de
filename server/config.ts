/**
 * Emulator options: command-line flags with environment-variable equivalents, validated with zod.
 * Flags win over the environment; defaults give a local, persistent emulator on 127.0.0.1:5000.
 * Each option carries its `--help` text (`about`); docs/configuration.md's table is held to
 * it by test/packaging/cli.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { readFlags } from "./cli-args";

/**
 * The package's folder: the nearest one above this file with a package.json. The sources run
 * from `server/`, the compiled code from `dist/server/`; both find the same folder.
 */
export const PROJECT_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
/** Beside the code (`fixtures/` in the repository, `dist/fixtures/` in the package). */
export const DEFAULT_FIXTURE = fileURLToPath(new URL("../fixtures/default.json", import.meta.url));
export const DEFAULT_DB = join(PROJECT_ROOT, "data", "emulator.sqlite");

/** The package's version (package.json), read once. */
export function packageVersion(): string {
  cachedVersion ??= (
    JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }
  ).version;
  return cachedVersion;
}
let cachedVersion: string | undefined;

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return dirname(from);
  }
}

/** An option's placeholder, its default as `--help` shows it (when not the value itself), its meaning. */
type About = {
  readonly arg: string;
  readonly shownDefault?: string;
  readonly description: string;
};
/**
 * The options' help, in a registry of this module's own: zod's global registry is shared with
 * every other copy of zod in the process (the consumer's too), which should not see ours.
 */
const HELP = z.registry<About>();
const about = (arg: string, description: string, shownDefault?: string): About => ({
  arg,
  description,
  shownDefault,
});

/** A file or folder, with no default. */
const optionalPath = (description: string) =>
  z.string().min(1).optional().register(HELP, about("<path>", description));

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

/** An account the seeded fixture gets (`--accounts`): plain, enabled, without 2-step verification. */
const accountEntry = z.strictObject({
  name: z.string().min(1),
  password: z.string().min(1),
  admin: z.boolean(),
});
export type AccountOption = z.output<typeof accountEntry>;

/**
 * `name:password[:admin|:user]`, comma-separated. The password may hold `:` (the role is only
 * ever the last field) but not `,`. Messages never repeat an entry: it holds a password.
 */
function parseAccounts(text: string, ctx: z.RefinementCtx): AccountOption[] {
  const accounts: AccountOption[] = [];
  for (const [i, entry] of text.split(",").entries()) {
    const colon = entry.indexOf(":");
    const role = /:(admin|user)$/.exec(entry)?.[1];
    const password = entry.slice(colon + 1, role === undefined ? undefined : -(role.length + 1));
    const name = entry.slice(0, colon);
    if (colon <= 0 || password === "") {
      ctx.addIssue({ code: "custom", message: `entry ${i + 1} is not name:password[:admin|:user]` });
      continue;
    }
    if (accounts.some((a) => a.name === name))
      ctx.addIssue({ code: "custom", message: `account ${name} is given twice` });
    accounts.push({ name, password, admin: role === "admin" });
  }
  return accounts;
}

const options = z.object({
  host: z
    .string()
    .min(1)
    .default("127.0.0.1")
    .register(HELP, about("<addr>", "The address to listen on. Use 0.0.0.0 in a container.")),
  /**
   * Host names answered beside IP literals, localhost, single-label names and `host` (DNS
   * rebinding); comma-separated, `*` for any.
   */
  allowedHosts: z
    .union([z.string(), z.array(z.string())])
    .default("")
    .transform((v) => (typeof v === "string" ? v.split(",") : v).map((h) => h.trim()).filter((h) => h !== ""))
    .register(
      HELP,
      about(
        "<names>",
        "Host names answered beside IP literals, localhost, *.localhost, single-label names (dsm) and --host (DNS rebinding: any other Host gets 403). Comma-separated; * for any.",
        "none",
      ),
    ),
  port: portNumber
    .default(5000)
    .register(
      HELP,
      about("<n>", "TCP port (DSM's HTTP port). 0 picks a free port, shown in the ready line."),
    ),
  /** DSM's HTTPS port beside the HTTP one (same app, same state); `off` serves HTTP only. */
  httpsPort: z
    .union([z.literal("off"), portNumber])
    .optional()
    .register(
      HELP,
      about(
        "<n|off>",
        "DSM's HTTPS port: the same app and state over TLS. 0 picks a free port, off serves HTTP only.",
        "5001 (0 when --port is 0)",
      ),
    ),
  /** A certificate and key (PEM files) for HTTPS; without them a self-signed one is made. */
  tlsCert: optionalPath(
    "A PEM certificate for HTTPS (with --tls-key). Without them a self-signed one is made.",
  ),
  tlsKey: optionalPath("Its PEM private key."),
  db: z
    .string()
    .min(1)
    .default(DEFAULT_DB)
    .register(
      HELP,
      about(
        "<path>",
        "The SQLite file, created and seeded on first start. :memory: gives throw-away state.",
        "data/emulator.sqlite in the package's folder",
      ),
    ),
  fixture: z
    .string()
    .min(1)
    .default(DEFAULT_FIXTURE)
    .register(
      HELP,
      about(
        "<path>",
        "The inventory that seeds a new database. An existing database is not re-seeded.",
        "the default fixture (fixtures/default.json)",
      ),
    ),
  accounts: z
    .union([z.string().min(1), z.array(accountEntry)])
    .transform((v, ctx) => (typeof v === "string" ? parseAccounts(v, ctx) : v))
    .default([])
    .register(
      HELP,
      about(
        "<name:password[:admin|:user],...>",
        "Accounts added to the fixture, or put in place of its accounts of the same name, when a database is seeded.",
        "none",
      ),
    ),
  /** Idle seconds before a session expires. */
  sessionTimeout: z.coerce
    .number()
    .int()
    .positive()
    .default(900)
    .register(HELP, about("<s>", "Seconds a session may stay idle before it expires.")),
  /** What an expired session answers: DSM 7's 119 (SID not found), or the guide's 106 (timeout). */
  sessionExpiredCode: z
    .union([z.literal(119), z.literal(106), z.enum(["119", "106"])])
    .transform((v): 119 | 106 => (Number(v) === 106 ? 106 : 119))
    .default(119)
    .register(
      HELP,
      about("<c>", "What an expired session answers: 119 (as DSM 7 does) or 106 (the guide's timeout)."),
    ),
  /** Auto-block: failed logins from one address within the window before it is blocked (407). */
  autoBlockAttempts: attemptsOrOff
    .default(10)
    .register(
      HELP,
      about("<n|off>", "Failed logins from one address within the window before it is blocked (407)."),
    ),
  autoBlockWindow: z.coerce
    .number()
    .positive()
    .max(525_600)
    .default(5)
    .register(HELP, about("<min>", "The auto-block window, in minutes.")),
  autoBlockExpiry: minutesOrNever
    .default("never")
    .register(HELP, about("<min|never>", "How long a block lasts; never: until the control plane lifts it.")),
  timeScale: timeScale
    .default("realtime")
    .register(
      HELP,
      about("<s>", "How long simulated work takes: realtime, instant, or a number N (N times faster)."),
    ),
  /** Log one line per request on stderr (secrets redacted). */
  logRequests: boolOption
    .default(false)
    .register(
      HELP,
      about(
        "<true|false>",
        "One line per request on stderr (DSM calls, control-plane calls, other paths), with secrets redacted.",
      ),
    ),
  /** How log lines are written: plain text, or one JSON object a line with its time. */
  logFormat: z
    .enum(["text", "json"])
    .default("text")
    .register(
      HELP,
      about("<text|json>", "How log lines are written: text, or json (one object a line, with its time)."),
    ),
  /** Serve the control plane under /__admin (false: those paths answer like any unknown path). */
  admin: boolOption
    .default(true)
    .register(HELP, about("<true|false>", "Serves the control plane under /__admin.")),
  /** When set, every control-plane call needs `Authorization: Bearer <token>`. */
  adminToken: z
    .string()
    .min(1)
    .optional()
    .register(
      HELP,
      about(
        "<t>",
        "Control-plane calls then need Authorization: Bearer <t>. Needed when --host is not a loopback address.",
      ),
    ),
  /**
   * The control plane beyond loopback without a token: for a container on a private CI network
   * (the image sets it). The Host check (DNS rebinding) and the browser guard still apply.
   */
  adminOpen: boolOption
    .default(false)
    .register(
      HELP,
      about(
        "<true|false>",
        "Serves the control plane beyond loopback without a token (a container on a private network). The Host and Origin checks still apply.",
      ),
    ),
  /** The token read from a file (a Docker secret, say), so that it shows in no process list. */
  adminTokenFile: optionalPath("Reads --admin-token from this file (trailing newline dropped)."),
  /** The largest file an upload (`upload_and_create`) may carry, in bytes (default 64 GiB). */
  maxUpload: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 ** 3)
    .register(
      HELP,
      about("<bytes>", "The largest file upload_and_create takes (413 beyond it).", "68719476736 (64 GiB)"),
    ),
  /** Compute each upload's SHA-256 as it streams (shown by the control plane's state). */
  hashUploads: boolOption
    .default(true)
    .register(HELP, about("<true|false>", "Compute each upload's SHA-256 as it streams.")),
  /** Keep uploaded files in this folder; by default they are counted and dropped. */
  uploadDir: optionalPath(
    "Keep uploaded files there (made at start if missing; files 0600); by default they are counted and dropped.",
  ),
  /** Keep the control plane's snapshots as files there (they then survive a restart). */
  snapshotDir: optionalPath("Keep the control plane's snapshots as files there, so they survive a restart."),
  /** How many DSM calls the control plane's journal keeps (oldest dropped first). */
  journalSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1000)
    .register(HELP, about("<n>", "How many DSM calls the control plane's journal keeps.")),
  /** The CLI's ready line, also written to this file (read by the CLI only). */
  readyFile: optionalPath(
    "Also writes the ready line to this file once listening (removed at start and on a clean stop).",
  ),
});

const isLoopback = (host: string) =>
  host === "localhost" || host === "::1" || host.startsWith("127.") || host.startsWith("::ffff:127.");

/**
 * The rules across options: the token file is read (and dropped, so that the result parses
 * again), the control plane refuses to listen beyond loopback without a token (anyone who can
 * reach the port could reset or reshape the NAS), and `--port 0` makes HTTPS take a free port
 * too, so that two throw-away emulators never race for 5001.
 */
function settle(c: z.output<typeof options>, ctx: z.RefinementCtx) {
  let adminToken = c.adminToken;
  if (c.adminTokenFile !== undefined) {
    if (adminToken !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["adminTokenFile"],
        message: "give it or --admin-token, not both",
      });
    try {
      adminToken = readFileSync(c.adminTokenFile, "utf8").replace(/\r?\n$/, "");
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["adminTokenFile"], message: (err as Error).message });
    }
    if (adminToken === "")
      ctx.addIssue({ code: "custom", path: ["adminTokenFile"], message: "the file is empty" });
  }
  if (c.admin && adminToken === undefined && !c.adminOpen && !isLoopback(c.host))
    ctx.addIssue({
      code: "custom",
      path: ["adminToken"],
      message: `needed to serve the control plane on ${c.host}, which is not a loopback address (or --admin-open on a private network, or --admin false)`,
    });
  return { ...c, adminToken, adminTokenFile: undefined, httpsPort: c.httpsPort ?? (c.port === 0 ? 0 : 5001) };
}

export const configSchema = options.transform(settle);

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
  accounts: "VMM_EMULATOR_ACCOUNTS",
  sessionTimeout: "VMM_EMULATOR_SESSION_TIMEOUT",
  sessionExpiredCode: "VMM_EMULATOR_SESSION_EXPIRED_CODE",
  autoBlockAttempts: "VMM_EMULATOR_AUTO_BLOCK_ATTEMPTS",
  autoBlockWindow: "VMM_EMULATOR_AUTO_BLOCK_WINDOW",
  autoBlockExpiry: "VMM_EMULATOR_AUTO_BLOCK_EXPIRY",
  timeScale: "VMM_EMULATOR_TIME_SCALE",
  logRequests: "VMM_EMULATOR_LOG_REQUESTS",
  logFormat: "VMM_EMULATOR_LOG_FORMAT",
  admin: "VMM_EMULATOR_ADMIN",
  adminOpen: "VMM_EMULATOR_ADMIN_OPEN",
  adminToken: "VMM_EMULATOR_ADMIN_TOKEN",
  adminTokenFile: "VMM_EMULATOR_ADMIN_TOKEN_FILE",
  maxUpload: "VMM_EMULATOR_MAX_UPLOAD",
  hashUploads: "VMM_EMULATOR_HASH_UPLOADS",
  uploadDir: "VMM_EMULATOR_UPLOAD_DIR",
  snapshotDir: "VMM_EMULATOR_SNAPSHOT_DIR",
  journalSize: "VMM_EMULATOR_JOURNAL_SIZE",
  readyFile: "VMM_EMULATOR_READY_FILE",
} as const satisfies Record<keyof Config, string>;

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The options that may stand alone on the command line (`--admin`, `--no-admin`). */
const BOOLEAN_OPTIONS: ReadonlySet<keyof typeof OPTIONS> = new Set([
  "logRequests",
  "admin",
  "adminOpen",
  "hashUploads",
] as const satisfies (keyof typeof OPTIONS)[]);

/** What an option with a closed set of values accepts, for the message when it is given another. */
const ACCEPTS: Partial<Record<keyof typeof OPTIONS, string>> = {
  httpsPort: "a port from 0 to 65535, or off",
  sessionExpiredCode: "119 or 106",
  autoBlockAttempts: "a count from 1, or off",
  autoBlockExpiry: "a number of minutes, or never",
  timeScale: "realtime, instant, or a number N > 0 (N times faster)",
  logRequests: "true, false, 1 or 0",
  logFormat: "text or json",
  admin: "true, false, 1 or 0",
  adminOpen: "true, false, 1 or 0",
  hashUploads: "true, false, 1 or 0",
};

/** Reads `--flag value` / `--flag=value` arguments and the environment; throws with a usage message. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const raw: Record<string, string> = {};
  for (const [key, variable] of Object.entries(OPTIONS)) {
    const value = env[variable];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const keyOf = new Map(Object.keys(OPTIONS).map((k) => [kebab(k), k as keyof typeof OPTIONS]));
  const booleans = new Set([...keyOf].filter(([, key]) => BOOLEAN_OPTIONS.has(key)).map(([flag]) => flag));
  let flags: Record<string, string>;
  try {
    flags = readFlags(argv, [...keyOf.keys()], booleans);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  for (const [flag, value] of Object.entries(flags)) {
    const key = keyOf.get(flag);
    if (key !== undefined) raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    // Only the option is named, never its value (it may be a password or a token).
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0]) as keyof typeof OPTIONS;
      const accepts = ACCEPTS[key];
      return `  --${kebab(key)}: ${accepts === undefined ? i.message : `accepts ${accepts}`}`;
    });
    throw new Error(`invalid options:\n${[...new Set(lines)].join("\n")}\n${USAGE}`);
  }
  return parsed.data;
}

const USAGE =
  "usage: synology-vmm-emulator [options] (from a clone: npm start -- [options]); --help lists them";

/** An option as `--help` and docs/configuration.md show it. */
export interface OptionHelp {
  readonly flag: string;
  readonly arg: string;
  readonly env: string;
  readonly shownDefault: string;
  readonly description: string;
}

export function optionTable(): OptionHelp[] {
  const defaults: Record<string, unknown> = options.parse({});
  return Object.entries(OPTIONS).map(([key, env]) => {
    const meta = HELP.get(options.shape[key as keyof typeof OPTIONS]);
    const value = defaults[key];
    return {
      flag: `--${kebab(key)}`,
      arg: meta?.arg ?? "<value>",
      env,
      shownDefault: meta?.shownDefault ?? (value === undefined ? "none" : String(value)),
      description: meta?.description ?? "",
    };
  });
}
