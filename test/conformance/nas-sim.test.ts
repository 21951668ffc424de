/**
 * A NAS run, simulated: the kit in NAS mode against an emulator started separately with
 * fixtures/nas-sim.json (its own inventory and accounts). Proves the safe defaults: readonly
 * unless opted in, refusal of a destructive call outside the ledger before it is sent, and no
 * residue and no change to the pre-existing inventory after an owned run.
 */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DsmClient } from "../../conformance/client/dsm-client";
import { Ledger } from "../../conformance/client/ledger";
import { SafetyGuard, SafetyRefusal } from "../../conformance/client/safety";
import { VmmApi } from "../../conformance/client/vmm";
import { runSuite } from "../../conformance/suite";
import { sweep } from "../../conformance/sweep";
import { resolveTarget } from "../../conformance/target";
import { useEmulator } from "../harness";

const NAS_SIM = fileURLToPath(new URL("../../fixtures/nas-sim.json", import.meta.url));
const MUTATING = new Set(["create", "set", "delete", "poweron", "poweroff", "shutdown", "clear"]);

interface Journal {
  entries: { api: string | null; method: string | null; params: Record<string, string> }[];
}

describe("the kit against a simulated NAS", () => {
  // The NAS has its own accounts (no admin/synology), and the journal must show only the kit's calls.
  const t = useEmulator({ fixture: NAS_SIM, timeScale: "instant" }, { login: false });
  let env: NodeJS.ProcessEnv;
  let host: string;
  const state = async () => JSON.stringify(((await t.emu.admin.state()) as { guests?: unknown }).guests);
  const journal = async () =>
    (await (await fetch(`${t.emu.url}/__admin/journal?limit=10000`)).json()) as Journal;

  beforeAll(async () => {
    host = new URL(t.emu.url).hostname;
    env = {
      VMM_CONFORMANCE_TARGET: "nas",
      VMM_NAS_URL: t.emu.url,
      VMM_NAS_ACCOUNT: "nasadmin",
      VMM_NAS_PASSWORD: "sim-admin-pass",
      VMM_NAS_NONADMIN_ACCOUNT: "auditor",
      VMM_NAS_NONADMIN_PASSWORD: "audit-pass",
      VMM_NAS_IMAGE_PATH: "/vmimages/tiny.img",
      VMM_CONFORMANCE_POLL_MS: "5",
      VMM_CONFORMANCE_TIMEOUT_MS: "5000",
    };
  });

  it("is readonly by default: owned scenarios are disabled and nothing mutating is sent", async () => {
    const before = await state();
    const result = await runSuite(resolveTarget(env));
    expect(result.setupError).toBeUndefined();
    expect(result.target).toMatchObject({ kind: "nas", tier: "readonly", model: "DS923+" });
    expect(result.ok).toBe(true);
    const byTier = (tier: string) => result.scenarios.filter((s) => s.tier === tier);
    expect(byTier("readonly").every((s) => s.status === "pass" || s.status === "skipped-unsupported")).toBe(
      true,
    );
    expect(
      byTier("owned")
        .map((s) => s.status)
        .filter((s) => s !== "disabled" && s !== "skipped-unsupported"),
    ).toEqual([]);
    expect(byTier("owned").filter((s) => s.status === "disabled").length).toBeGreaterThan(10);
    expect(
      result.scenarios.filter((s) => s.id.startsWith("emulator.")).every((s) => s.status !== "pass"),
    ).toBe(true);
    const sent = (await journal()).entries.filter(
      (e) => e.api?.startsWith("SYNO.Virtualization") && MUTATING.has(e.method ?? ""),
    );
    expect(sent).toEqual([]);
    expect(await state()).toBe(before);
  });

  it("refuses a destructive call on a pre-existing guest before sending it", async () => {
    const ledger = new Ledger("0badc0de");
    const dsm = new DsmClient({ baseUrl: t.emu.url, guard: new SafetyGuard("owned", ledger) });
    const vmm = new VmmApi(dsm);
    await dsm.discover();
    await dsm.login("nasadmin", "sim-admin-pass");
    const prod = (await vmm.listGuests()).find((g) => g.guest_name === "prod-db");
    expect(prod?.status).toBe("running");
    const seqBefore = (await journal()).entries.length;
    await expect(vmm.powerOff({ guest_id: prod?.guest_id ?? "" })).rejects.toBeInstanceOf(SafetyRefusal);
    await expect(vmm.deleteGuest({ guest_name: "prod-db" })).rejects.toBeInstanceOf(SafetyRefusal);
    await expect(vmm.deleteImage({ image_name: "debian-12-cloud" })).rejects.toBeInstanceOf(SafetyRefusal);
    expect((await journal()).entries.length).toBe(seqBefore);
    expect((await vmm.getGuest({ guest_name: "prod-db" })).status).toBe("running");
    await dsm.logout();
    await dsm.close();
  });

  it("with the owned opt-in naming this host, runs the lifecycle and leaves no residue", async () => {
    const before = await state();
    const config = resolveTarget({
      ...env,
      VMM_CONFORMANCE_TIER: "owned",
      VMM_CONFORMANCE_ALLOW_OWNED: host,
    });
    const result = await runSuite(config);
    const bad = result.scenarios.filter((s) => s.status === "fail" || s.status === "unexpected-pass");
    expect(bad.map((s) => `${s.id}: ${s.message}`)).toEqual([]);
    expect(result.scenarios.find((s) => s.id === "guest.power.cycle")?.status).toBe("pass");
    expect([result.residue, result.inventoryChanges, result.cleanupFailures]).toEqual([[], [], []]);
    expect(result.ok).toBe(true);
    expect(await state()).toBe(before);
    // Everything it changed was its own.
    const touched = (await journal()).entries.filter(
      (e) =>
        e.api?.startsWith("SYNO.Virtualization") &&
        MUTATING.has(e.method ?? "") &&
        (e.params.guest_name ?? "").length > 0,
    );
    expect(touched.every((e) => (e.params.guest_name ?? "").startsWith(`vmmconf-${result.runId}-`))).toBe(
      true,
    );
  });

  it("sweep finds and removes what a killed run left, and a dry run only lists it", async () => {
    const ledger = new Ledger("dead0042");
    const dsm = new DsmClient({ baseUrl: t.emu.url, guard: new SafetyGuard("owned", ledger) });
    const vmm = new VmmApi(dsm);
    await dsm.discover();
    await dsm.login("nasadmin", "sim-admin-pass");
    const storage = (await vmm.listStorages())[0];
    await vmm.createGuest({
      guest_name: ledger.name("left-behind"),
      storage_id: storage?.storage_id ?? "",
      vdisks: [{ create_type: 0, vdisk_size: 1024 }],
      vnics: [],
    });
    await vmm.powerOn({ guest_name: "vmmconf-dead0042-1-left-behind" });
    await dsm.close();

    const owned = resolveTarget({ ...env, VMM_CONFORMANCE_TIER: "owned", VMM_CONFORMANCE_ALLOW_OWNED: host });
    const dry = await sweep(resolveTarget(env), "dead0042", true);
    expect(dry.found).toEqual(["guest vmmconf-dead0042-1-left-behind (running)"]);
    await expect(sweep(resolveTarget(env), "dead0042", false)).rejects.toThrow(/owned tier/);
    const done = await sweep(owned, "dead0042", false);
    expect([done.failures, done.removed]).toEqual([[], ["guest vmmconf-dead0042-1-left-behind (running)"]]);
    expect((await sweep(owned, "dead0042", true)).found).toEqual([]);
  });
});
