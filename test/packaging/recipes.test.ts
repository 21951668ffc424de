/**
 * The README's recipe for another language's CI, run in bash from a scratch folder as written,
 * but for two lines: the clone (here a link to this project, already installed and built) and
 * the placeholder for the suite's own tests (here a login). The GitHub Actions job of
 * docs/packaging.md must hold the same lines. test/packaging/full.soak.ts runs the clone too.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bash, ciRecipe, ROOT, recipe, scratch } from "./support";

const tmp = scratch("recipes");
afterAll(tmp.remove);

/** The stopped line in emu.log, once the recipe's `kill` has been handled. */
async function stoppedLine(log: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (existsSync(log) && readFileSync(log, "utf8").includes('"event":"stopped"')) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe.concurrent("the README's recipe for another language's CI", () => {
  it("starts the emulator from another folder, waits for its ready file, serves a login and stops", async () => {
    const dir = join(tmp.dir, "ok");
    const run = await bash(
      `mkdir -p ${dir} && cd ${dir} && ${ciRecipe(`ln -s "${ROOT}" vmm-emulator`)}`,
      tmp.dir,
    );
    expect(run.code, run.output).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "login.json"), "utf8"))).toMatchObject({ success: true });
    expect(await stoppedLine(join(dir, "emu.log"))).toBe(true);
  });

  it("gives up at once, showing emu.log, when the emulator cannot start", async () => {
    const dir = join(tmp.dir, "broken");
    const run = await bash(
      `mkdir -p ${dir} && cd ${dir} && ${ciRecipe(`ln -s "${ROOT}" vmm-emulator`)}`,
      tmp.dir,
      {
        // A variable the recipe's flags do not override: the emulator exits 2 on it.
        VMM_EMULATOR_SESSION_TIMEOUT: "soon",
      },
    );
    expect(run.code).toBe(1);
    expect(run.output).toContain("--session-timeout: ");
    // Well within the loop's 30 s: it stops waiting when the process is gone.
    expect(run.ms).toBeLessThan(15_000);
  });
});

describe("the GitHub Actions job of docs/packaging.md", () => {
  it("starts the emulator with the README's lines", () => {
    const job = recipe("docs/packaging.md", "github-actions");
    const start = job.slice(job.indexOf("run: |") + "run: |".length, job.indexOf("echo "));
    const lines = start
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
    const readme = recipe("README.md", "ci-shell")
      .split("\n")
      .map((l) => l.trim());
    expect(readme.slice(0, lines.length)).toEqual(lines);
  });
});
