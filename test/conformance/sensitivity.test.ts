/**
 * Sensitivity: plants one deviation of each class in the emulator through the control plane's
 * answer-shaping fault rules, runs the kit against it exactly as docs/conformance.md says to run
 * it against a NAS (target kind nas, HTTPS with the certificate pinned, the owned tier opted
 * into by host, the optional accounts, an image path), and requires that the run fails with a
 * message that names the deviation. A clean run first proves the baseline passes.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunResult, verdictOf } from "../../conformance/runner/run";
import { runSuite } from "../../conformance/suite";
import { resolveTarget } from "../../conformance/target";
import type { FaultRuleSpec } from "../../server/control/client";
import { startTestEmulator, type TestEmulator } from "../harness";

const NAS_SIM = fileURLToPath(new URL("../../fixtures/nas-sim.json", import.meta.url));

/**
 * One planted deviation: the rules that make it, the scenarios that look at what it changes
 * (a glob, so each run stays short), and what the failure must say.
 */
interface Deviation {
  readonly name: string;
  readonly rules: readonly FaultRuleSpec[];
  readonly only: string;
  readonly names: RegExp;
  /** Noticed as a wait that runs out (indeterminate) where the rest is a failure. */
  readonly hold?: true;
}

const GUEST = "SYNO.Virtualization.API.Guest";
const rule = (match: FaultRuleSpec["match"], action: FaultRuleSpec["action"]): FaultRuleSpec[] => [
  { match, action },
];

const DEVIATIONS: readonly Deviation[] = [
  {
    name: "a key renamed",
    rules: rule({ api: GUEST, method: "get" }, { type: "rename_key", key: "vcpu_num", to: "vcpus" }),
    only: "shape.guest.get",
    names: /vcpu_num: Invalid input.*Unrecognized key: "vcpus"/,
  },
  {
    name: "a key dropped",
    rules: rule({ api: GUEST, method: "list" }, { type: "drop_key", key: "autorun" }),
    only: "shape.guest.list",
    names: /guests\.0\.autorun/,
  },
  {
    name: "a key added",
    rules: rule(
      { api: "SYNO.Virtualization.Guest", method: "list" },
      { type: "add_key", key: "vendor_extra", value: 1, beside: "guest_id" },
    ),
    only: "internal.guest.list.shape",
    names: /lack.*: vendor_extra/,
  },
  {
    name: "a value's type",
    rules: rule({ api: GUEST, method: "get" }, { type: "retype", key: "vram_size", to: "string" }),
    only: "shape.guest.get",
    names: /vram_size: Invalid input: expected number, received string/,
  },
  {
    name: "a value's unit",
    rules: rule(
      { api: "SYNO.Virtualization.API.Storage", method: "list" },
      { type: "scale", key: "size", factor: 1048576 },
    ),
    only: "internal.inventory",
    names: /Storage list size \d+ \(MB\), Repo total_size/,
  },
  {
    name: "a value (a status word)",
    rules: rule({ api: GUEST }, { type: "set_value", key: "status", from: "shutdown", value: "stopped" }),
    only: "probe.guest.defaults",
    names: /status: the emulator answers "shutdown", the target "stopped"/,
  },
  {
    name: "an error code",
    rules: rule({ api: GUEST, method: "get" }, { type: "error_code", from: 401, code: 402 }),
    only: "errors.401-guest-get-unknown",
    names: /the emulator answers DSM error 401, the target answered 402/,
  },
  {
    name: "the HTTP status",
    rules: rule(
      { api: "SYNO.Virtualization.API.Network", method: "list" },
      { type: "http_status", status: 500 },
    ),
    only: "internal.inventory",
    names: /HTTP 500 from SYNO\.Virtualization\.API\.Network list .*body: /,
  },
  {
    name: "a header",
    rules: rule(
      { api: GUEST, method: "list" },
      { type: "header", name: "Content-Type", value: "application/json" },
    ),
    only: "shape.guest.list",
    names: /Content-Type "application\/json" where the emulator sends/,
  },
  {
    name: "a list's order",
    rules: rule({ api: GUEST, method: "list" }, { type: "reorder", key: "guests" }),
    only: "probe.guest.list-order",
    names: /list order: .*the target's Guest list does not/,
  },
  {
    name: "a cookie's name",
    rules: rule({ api: "SYNO.API.Auth", method: "login" }, { type: "rename_cookie", from: "id", to: "sid" }),
    only: "probe.auth.cookie-login",
    names: /cookie names: the emulator sets \["id"\], the target \["sid"\]/,
  },
  {
    name: "a held task",
    rules: rule({ api: GUEST, method: "create" }, { type: "task_stuck", at_progress: 50 }),
    only: "probe.guest.defaults",
    names: /still at progress 50/,
    hold: true,
  },
  {
    name: "a task that never says it finished",
    rules: rule(
      { api: "SYNO.Virtualization.API.Task.Info" },
      { type: "set_value", key: "finish", value: false },
    ),
    only: "probe.guest.defaults",
    names: /finish false at progress 100/,
  },
  {
    name: "a held transition",
    rules: rule(
      { api: "SYNO.Virtualization.API.Guest.Action", method: "shutdown" },
      { type: "hold_transition" },
    ),
    only: "guest.shutdown.graceful",
    names: /to be shutdown .*last seen: "shutting_down"/,
    hold: true,
  },
];

