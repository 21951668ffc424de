/** Replay: the scenarios of each recording, run against a fresh emulator, compared with it. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPrefix } from "../client/ledger";
import { ALL_SCENARIOS } from "../emulator/scenarios";
import { runSuite } from "../suite";
import { resolveTarget, type TargetConfig } from "../target";
import { compareRecordings, loadRecording, Recorder } from "./recording";

export const RECORDINGS = fileURLToPath(new URL("../../fixtures/recordings/", import.meta.url));

/**
 * Replays recordings against a fresh emulator; answers the differences per file. The kit's own
 * emulator is always the target: in the shell that just recorded a NAS, that NAS's URL, account,
 * pin and tier are set, and none of them applies to the local emulator.
 */
export async function replay(files: readonly string[], config: TargetConfig): Promise<Map<string, string[]>> {
  const local = config.kind === "emulator" ? config : { ...resolveTarget({}), reportDir: config.reportDir };
  const out = new Map<string, string[]>();
  for (const file of files) {
    const recording = loadRecording(file);
    const recorder = new Recorder();
    const scenarios = ALL_SCENARIOS.filter((s) => recording.scenarios.includes(s.id));
    const result = await runSuite(local, {
      scenarios,
      expectations: null,
      onExchange: recorder.onExchange,
      onScenario: recorder.onScenario,
    });
    const problems = compareRecordings(recording, recorder.exchanges(result.runId, runPrefix(result.runId)));
    if (result.setupError !== undefined) problems.unshift(`replay could not start: ${result.setupError}`);
    out.set(file, problems);
  }
  return out;
}

export function recordingFiles(): string[] {
  try {
    return readdirSync(RECORDINGS)
      .filter((f) => f.endsWith(".json"))
      .map((f) => join(RECORDINGS, f));
  } catch {
    return [];
  }
}
