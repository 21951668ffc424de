/**
 * What a NAS owner must be able to trust: an interrupted run still cleans up and says so, a
 * sweep finds every earlier run's leftovers, refused logins stay below DSM's auto-block, and a
 * recording holds none of the secrets, names, descriptions or accounts it saw.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DsmClient } from "../../conformance/client/dsm-client";
import { Ledger, runPrefix } from "../../conformance/client/ledger";
import { SafetyGuard, SafetyRefusal } from "../../conformance/client/safety";
import { VmmApi } from "../../conformance/client/vmm";
import { Recorder } from "../../conformance/record/recording";
import { writeReports } from "../../conformance/report/write";
import { verdictOf } from "../../conformance/runner/run";
import { runSuite } from "../../conformance/suite";
import { sweepAll } from "../../conformance/sweep";
import { resolveTarget } from "../../conformance/target";
import { useEmulator } from "../harness";

const NAS_SIM = fileURLToPath(new URL("../../fixtures/nas-sim.json", import.meta.url));
const FIXTURE = JSON.parse(readFileSync(NAS_SIM, "utf8")) as {
  accounts: { name: string; password: string }[];
  guests: { guest_name: string; description?: string }[];
  images: { image_name: string }[];
};

describe("a NAS run a NAS owner can trust", () => {
  const t = useEmulator({ fixture: NAS_SIM, timeScale: "instant" }, { login: false });
  const nasEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    VMM_CONFORMANCE_TARGET: "nas",
    VMM_NAS_URL: t.emu.url,
    VMM_NAS_ACCOUNT: "nasadmin",
    VMM_NAS_PASSWORD: "sim-admin-pass",
    VMM_NAS_NONADMIN_ACCOUNT: "auditor",
    VMM_NAS_NONADMIN_PASSWORD: "audit-pass",
    VMM_CONFORMANCE_TIER: "owned",
    VMM_CONFORMANCE_ALLOW_OWNED: new URL(t.emu.url).hostname,
    VMM_CONFORMANCE_POLL_MS: "20",
    VMM_CONFORMANCE_TIMEOUT_MS: "2000",
    ...extra,
  });
  const stateOf = async () => JSON.stringify((await t.emu.admin.state()).guests);

  it("stops on a signal after the scenario in flight, cleans up, and reports the run as interrupted", {
    timeout: 120_000,
  }, async () => {
    const before = await stateOf();
    const controller = new AbortController();
    let started = 0;
    const result = await runSuite(resolveTarget(nasEnv({ VMM_CONFORMANCE_ONLY: "guest.*" })), {
      signal: controller.signal,
      onScenario: (s) => {
        if (s !== undefined && ++started === 2) controller.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(verdictOf(result)).toBe("FAIL");
    const notRun = result.scenarios.filter((s) => s.message?.startsWith("interrupted"));
    expect(notRun.length).toBe(result.scenarios.length - 2);
    expect([result.residue, result.cleanupFailures, result.inventoryChanges]).toEqual([[], [], []]);
    expect(await stateOf()).toBe(before);
    const dir = mkdtempSync(join(tmpdir(), "vmm-interrupted-"));
    writeReports(result, dir);
    expect(readFileSync(join(dir, "matrix.md"), "utf8")).toMatch(/Result: \*\*FAIL\*\*[\s\S]*Interrupted/);
  });

  it("sweep --all finds the leftovers of every earlier run and removes them run by run", async () => {
    const storage = ((await t.emu.admin.state()).storages as { storage_id: string }[])[0];
    for (const runId of ["0000aaaa", "0000bbbb"]) {
      const ledger = new Ledger(runId);
      const dsm = new DsmClient({ baseUrl: t.emu.url, guard: new SafetyGuard("owned", ledger) });
      await dsm.discover();
      await dsm.login("nasadmin", "sim-admin-pass");
      await new VmmApi(dsm).createGuest({
        guest_name: ledger.name("killed"),
        storage_id: storage?.storage_id ?? "",
        vdisks: [{ create_type: 0, vdisk_size: 1024 }],
        vnics: [],
      });
      await dsm.close();
    }
    const dry = await sweepAll(resolveTarget(nasEnv()), true);
    expect([...dry.keys()]).toEqual(["0000aaaa", "0000bbbb"]);
    const done = await sweepAll(resolveTarget(nasEnv()), false);
    expect([...done.values()].map((r) => [r.failures, r.removed.length])).toEqual([
      [[], 1],
      [[], 1],
    ]);
    expect((await sweepAll(resolveTarget(nasEnv()), true)).size).toBe(0);
  });

  it("refuses a login before sending it once the budget of refused logins is spent", async () => {
    const dsm = new DsmClient({ baseUrl: t.emu.url, loginBudget: 2 });
    await dsm.discover();
    const journalLogins = async () =>
      (
        (await (await fetch(`${t.emu.url}/__admin/journal?limit=10000&method=login`)).json()) as {
          entries: unknown[];
        }
      ).entries.length;
    const sent = await journalLogins();
    for (let i = 0; i < 2; i++) await expect(dsm.login("nasadmin", "wrong")).rejects.toThrow(/DSM error/);
    await expect(dsm.login("nasadmin", "sim-admin-pass")).rejects.toBeInstanceOf(SafetyRefusal);
    expect((await journalLogins()) - sent).toBe(2);
    expect(dsm.failedLogins.length).toBe(2);
    await dsm.close();
  });

  it("a NAS run's refused logins stay below DSM's auto-block, and its recording holds no secret, name or account", {
    timeout: 120_000,
  }, async () => {
    const recorder = new Recorder();
    const result = await runSuite(resolveTarget(nasEnv()), {
      onExchange: recorder.onExchange,
      onScenario: recorder.onScenario,
    });
    expect(result.failedLogins).toBeGreaterThan(0);
    expect(result.failedLogins).toBeLessThan(10);
    const text = JSON.stringify(recorder.recording(result, runPrefix(result.runId), "test"));
    const seen = [
      ...result.secrets,
      ...FIXTURE.accounts.flatMap((a) => [a.name, a.password]),
      ...FIXTURE.guests.flatMap((g) => [g.guest_name, g.description ?? ""]),
      ...FIXTURE.images.map((i) => i.image_name),
    ].filter((s) => s.length >= 4);
    expect(seen.length).toBeGreaterThan(8);
    expect(seen.filter((s) => text.includes(s))).toEqual([]);
  });
});
