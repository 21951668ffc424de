/**
 * What the journal keeps alive, measured with a real garbage collector: V8's `slice` of a long
 * string keeps the whole string behind the short one, so cutting 4 MB names to 128 characters
 * still held every 4 MB name (220 MiB of resident memory over 19 rounds of the hostile soak).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

it("a journal of 200 calls with 1 MB names and values holds well under 200 MB", () => {
  const script = `
    import { Journal } from "./server/control/journal.ts";
    const journal = new Journal(1000);
    const before = (globalThis.gc(), process.memoryUsage().heapUsed);
    for (let i = 0; i < 200; i++) {
      const big = String(i).padEnd(1_000_000, "x");
      journal.record({ atMs: 0, cgi: "entry.cgi", api: big, method: big, version: 1, params: { v: big }, success: false, code: 102, duration_ms: 0 });
    }
    globalThis.gc();
    console.log(Math.round((process.memoryUsage().heapUsed - before) / 1048576));
  `;
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  const retainedMiB = Number(out.trim());
  expect(retainedMiB).toBeLessThan(20);
});

it("a full journal of 1,000 answers with 1 MB bodies holds about 16 KiB of each, well under 64 MB", () => {
  const script = `
    import { Journal } from "./server/control/journal.ts";
    const journal = new Journal(1000);
    const before = (globalThis.gc(), process.memoryUsage().heapUsed);
    for (let i = 0; i < 1000; i++) {
      const body = '{"data":{"v":"' + String(i).padEnd(1_000_000, "x") + '"},"success":true}';
      journal.record({ atMs: 0, cgi: "entry.cgi", api: "A", method: "m", version: 1, params: {}, success: true, code: undefined, fault_rule: undefined, transport: undefined, duration_ms: 0, body });
    }
    globalThis.gc();
    console.log(Math.round((process.memoryUsage().heapUsed - before) / 1048576));
  `;
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  const retainedMiB = Number(out.trim());
  // 1,000 × 16 KiB of one-byte characters is 16 MiB; printed so the figure can be reported.
  console.log(`journal of 1,000 answers with 1 MB bodies retains ${retainedMiB} MiB`);
  expect(retainedMiB).toBeLessThan(64);
});
