/** The kit's command as the package's bin runs it (`vmm-conformance`: dist/conformance/cli.js). */
import { describe, expect, it } from "vitest";
import { ALL_SCENARIOS } from "../../conformance/emulator/scenarios";
import { launch, ROOT } from "../packaging/support";

const KIT = `${ROOT}/dist/conformance/cli.js`;

describe("vmm-conformance's command line", () => {
  it("--help (and help, -h) prints its usage, commands and settings, and exits 0", async () => {
    for (const arg of ["--help", "help", "-h"]) {
      const run = launch(process.execPath, [KIT, arg]);
      expect(await run.done, arg).toBe(0);
      expect(run.stdout()).toMatch(/^vmm-conformance: /);
      expect(run.stdout()).toContain("usage: vmm-conformance <command> [options]");
      for (const command of ["run", "sweep", "record", "replay"])
        expect(run.stdout()).toContain(`  ${command} `);
      expect(run.stdout()).toContain("VMM_CONFORMANCE_TARGET");
    }
  });

  it("no command, or an unknown one, exits 2 with the usage", async () => {
    const run = launch(process.execPath, [KIT, "runn"]);
    expect(await run.done).toBe(2);
    expect(run.stderr()).toMatch(/^unknown command "runn"\n\nvmm-conformance: /);
  });

  it("a filter that matches no scenario exits 2, listing every scenario, and runs nothing", async () => {
    for (const [args, env] of [
      [["run", "--only", "guest.no-such-scenario*"], {}],
      [["run"], { VMM_CONFORMANCE_ONLY: "guest.no-such-scenario*" }],
    ] as const) {
      const run = launch(process.execPath, [KIT, ...args], { env });
      expect(await run.done).toBe(2);
      expect(run.stderr()).toContain(
        `no scenario matches "guest.no-such-scenario*"; the ${ALL_SCENARIOS.length} scenarios are:`,
      );
      for (const s of ALL_SCENARIOS.slice(0, 3)) expect(run.stderr()).toContain(`\n  ${s.id}`);
      expect(run.stdout()).not.toContain("PASS");
    }
  });
});
