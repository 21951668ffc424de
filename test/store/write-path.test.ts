/**
 * The store's one write path (server/store/writes.ts): a statement is run in one place, which
 * notes the change of its group, so no write can leave a kept read behind it. The scan below
 * fails on a statement run anywhere else; the few places that may, because they replace whole
 * tables and mark everything changed, are listed with the reason.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_FIXTURE, PROJECT_ROOT } from "../../server/config";
import { loadFixtureFile } from "../../server/fixture";
import { openDatabase } from "../../server/store/db";
import { Store } from "../../server/store/index";
import { Writes } from "../../server/store/writes";
import { TEST_EPOCH } from "../harness";

/** Files that run statements themselves, and why that is safe. */
const WHOLE_FILES: Readonly<Record<string, string>> = {
  "server/store/writes.ts": "the write path itself: it notes each change",
  "server/store/seed.ts": "seeding replaces every table; Store.seed marks everything changed",
  "server/store/database-images.ts":
    "restoring an image replaces every table and marks everything changed; capturing writes only the attached copy",
  "server/store/db.ts": "the schema and its migrations, before any Store exists",
};

/** `.run(` calls that run no statement. */
const NOT_STATEMENTS: readonly RegExp[] = [
  // The model's tick (server/model/tick.ts), run by the control plane after it moves the clock.
  /\btick\.run\(/,
  // An operation row's handler (server/wire/operation.ts).
  /\brow\.run\(ctx,/,
];

/** A statement run, SQL run outside a prepared statement, or a write that answers rows. */
const RUNS_SQL = [/\.run\(/, /\b(db|#db)\.exec\(/, /\bRETURNING\b/i];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("the store's one write path", () => {
  it("no statement is run in server/ outside writes.ts and the listed places that mark everything changed", () => {
    const found: string[] = [];
    for (const path of sources(join(PROJECT_ROOT, "server"))) {
      const file = relative(PROJECT_ROOT, path).split("\\").join("/");
      if (file in WHOLE_FILES) continue;
      readFileSync(path, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (!RUNS_SQL.some((re) => re.test(line))) return;
          if (NOT_STATEMENTS.some((re) => re.test(line))) return;
          found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    // Prepare writes through the sub-store's Writes and call `.write(...)` (server/store/writes.ts).
    expect(found).toEqual([]);
  });

  it("the scan sees a statement run, so it can fail", () => {
    expect(RUNS_SQL.some((re) => re.test('db.prepare("DELETE FROM tasks").run();'))).toBe(true);
    expect(RUNS_SQL.some((re) => re.test("this.#hide.run(taskId);"))).toBe(true);
    expect(NOT_STATEMENTS.some((re) => re.test("this.#hide.run(taskId);"))).toBe(false);
    for (const file of Object.keys(WHOLE_FILES))
      expect(sources(join(PROJECT_ROOT, "server"))).toContain(join(PROJECT_ROOT, file));
  });

  it("a write notes its group when it changed a row, and only then", () => {
    const db = openDatabase(":memory:");
    try {
      const store = new Store(db);
      store.seed(loadFixtureFile(DEFAULT_FIXTURE), TEST_EPOCH);
      const before = store.changes.stamp();
      const hide = new Writes(db, store.changes, "tasks").prepare(
        "UPDATE tasks SET cleared = 1 WHERE task_id = ?",
      );
      expect(hide.write("no-such-task")).toBe(0);
      expect(store.changes.unchanged(before, ["tasks"])).toBe(true);
      const rename = new Writes(db, store.changes, "inventory").prepare(
        "UPDATE hosts SET status = status WHERE host_id = (SELECT MIN(host_id) FROM hosts)",
      );
      expect(rename.write()).toBe(1);
      expect(store.changes.unchanged(before, ["inventory"])).toBe(false);
      expect(store.changes.unchanged(before, ["tasks", "guests"])).toBe(true);
      expect(store.changes.notes("inventory")).toBe(1);
    } finally {
      db.close();
    }
  });
});
