/**
 * Transport faults without waiting on the wall clock: a held answer is shown to be held by
 * events (the journal has the call, a later call on another connection has been answered, the
 * held one still has not), never by a timer. How long a delay holds an answer, and how fast
 * close() lets held answers go, are timed in test/soak/transport-faults.soak.ts (npm run soak).
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../server/app";
import { VirtualClock } from "../../server/clock";
import { configSchema } from "../../server/config";
import { AdminClient } from "../../server/control/client";
import { openState } from "../../server/emulator";
import { expectSuccess, startTestEmulator, type TestEmulator, useEmulator } from "../harness";

const DSM_INFO = "api=SYNO.DSM.Info&version=2&method=getinfo";
const API_INFO = "api=SYNO.API.Info&version=1&method=query";

/**
 * Whether `call` is still unanswered once the emulator's journal has `api`'s call and a later
 * call on another connection has been answered: an answer written when the call was journaled
 * would have reached the client by then.
 */
async function heldBack(emu: TestEmulator, call: Promise<unknown>, api: string): Promise<boolean> {
  let settled = false;
  call.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let polls = 0; (await emu.admin.journal({ api })).length === 0; polls++)
    if (polls > 1_000) throw new Error(`the journal never showed the ${api} call`);
  expectSuccess(await emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" }));
  return !settled;
}

describe("control plane: transport faults", () => {
  const t = useEmulator({}, { reset: { faults: true, journal: true } });
  const getinfo = (init?: RequestInit) =>
    fetch(`${t.emu.url}/webapi/entry.cgi?${DSM_INFO}&_sid=${t.sid}`, init);

  it("delay answers the real answer afterwards, and the journal marks it", async () => {
    await t.emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "delay", ms: 1 } });
    const res = await getinfo();
    expect(((await res.json()) as { success: boolean }).success).toBe(true);
    const [entry] = await t.emu.admin.journal({ api: "SYNO.DSM.Info" });
    expect(entry).toMatchObject({ success: true, transport: "delay", fault_rule: "f1" });
  });

  it("delay holds the real answer back; the client's abort ends the wait", async () => {
    await t.emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "delay", ms: 600_000 } });
    const client = new AbortController();
    const held = getinfo({ signal: client.signal });
    expect(await heldBack(t.emu, held, "SYNO.DSM.Info")).toBe(true);
    client.abort();
    await expect(held).rejects.toThrow(/abort/i);
  });

  it("reset destroys the connection: the client sees a network error, the operation did not run", async () => {
    await t.emu.admin.addFault({
      match: { api: "SYNO.Virtualization.API.Guest", method: "delete" },
      action: { type: "reset" },
    });
    const url = `${t.emu.url}/webapi/entry.cgi?api=SYNO.Virtualization.API.Guest&version=1&method=delete&guest_name=win10&_sid=${t.sid}`;
    await expect(fetch(url)).rejects.toThrow(TypeError);
    expect((await t.emu.admin.state()).guests.map((g) => g.guest_name)).toContain("win10");
  });

  it("reset with apply runs the operation first, as when only the answer is lost", async () => {
    await t.emu.admin.addFault({
      match: { api: "SYNO.Virtualization.API.Guest", method: "delete" },
      action: { type: "reset", apply: true },
    });
    const url = `${t.emu.url}/webapi/entry.cgi?api=SYNO.Virtualization.API.Guest&version=1&method=delete&guest_name=win10&_sid=${t.sid}`;
    await expect(fetch(url)).rejects.toThrow(TypeError);
    expect((await t.emu.admin.state()).guests.map((g) => g.guest_name)).not.toContain("win10");
  });

  it("hang never answers; the client's abort ends the call and the emulator keeps serving", async () => {
    await t.emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "hang" }, times: 1 });
    const client = new AbortController();
    const hanging = getinfo({ signal: client.signal });
    expect(await heldBack(t.emu, hanging, "SYNO.DSM.Info")).toBe(true);
    client.abort();
    await expect(hanging).rejects.toThrow(/abort/i);
    const res = await getinfo();
    expect(((await res.json()) as { success: boolean }).success).toBe(true);
    expect((await t.emu.admin.journal({ api: "SYNO.DSM.Info" }))[0]).toMatchObject({ transport: "hang" });
  });

  it("malformed answers HTTP 200 with DSM's content type and a body that is not JSON", async () => {
    await t.emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "malformed" } });
    const res = await getinfo();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe('application/json; charset="UTF-8"');
    const text = await res.text();
    expect(text.startsWith("{")).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });
});

describe("control plane: close() with answers held", () => {
  // About closing, so it starts and closes its own emulator.
  it("close() does not wait for a hanging call or a 10-minute delay, and the held clients see the connection end", async () => {
    const emu = await startTestEmulator();
    await emu.admin.addFault({ match: { api: "SYNO.API.Info" }, action: { type: "hang" } });
    await emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "delay", ms: 600_000 } });
    const hanging = fetch(`${emu.url}/webapi/query.cgi?${API_INFO}`);
    const delayed = fetch(`${emu.url}/webapi/entry.cgi?${DSM_INFO}`);
    // Both requests reach the server before it closes.
    for (let polls = 0; (await emu.admin.journal()).length < 2; polls++)
      if (polls > 1_000) throw new Error("the journal never showed both calls");
    // Were close() to wait for the held answers, this would outlast the test's timeout.
    await emu.close();
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
        headers: { "content-type": "application/json" },
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
  const t = useEmulator({}, { login: false });

  it("clearing rules restores normal answers", async () => {
    await t.emu.admin.addFault({ match: { api: "SYNO.API.Auth" }, action: { type: "malformed" } });
    await expect(t.emu.login()).rejects.toThrow();
    await t.emu.admin.clearFaults();
    const sid = await t.emu.login();
    expectSuccess(await t.emu.vmm(sid, "Guest", "list"));
  });
});
