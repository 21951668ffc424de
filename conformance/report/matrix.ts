/**
 * The compatibility matrix: one row per API method of the spec (plus the dispatcher's common
 * answers), with the combined status of the scenarios that cover it.
 */
import { allMethods } from "../../contract/apis";
import type { Status } from "../runner/expectations";
import type { RunResult, ScenarioResult } from "../runner/run";

export type CellStatus =
  | "pass"
  | "fail"
  | "known difference"
  | "indeterminate"
  | "skipped-unsupported"
  | "disabled"
  | "not covered";

export interface MatrixRow {
  readonly api: string;
  readonly method: string;
  readonly status: CellStatus;
  readonly scenarios: readonly ScenarioResult[];
}

const ORDER: readonly [CellStatus, (s: Status) => boolean][] = [
  ["fail", (s) => s === "fail" || s === "unexpected-pass"],
  ["indeterminate", (s) => s === "indeterminate"],
  ["known difference", (s) => s === "known-difference"],
  ["pass", (s) => s === "pass"],
  ["skipped-unsupported", (s) => s === "skipped-unsupported"],
  ["disabled", (s) => s === "disabled"],
];

export function cellStatus(results: readonly ScenarioResult[]): CellStatus {
  for (const [cell, matches] of ORDER) if (results.some((r) => matches(r.status))) return cell;
  return "not covered";
}

export function matrixRows(result: RunResult): MatrixRow[] {
  const methods: [string, string][] = [
    ["(common)", "any method"],
    ...allMethods().map(([api, method]): [string, string] => [api, method]),
  ];
  return methods.map(([api, method]) => {
    const scenarios = result.scenarios.filter((s) => s.covers.some(([a, m]) => a === api && m === method));
    return { api, method, status: cellStatus(scenarios), scenarios };
  });
}
