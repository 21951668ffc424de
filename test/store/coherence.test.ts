/**
 * Coherence by construction, checked on the source. The store's one write path
 * (server/store/writes.ts): a statement is run in one place, which notes the change of its
 * group, so no write can leave a kept read behind it; the scan fails on a statement run anywhere
 * else (the few places that may, because they replace whole tables and mark everything changed,
 * are listed with the reason). And the answers kept between calls live in the store's `Answers`,
 * one per emulator: the second scan fails on an answer kept at module level.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_FIXTURE, PROJECT_ROOT } from "../../server/config";
import { loadFixtureFile } from "../../server/fixture";
import { slot } from "../../server/store/answers";
import { openDatabase } from "../../server/store/db";
import { Store } from "../../server/store/index";
import { Writes } from "../../server/store/writes";
import { TEST_EPOCH } from "../harness";

/** Files that run statements themselves, and why that is safe. */
const WHOLE_FILES: Readonly<Record<string, string>> = {
  "server/store/writes.ts": "the write path itself: it notes each change",
  "server/store/seed.ts":
    "seeding replaces every table and stamping dates a seed; Store's seed, seedUnstamped and stamp mark everything changed",
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

/** Module-level state that is no kept answer (a WeakMap anywhere, or state in the handlers' and the wire's rooms), and why. */
const NOT_ANSWERS: Readonly<Record<string, string>> = {
  "server/api/core/auth.ts: let dummyHash: string | undefined;":
    "a hash no password matches, made once per process (whichever emulator needs it first)",
  "server/store/seeded-images.ts: const keys = new WeakMap<Fixture, string>();":
    "a fixture's content hash (fixtures are never mutated): a pure function of its key, never stale",
  "server/control/journal.ts: const keptHeads = new WeakMap<Uint8Array, KeptBody>();":
    "the journal's decoded head of an answer's bytes (bytes are never changed once sent): a pure function of its key, never stale",
};

/** Module-level state: a `let`, or a collection made at load. */
const MODULE_STATE = /^(export )?(let |const \w+(: [^=]+)? = new (Weak)?(Map|Set)\b)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("coherence by construction", () => {
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

  it("no answer is kept at module level: no WeakMap in server/, no module state in server/api or server/wire", () => {
    const found: string[] = [];
    for (const path of sources(join(PROJECT_ROOT, "server"))) {
      const file = relative(PROJECT_ROOT, path).split("\\").join("/");
      const room = file.startsWith("server/api/") || file.startsWith("server/wire/");
      readFileSync(path, "utf8")
        .split("\n")
        .forEach((line) => {
          const weak = /^(export )?(const|let) \w+(: [^=]+)? = new WeakMap\b/.test(line);
          if (!weak && !(room && MODULE_STATE.test(line))) return;
          const entry = `${file}: ${line.trim()}`;
          if (!(entry in NOT_ANSWERS)) found.push(entry);
        });
    }
    // Declare a slot (server/store/answers.ts) and keep through ctx.store.answers.of(SLOT).
    expect(found).toEqual([]);
    expect(MODULE_STATE.test("const lists = new WeakMap<readonly string[], RawJson>();")).toBe(true);
    expect(MODULE_STATE.test("let kept: string | undefined;")).toBe(true);
  });

  it("each emulator's store keeps its own answers: one slot, two stores, two keepings", () => {
    const a = openDatabase(":memory:");
    const b = openDatabase(":memory:");
    try {
      const SLOT = slot("test", () => new WeakMap<object, string>());
      const first = new Store(a).answers;
      expect(first.of(SLOT)).toBe(first.of(SLOT));
      expect(new Store(b).answers.of(SLOT)).not.toBe(first.of(SLOT));
    } finally {
      a.close();
      b.close();
    }
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
