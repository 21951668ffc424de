import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdminClient } from "../../server/admin/client";
import { createApp } from "../../server/app";
import { VirtualClock } from "../../server/clock";
import { configSchema } from "../../server/config";
import { openState } from "../../server/emulator";
import { expectSuccess, startTestEmulator, type TestEmulator } from "../helpers";

const DSM_INFO = "api=SYNO.DSM.Info&version=2&method=getinfo";

describe("control plane: transport faults", () => {
  let emu: TestEmulator;
  let sid: string;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    await emu.admin.reset({ faults: true, journal: true });
    sid = await emu.login();
  });
  const getinfo = (init?: RequestInit) => fetch(`${emu.url}/webapi/entry.cgi?${DSM_INFO}&_sid=${sid}`, init);

  it("delay holds the real answer back by the given milliseconds", async () => {
    await emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "delay", ms: 120 } });
    const started = performance.now();
    const res = await getinfo();
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(((await res.json()) as { success: boolean }).success).toBe(true);
    const [entry] = await emu.admin.journal({ api: "SYNO.DSM.Info" });
    expect(entry).toMatchObject({ success: true, transport: "delay", fault_rule: "f1" });
  });

  it("reset destroys the connection: the client sees a network error, the operation did not run", async () => {
    await emu.admin.addFault({
      match: { api: "SYNO.Virtualization.API.Guest", method: "delete" },
      action: { type: "reset" },
    });
    const url = `${emu.url}/webapi/entry.cgi?api=SYNO.Virtualization.API.Guest&version=1&method=delete&guest_name=win10&_sid=${sid}`;
    await expect(fetch(url)).rejects.toThrow(TypeError);
    expect((await emu.admin.state()).guests.map((g) => g.guest_name)).toContain("win10");
  });

  it("reset with apply runs the operation first, as when only the answer is lost", async () => {
    await emu.admin.addFault({
      match: { api: "SYNO.Virtualization.API.Guest", method: "delete" },
      action: { type: "reset", apply: true },
    });
    const url = `${emu.url}/webapi/entry.cgi?api=SYNO.Virtualization.API.Guest&version=1&method=delete&guest_name=win10&_sid=${sid}`;
    await expect(fetch(url)).rejects.toThrow(TypeError);
    expect((await emu.admin.state()).guests.map((g) => g.guest_name)).not.toContain("win10");
  });

  it("hang never answers; the client's timeout ends the call and the emulator keeps serving", async () => {
    await emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "hang" }, times: 1 });
    await expect(getinfo({ signal: AbortSignal.timeout(150) })).rejects.toThrow(/abort|timeout/i);
    const res = await getinfo({ signal: AbortSignal.timeout(2_000) });
    expect(((await res.json()) as { success: boolean }).success).toBe(true);
    expect((await emu.admin.journal({ api: "SYNO.DSM.Info" }))[0]).toMatchObject({ transport: "hang" });
  });

  it("malformed answers HTTP 200 with DSM's content type and a body that is not JSON", async () => {
    await emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "malformed" } });
    const res = await getinfo();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe('application/json; charset="UTF-8"');
    const text = await res.text();
    expect(text.startsWith("{")).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });
});

describe("control plane: close() with answers held", () => {
  it("close() returns promptly while a call hangs, and the hanging client sees the connection end", async () => {
    const emu = await startTestEmulator();
    await emu.admin.addFault({ match: { api: "SYNO.API.Info" }, action: { type: "hang" } });
    await emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "delay", ms: 600_000 } });
    const hanging = fetch(`${emu.url}/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query`, {
      signal: AbortSignal.timeout(5_000),
    });
    const delayed = fetch(`${emu.url}/webapi/entry.cgi?${DSM_INFO}`, { signal: AbortSignal.timeout(5_000) });
    // Both requests reach the server before it closes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await emu.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(hanging).rejects.toThrow();
    await delayed.then((r) => r.text()).catch(() => "ended");
  });
});

describe("control plane: socket-less use", () => {
  it("app.fetch serves DSM calls and the control plane without a socket", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const config = configSchema.parse({ db: ":memory:", port: 0 });
    const { db, fixture, baseline } = openState(config, clock);
    const app = createApp({ db, clock, config, fixture, baseline, log: () => {} });
    const info = await app.fetch(
      new Request("http://emulator/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query"),
    );
    expect(((await info.json()) as { success: boolean }).success).toBe(true);
    const reset = await app.fetch(new Request("http://emulator/__admin/reset", { method: "POST" }));
    expect(await reset.json()).toEqual({ reset: true });
    const admin = new AdminClient("http://emulator", { fetch: app.fetch });
    expect((await admin.state()).hosts).toHaveLength(3);
    await app.fetch(
      new Request("http://emulator/__admin/faults", {
        method: "POST",
        body: JSON.stringify({ match: { api: "SYNO.API.Info" }, action: { type: "reset" } }),
      }),
    );
    // Without a socket to destroy, a reset is a network-error Response.
    const dropped = await app.fetch(
      new Request("http://emulator/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query"),
    );
    expect(dropped.type).toBe("error");
    db.close();
  });
});

describe("control plane: a login still works after faults are cleared", () => {
  it("clearing rules restores normal answers", async () => {
    const emu = await startTestEmulator();
    try {
      await emu.admin.addFault({ match: { api: "SYNO.API.Auth" }, action: { type: "malformed" } });
      await expect(emu.login()).rejects.toThrow();
      await emu.admin.clearFaults();
      const sid = await emu.login();
      expectSuccess(await emu.vmm(sid, "Guest", "list"));
    } finally {
      await emu.close();
    }
  });
});