describe("the kit, run against an emulator as against a NAS, names every planted deviation", () => {
  let emu: TestEmulator;
  let env: NodeJS.ProcessEnv;
  const run = (only?: string): Promise<RunResult> =>
    runSuite(resolveTarget({ ...env, ...(only === undefined ? {} : { VMM_CONFORMANCE_ONLY: only }) }), {
      expectations: null,
    });

  beforeAll(async () => {
    emu = await startTestEmulator({ fixture: NAS_SIM, timeScale: "instant", httpsPort: 0 });
    env = {
      VMM_CONFORMANCE_TARGET: "nas",
      VMM_NAS_URL: emu.httpsUrl,
      VMM_NAS_CERT_SHA256: emu.fingerprint,
      VMM_NAS_ACCOUNT: "nasadmin",
      VMM_NAS_PASSWORD: "sim-admin-pass",
      VMM_NAS_NONADMIN_ACCOUNT: "auditor",
      VMM_NAS_NONADMIN_PASSWORD: "audit-pass",
      VMM_NAS_IMAGE_PATH: "/vmimages/tiny.img",
      VMM_CONFORMANCE_TIER: "owned",
      VMM_CONFORMANCE_ALLOW_OWNED: "127.0.0.1",
      VMM_CONFORMANCE_POLL_MS: "50",
      VMM_CONFORMANCE_TIMEOUT_MS: "1000",
    };
  });
  afterAll(() => emu?.close());

  it("passes with nothing planted", { timeout: 120_000 }, async () => {
    const result = await run();
    expect(result.scenarios.filter((s) => s.status === "fail").map((s) => `${s.id}: ${s.message}`)).toEqual(
      [],
    );
    expect(verdictOf(result)).toBe("PASS");
  });

  it(`plants ${DEVIATIONS.length} classes of deviation, one at a time`, () => {
    expect(new Set(DEVIATIONS.map((d) => d.rules[0]?.action.type)).size).toBeGreaterThanOrEqual(12);
  });

  it.each(DEVIATIONS)("fails naming $name", { timeout: 60_000 }, async (d) => {
    await emu.admin.reset({ faults: true });
    const clean = await run(d.only);
    // The scenarios that look at it pass without it: what fails below is the deviation alone.
    expect(verdictOf(clean), `${d.only} without the deviation`).toBe("PASS");
    await emu.admin.reset({ faults: true });
    for (const r of d.rules) await emu.admin.addFault(r);
    const result = await run(d.only);
    await emu.admin.reset({ faults: true });
    const said = [
      ...result.scenarios
        .filter((s) => s.status === "fail" || s.status === "indeterminate")
        .map((s) => `${s.id} [${s.status}]: ${s.message ?? ""}`),
      ...(result.setupError === undefined ? [] : [`setup: ${result.setupError}`]),
      ...result.wireDifferences.map((w) => `the wire: ${w}`),
    ];
    // A hold is noticed as a wait that ran out (indeterminate), or as a failure when what it
    // held is also left behind; anything else must fail outright.
    if (d.hold === true) expect(verdictOf(result)).not.toBe("PASS");
    else expect(verdictOf(result)).toBe("FAIL");
    expect(
      said.some((line) => d.names.test(line)),
      said.join("\n"),
    ).toBe(true);
  });
});
