import { describe, expect, it } from "vitest";
import { loadRecording } from "../../conformance/record/recording";
import { recordingFiles, replay } from "../../conformance/record/replay";
import { resolveTarget } from "../../conformance/target";

/**
 * The emulator loaded with the fixture the committed recording was made against (docs/conformance.md),
 * so its pre-existing objects are compared like with like: by count and statuses, not by name.
 */
const SIMULATED_NAS = {
  VMM_CONFORMANCE_EMULATOR_FIXTURE: "fixtures/nas-sim.json",
  VMM_NAS_ACCOUNT: "nasadmin",
  VMM_NAS_PASSWORD: "sim-admin-pass",
  VMM_NAS_NONADMIN_ACCOUNT: "auditor",
  VMM_NAS_NONADMIN_PASSWORD: "audit-pass",
  VMM_NAS_IMAGE_PATH: "/vmimages/tiny.img",
};

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
    const results = await replay(files, resolveTarget(SIMULATED_NAS));
    for (const [file, problems] of results) expect(problems, file).toEqual([]);
  });

  it("against an emulator holding another inventory, differs only in the pre-existing objects' counts and statuses", async () => {
    const results = await replay(files, resolveTarget({}));
    for (const [file, problems] of results) {
      expect(problems.length, file).toBeGreaterThan(0);
      expect(
        problems.filter((p) => !/: pre-existing objects recorded .*, replayed /.test(p)),
        file,
      ).toEqual([]);
    }
  });
});
