import { describe, expect, it } from "vitest";
import { loadRecording } from "../../conformance/record/recording";
import { recordingFiles, replay } from "../../conformance/record/replay";
import { resolveTarget } from "../../conformance/target";

describe("replaying the recordings against the emulator", () => {
  const files = recordingFiles();

  it("has at least one recording, each saying where it came from", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const r = loadRecording(file);
      expect(r.source, file).not.toBe("");
      expect([r.dsm_version, r.model, r.recorded_at].every((x) => x !== "")).toBe(true);
      expect(JSON.stringify(r)).not.toMatch(/"(sid|synotoken|passwd)":\s*"(?!<redacted>)/);
    }
  });

  it("finds the emulator's keys, types and stable values as recorded", async () => {
    const results = await replay(files, resolveTarget({}));
    for (const [file, problems] of results) expect(problems, file).toEqual([]);
  });
});
