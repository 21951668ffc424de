/**
 * The docs' claims that drifted once, held to the code: the README's "Try it" runs twice in a
 * row (a fixed guest name answered 403 the second time), and docs/conformance.md's scenario
 * count is the suite's.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_SCENARIOS } from "../conformance/emulator/scenarios";
import { PROJECT_ROOT } from "../server/config";
import { startTestEmulator, type TestEmulator } from "./harness";
import { bash } from "./packaging/support";

const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
const tryIt = /## Try it[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
const hasTools = ["curl", "jq"].every((tool) => spawnSync("which", [tool]).status === 0);

describe("the README's Try it", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ timeScale: "instant" });
  });
  afterAll(() => emu.close());

  // curl and jq are what the README asks for; CI installs neither on purpose, so say so when skipped.
  it.skipIf(!hasTools)("runs twice in a row, each create answering success (curl and jq)", async () => {
    expect(tryIt).toContain("E=http://127.0.0.1:5000");
    const script = tryIt.replace("E=http://127.0.0.1:5000", `E=${emu.url}`);
    for (const round of [1, 2]) {
      // Not spawnSync: the emulator answering curl runs in this process.
      const out = await bash(`set -e\n${script}`, PROJECT_ROOT);
      expect(out.code, `round ${round}: ${out.output}`).toBe(0);
      const answers = out.output
        .split("}{")
        .join("}\n{")
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { success: boolean });
      expect(answers.length, out.output).toBe(3);
      expect(
        answers.map((a) => a.success),
        `round ${round}: ${out.output}`,
      ).toEqual([true, true, true]);
    }
  });
});

describe("docs/conformance.md", () => {
  it("gives the suite's scenario count", () => {
    const text = readFileSync(join(PROJECT_ROOT, "docs/conformance.md"), "utf8");
    expect(/It runs (\d+) scenarios/.exec(text)?.[1]).toBe(String(ALL_SCENARIOS.length));
  });
});
