/**
 * The kit's entry is a library a client's test suite imports: it must not load the emulator or
 * better-sqlite3 (whose native addon the emulator needs) just by being imported. Checked in a
 * fresh Node process from the modules Node has loaded, with the emulator side as the control.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Imports `entry` in a new process and answers whether better-sqlite3 got loaded. */
function loadsSqlite(entry: string): boolean {
  const script = `
    import { createRequire } from "node:module";
    const require = createRequire(import.meta.url);
    await import(${JSON.stringify(`${ROOT}${entry}`)});
    const loaded = Object.keys(require.cache);
    console.log(JSON.stringify({ sqlite: loaded.some((p) => p.includes("better-sqlite3")) }));
  `;
  const res = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(res.status, res.stderr).toBe(0);
  return (JSON.parse(res.stdout.trim().split("\n").pop() ?? "{}") as { sqlite: boolean }).sqlite;
}

describe("importing the conformance kit", () => {
  it("loads neither better-sqlite3 nor the emulator from the kit's entry", () => {
    expect(loadsSqlite("conformance/index.ts")).toBe(false);
  });

  it("loads them from conformance/emulator, the one part of the kit that imports the emulator", () => {
    expect(loadsSqlite("conformance/emulator/index.ts")).toBe(true);
  });
});
