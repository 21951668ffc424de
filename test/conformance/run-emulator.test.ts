import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_SCENARIOS } from "../../conformance/emulator/scenarios";
import { writeReports } from "../../conformance/report/write";
import { runSuite } from "../../conformance/suite";
import { resolveTarget } from "../../conformance/target";

describe("a full conformance run against the kit's own emulator", () => {
  it("passes every scenario, leaves nothing behind, and writes redacted reports", {
    timeout: 120_000,
  }, async () => {
    const result = await runSuite(resolveTarget({}));
    const notPassing = result.scenarios
      .filter((s) => s.status !== "pass")
      .map((s) => `${s.id}: ${s.status} ${s.message ?? ""}`);
    expect(notPassing).toEqual([]);
    expect(result.scenarios).toHaveLength(ALL_SCENARIOS.length);
    expect([
      result.cleanupFailures,
      result.residue,
      result.inventoryChanges,
      result.staleExpectations,
    ]).toEqual([[], [], [], []]);
    expect(result.ok).toBe(true);
    expect(result.target.dsmVersion).toBe("DSM 7.2.2-72806 Update 3");

    const dir = mkdtempSync(join(tmpdir(), "vmm-conformance-"));
    const files = writeReports(result, dir);
    const texts = files.map((f) => readFileSync(f, "utf8"));
    for (const text of texts) {
      for (const secret of result.secrets)
        expect(text.includes(secret), `a secret leaked into a report`).toBe(false);
    }
    const [junit, json, markdown] = texts;
    // The scenarios and six run checks (cleanup, residue, inventory, expectations, wire, setup).
    expect(junit).toContain(`tests="${ALL_SCENARIOS.length + 6}" failures="0" errors="0"`);
    expect(JSON.parse(json ?? "{}").ok).toBe(true);
    expect(markdown).toContain("| SYNO.Virtualization.API.Guest.Action | poweron | pass |");
    expect(markdown).toContain("(DS1621+, DSM 7.2.2-72806 Update 3)");
  });
});
