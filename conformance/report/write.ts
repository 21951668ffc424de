/**
 * The run's reports: JUnit XML and JSON for CI, a Markdown compatibility matrix for people.
 * Every text goes through redaction before it is written.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunResult, type ScenarioResult, verdictOf } from "../runner/run";
import { matrixRows } from "./matrix";
import { redactText } from "./redact";

const STATUS_LABEL: Record<ScenarioResult["status"], string> = {
  pass: "pass",
  fail: "FAIL",
  indeterminate: "indeterminate",
  "skipped-unsupported": "skipped-unsupported",
  disabled: "disabled",
  "known-difference": "known difference",
  "unexpected-pass": "FAIL (unexpected pass: remove the expectation)",
};

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function toMarkdown(result: RunResult): string {
  const { target } = result;
  const lines = [
    `# VMM WebAPI compatibility: ${target.kind} (${target.model}, ${target.dsmVersion})`,
    "",
    `Run \`${result.runId}\` on ${result.startedAt}, tier \`${target.tier}\`, ${(result.durationMs / 1000).toFixed(1)} s. ` +
      `Result: **${verdictOf(result)}**.`,
    "",
  ];
  if (result.setupError !== undefined) lines.push(`Setup failed: ${cell(result.setupError)}`, "");
  if (result.interrupted)
    lines.push("Interrupted (Ctrl-C or SIGTERM): later scenarios did not run; cleanup ran.", "");
  lines.push(
    `Refused logins during the run: ${result.failedLogins} (DSM's default auto-block: 10 in 5 minutes).`,
    "",
  );
  lines.push("| API | method | status | scenarios |", "|---|---|---|---|");
  for (const row of matrixRows(result)) {
    const counts =
      row.scenarios.length === 0
        ? ""
        : `${row.scenarios.filter((s) => s.status === "pass").length}/${row.scenarios.length} pass`;
    lines.push(`| ${row.api} | ${row.method} | ${row.status} | ${counts} |`);
  }
  lines.push("", "## Scenarios", "", "| scenario | status | detail |", "|---|---|---|");
  for (const s of result.scenarios) {
    const detail = [s.message, s.expectationReason, ...s.notes].filter((x) => x !== undefined).join("; ");
    lines.push(`| \`${s.id}\` | ${STATUS_LABEL[s.status]} | ${cell(detail)} |`);
  }
  lines.push("", "## Run checks", "");
  const checks: [string, readonly string[]][] = [
    ["Cleanup failures", result.cleanupFailures.map((f) => `${f.step}: ${f.error}`)],
    ["Residue in the run's prefix", result.residue],
    ["Changes to the pre-existing inventory", result.inventoryChanges],
    ["Stale expectations (match no scenario)", result.staleExpectations],
    ["Differences of the wire outside scenarios", result.wireDifferences],
  ];
  for (const [title, items] of checks) {
    lines.push(`- ${title}: ${items.length === 0 ? "none" : ""}`);
    for (const item of items) lines.push(`  - ${cell(item)}`);
  }
  return redactText(`${lines.join("\n")}\n`, result.secrets);
}

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function toJUnit(result: RunResult): string {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const s of result.scenarios) {
    const classname = xml(s.covers[0]?.[0] ?? "(common)");
    const head = `<testcase classname="${classname}" name="${xml(s.id)}" time="${(s.durationMs / 1000).toFixed(3)}">`;
    const message = xml(s.message ?? s.expectationReason ?? "");
    let body = "";
    if (s.status === "fail" || s.status === "unexpected-pass") {
      failures++;
      body = `<failure message="${message}" type="${s.status}"/>`;
    } else if (s.status === "indeterminate") {
      // Neither pass nor fail: an error, so CI shows it without calling it a regression.
      errors++;
      body = `<error message="${message}" type="indeterminate"/>`;
    } else if (s.status === "disabled" || s.status === "skipped-unsupported") {
      skipped++;
      body = `<skipped message="${xml(`${s.status}: ${s.message ?? ""}`)}"/>`;
    } else if (s.status === "known-difference") {
      body = `<system-out>${xml(`known difference: ${s.expectationReason ?? ""}; ${s.message ?? ""}`)}</system-out>`;
    }
    cases.push(`  ${head}${body}</testcase>`);
  }
  const runChecks: [string, readonly string[]][] = [
    ["run.cleanup", result.cleanupFailures.map((f) => `${f.step}: ${f.error}`)],
    ["run.no-residue", result.residue],
    ["run.inventory-unchanged", result.inventoryChanges],
    ["run.expectations-current", result.staleExpectations],
    ["run.wire", result.wireDifferences],
    ["run.setup", result.setupError === undefined ? [] : [result.setupError]],
  ];
  for (const [name, problems] of runChecks) {
    const body = problems.length === 0 ? "" : `<failure message="${xml(problems.join("; "))}" type="run"/>`;
    if (problems.length > 0) failures++;
    cases.push(`  <testcase classname="run" name="${name}" time="0">${body}</testcase>`);
  }
  const tests = cases.length;
  const suite =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuite name="vmm-conformance ${xml(result.target.kind)} ${xml(result.target.dsmVersion)}" tests="${tests}" ` +
    `failures="${failures}" errors="${errors}" skipped="${skipped}" time="${(result.durationMs / 1000).toFixed(3)}" ` +
    `timestamp="${xml(result.startedAt)}">\n${cases.join("\n")}\n</testsuite>\n`;
  return redactText(suite, result.secrets);
}

export function toJson(result: RunResult): string {
  const { secrets, ...rest } = result;
  return redactText(`${JSON.stringify(rest, null, 2)}\n`, secrets);
}

/** Writes junit.xml, results.json and matrix.md into `dir`; answers their paths. */
export function writeReports(result: RunResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ["junit.xml", toJUnit(result)],
    ["results.json", toJson(result)],
    ["matrix.md", toMarkdown(result)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
