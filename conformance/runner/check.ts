/** Assertions for scenarios: each failure says what DSM was expected to do and what it did. */
import type { z } from "zod";
import { DsmApiError } from "../client/errors";
import { ScenarioFailure } from "./scenario";

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ScenarioFailure(message);
}

export function equal<T>(actual: T, expected: T, what: string): void {
  if (JSON.stringify(actual) === JSON.stringify(expected)) return;
  // Lists of values compared field by field: the message says which differ and how.
  const names = what.split(/,\s*/);
  if (Array.isArray(actual) && Array.isArray(expected) && names.length === expected.length) {
    const diffs = names
      .map((name, i) => [name, expected[i], actual[i]] as const)
      .filter(([, e, a]) => JSON.stringify(e) !== JSON.stringify(a))
      .map(
        ([name, e, a]) =>
          `${name}: expected ${JSON.stringify(e)}, the target holds ${JSON.stringify(a ?? null)}`,
      );
    throw new ScenarioFailure(diffs.join("; "));
  }
  throw new ScenarioFailure(
    `${what}: expected ${JSON.stringify(expected)}, the target holds ${JSON.stringify(actual)}`,
  );
}

/** Awaits `call` and requires a DsmApiError with one of `codes`; answers the error. */
export async function expectCode(
  call: Promise<unknown>,
  codes: number | readonly number[],
  what: string,
): Promise<DsmApiError> {
  const wanted = typeof codes === "number" ? [codes] : codes;
  let result: unknown;
  try {
    result = await call;
  } catch (err) {
    if (err instanceof DsmApiError) {
      if (wanted.includes(err.code)) return err;
      const detail = err.errors === undefined ? "" : ` (errors ${JSON.stringify(err.errors)})`;
      throw new ScenarioFailure(
        `${what}: the emulator answers DSM error ${wanted.join(" or ")}, the target answered ${err.code}${detail}`,
      );
    }
    throw err;
  }
  throw new ScenarioFailure(
    `${what}: the emulator answers DSM error ${wanted.join(" or ")}, the target answered success ${JSON.stringify(result ?? null)}`,
  );
}

/** Validates `value` against a shape; the failure lists every key that differs. */
export function expectShape<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 8).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new ScenarioFailure(`${what} does not have the guide's shape: ${issues.join("; ")}`);
}
