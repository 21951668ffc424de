/**
 * The command line's flags read with Node's own parser (`util.parseArgs`), with what it does
 * not do itself: bare booleans (`--admin`, `--no-admin`) beside the `--admin false` form the
 * emulator always took, a suggestion for a misspelt option, and messages that never repeat a
 * value (it may be a password or a token).
 */
import { parseArgs } from "node:util";

/** The words a boolean option takes. */
export const BOOLEAN_WORDS = ["true", "false", "1", "0"] as const;

/** A usage mistake: the message is for the user, and the command exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * `argv` as `{ flag-name: value }` (names without `--`). `flags` are every flag's name,
 * `booleans` those that may stand alone (`--name` is `true`, `--no-name` is `false`).
 */
export function readFlags(
  argv: readonly string[],
  flags: readonly string[],
  booleans: ReadonlySet<string>,
): Record<string, string> {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const name = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : undefined;
    if (name?.startsWith("no-") && booleans.has(name.slice(3))) {
      args.push(`--${name.slice(3)}=false`);
    } else if (name !== undefined && booleans.has(name)) {
      const next = argv[i + 1];
      if (next !== undefined && (BOOLEAN_WORDS as readonly string[]).includes(next)) {
        args.push(`--${name}=${next}`);
        i++;
      } else if (next !== undefined && !next.startsWith("-")) {
        throw new UsageError(`--${name} takes ${BOOLEAN_WORDS.join(", ")}, or stands alone for true`);
      } else args.push(`--${name}=true`);
    } else args.push(arg);
  }
  try {
    const { values } = parseArgs({
      args,
      options: Object.fromEntries(flags.map((f) => [f, { type: "string" as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Record<string, string>;
  } catch (err) {
    throw new UsageError(explain(err, argv, [...flags, ...[...booleans].map((b) => `no-${b}`)]));
  }
}

function explain(err: unknown, argv: readonly string[], names: readonly string[]): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  // The option's name only: `--name=value` may carry a secret after the `=`.
  const quoted = /'(--?[^' <=]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && quoted !== undefined) {
    const near = suggestion(quoted.replace(/^-+/, ""), names);
    return `unknown option ${quoted}${near === undefined ? "" : ` (did you mean --${near}?)`}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && quoted !== undefined)
    return `option ${quoted} needs a value (--name=value for a value that starts with -)`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    // Its position, not its text: a stray value may be a password.
    const at = argv.findIndex((a, i) => !a.startsWith("-") && !(argv[i - 1] ?? "").startsWith("--"));
    return `unexpected argument${at < 0 ? "" : ` #${at + 1}`}: every option starts with --`;
  }
  return message;
}

/** The nearest name within two edits (or a third of its length) (a typo), or one it is the start of. */
export function suggestion(typed: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(typed, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best !== undefined && best.distance <= Math.max(2, Math.floor(typed.length / 3))) return best.name;
  return typed.length >= 3 ? names.find((n) => n.startsWith(typed)) : undefined;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length] ?? 0;
}
