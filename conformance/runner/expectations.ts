/**
 * Known differences, one file per target profile (`conformance/expectations/<kind>.json`):
 * a scenario pattern, the status expected instead of a pass, and why. A listed failure that
 * passes fails the run ("unexpected pass"), and so does a pattern that matches no scenario:
 * the file cannot go stale without someone noticing.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

export const expectationFile = z.strictObject({
  profile: z.enum(["emulator", "nas"]),
  expectations: z.array(
    z.strictObject({
      /** Scenario id, `*` matches any run of characters. */
      scenario: z.string().min(1),
      /** fail: a known difference; indeterminate: known not to settle; skip: not run at all. */
      status: z.enum(["fail", "indeterminate", "skip"]),
      reason: z.string().min(10),
    }),
  ),
});
export type ExpectationFile = z.infer<typeof expectationFile>;
export type Expectation = ExpectationFile["expectations"][number];

export function loadExpectations(path: string): ExpectationFile {
  return expectationFile.parse(JSON.parse(readFileSync(path, "utf8")));
}

export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}

/** The first entry whose pattern matches the scenario id. */
export function expectationFor(file: ExpectationFile, scenarioId: string): Expectation | undefined {
  return file.expectations.find((e) => globToRegExp(e.scenario).test(scenarioId));
}

/** Patterns that match none of the scenario ids: stale entries. */
export function stalePatterns(file: ExpectationFile, scenarioIds: readonly string[]): string[] {
  return file.expectations
    .filter((e) => !scenarioIds.some((id) => globToRegExp(e.scenario).test(id)))
    .map((e) => e.scenario);
}

export type Outcome = "pass" | "fail" | "indeterminate" | "skipped-unsupported" | "disabled";
export type Status = Outcome | "known-difference" | "unexpected-pass";

/** What an outcome counts as once the expectation is applied. */
export function applyExpectation(outcome: Outcome, expectation: Expectation | undefined): Status {
  if (expectation === undefined || expectation.status === "skip") return outcome;
  if (outcome === "pass") return "unexpected-pass";
  if (expectation.status === "fail" && outcome === "fail") return "known-difference";
  if (expectation.status === "indeterminate" && outcome === "indeterminate") return "known-difference";
  return outcome;
}

/** Statuses that make the run fail. */
export function isFailing(status: Status): boolean {
  return status === "fail" || status === "unexpected-pass";
}
