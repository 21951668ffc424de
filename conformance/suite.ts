/**
 * The whole suite against a configured target: opens the target (starting the kit's own
 * emulator when the config says so), runs every scenario and closes the target again.
 * The CLI, replay and most tests run this way; `runConformance` is the building block under it.
 */
import { ALL_SCENARIOS } from "./emulator/scenarios";
import { type RunOptions, type RunResult, runConformance } from "./runner/run";
import { openTarget, type TargetConfig } from "./target";

export type SuiteOptions = Omit<RunOptions, "target" | "scenarios" | "runId" | "only"> &
  Partial<Pick<RunOptions, "scenarios">>;

export async function runSuite(config: TargetConfig, options: SuiteOptions = {}): Promise<RunResult> {
  const target = await openTarget(config);
  try {
    return await runConformance({
      scenarios: ALL_SCENARIOS,
      ...options,
      target,
      runId: config.runId,
      only: config.only,
    });
  } finally {
    await target.close();
  }
}
