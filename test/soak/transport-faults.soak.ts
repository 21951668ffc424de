/**
 * Transport faults on the wall clock: how long a delay holds an answer back, and that close()
 * lets held answers go at once. test/control/transport-faults.test.ts shows the same behaviour
 * without timing it.
 */
import { describe, expect, it } from "vitest";
import { startTestEmulator, useEmulator } from "../harness";

const DSM_INFO = "api=SYNO.DSM.Info&version=2&method=getinfo";

describe("control plane: transport faults, timed", () => {
  const t = useEmulator({}, { reset: { faults: true, journal: true } });

  it("delay holds the real answer back by the given milliseconds", async () => {
    await t.emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "delay", ms: 120 } });
    const started = performance.now();
    const res = await fetch(`${t.emu.url}/webapi/entry.cgi?${DSM_INFO}&_sid=${t.sid}`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(((await res.json()) as { success: boolean }).success).toBe(true);
    const [entry] = await t.emu.admin.journal({ api: "SYNO.DSM.Info" });
    expect(entry).toMatchObject({ success: true, transport: "delay", fault_rule: "f1" });
  });
});

describe("control plane: close() with answers held, timed", () => {
  it("close() returns within a second while a call hangs, and the hanging client sees the connection end", async () => {
    const emu = await startTestEmulator();
    await emu.admin.addFault({ match: { api: "SYNO.API.Info" }, action: { type: "hang" } });
    await emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "delay", ms: 600_000 } });
    const hanging = fetch(`${emu.url}/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query`, {
      signal: AbortSignal.timeout(5_000),
    });
    const delayed = fetch(`${emu.url}/webapi/entry.cgi?${DSM_INFO}`, { signal: AbortSignal.timeout(5_000) });
    // Both requests reach the server before it closes.
    while ((await emu.admin.journal()).length < 2);
    const started = performance.now();
    await emu.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(hanging).rejects.toThrow();
    await delayed.then((r) => r.text()).catch(() => "ended");
  });
});
