/**
 * Control-plane input that broke the emulator until a restart: an advance by
 * Number.MAX_SAFE_INTEGER (every answer with a date then failed: /clock, the journal,
 * snapshots), and a fault rule with 20,000-deep `errors` (stored, then GET /faults and every
 * matching call failed).
 */
import { describe, expect, it } from "vitest";
import { useEmulator } from "../harness";

const post = (url: string, path: string, body: string) =>
  fetch(`${url}/__admin${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });

describe("the control plane refuses input it could not live with", () => {
  const t = useEmulator({}, { login: false, each: true });

  it("an advance past what a date can show answers 400, and dates still work", async () => {
    expect((await post(t.emu.url, "/clock/advance", `{"ms":${Number.MAX_SAFE_INTEGER}}`)).status).toBe(400);
    let status = 200;
    for (let i = 0; i < 100 && status === 200; i++)
      status = (await post(t.emu.url, "/clock/advance", '{"seconds":3155760000}')).status;
    expect(status).toBe(400);
    await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" });
    expect((await t.emu.admin.clock()).iso.startsWith("99")).toBe(true);
    expect((await t.emu.admin.journal()).length).toBeGreaterThan(0);
    await t.emu.admin.createSnapshot("late");
  });

  it("a fault rule whose errors nest 20,000 deep answers 400 and nothing breaks", async () => {
    const deep = `${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`;
    const res = await post(
      t.emu.url,
      "/faults",
      `{"match":{"api":"SYNO.API.Info"},"action":{"type":"error","code":500,"errors":${deep}}}`,
    );
    expect(res.status).toBe(400);
    expect(await t.emu.admin.faults()).toEqual([]);
    const info = await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" });
    expect(info.body.success).toBe(true);
  });

  it("a fault rule with an ordinary errors detail is still taken", async () => {
    await t.emu.admin.addFault({
      match: { api: "SYNO.API.Info" },
      action: { type: "error", code: 500, errors: { reason: "x", nested: [{ deeper: { deepest: 1 } }] } },
    });
    const info = await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" });
    expect(info.body).toMatchObject({ success: false, error: { code: 500 } });
  });
});
