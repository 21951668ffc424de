/**
 * What the control plane could be made to hold or to block on: bodies of any size were read
 * whole (384 MiB), a fixture of many accounts hashed every password on the event loop (1,500
 * accounts stopped every other call for about seven seconds), and snapshots had no limit.
 */
import { describe, expect, it } from "vitest";
import { MAX_SNAPSHOTS } from "../../server/control/control-plane";
import { MAX_CONTROL_BODY } from "../../server/control/routes";
import { rawDefaultFixture, useEmulator } from "../harness";

describe("the control plane's own resources are bounded", () => {
  const t = useEmulator({}, { login: false, each: true });

  it("a body over the limit answers 413 and is not stored", async () => {
    const big = JSON.stringify({
      match: { api: "x".repeat(MAX_CONTROL_BODY) },
      action: { type: "error", code: 500 },
    });
    const res = await fetch(`${t.emu.url}/__admin/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(await t.emu.admin.faults()).toEqual([]);
  });

  it("DSM calls are answered while a fixture's passwords are hashed", async () => {
    const fixture = rawDefaultFixture() as unknown as {
      accounts: { name: string; password: string; admin: boolean }[];
    };
    for (let i = 0; i < 200; i++)
      fixture.accounts.push({ name: `user${i}`, password: `pass-${i}`, admin: false });
    let loaded = false;
    const load = t.emu.admin.loadFixture(fixture as never).then(() => {
      loaded = true;
    });
    let answeredMeanwhile = 0;
    while (!loaded) {
      const res = await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" });
      expect(res.body.success).toBe(true);
      if (!loaded) answeredMeanwhile++;
    }
    await load;
    expect(answeredMeanwhile).toBeGreaterThan(3);
    expect((await t.emu.admin.state()).accounts.length).toBe(fixture.accounts.length);
  });

  it(`keeps at most ${MAX_SNAPSHOTS} snapshots`, async () => {
    for (let i = 0; i < MAX_SNAPSHOTS; i++) await t.emu.admin.createSnapshot(`s${i}`);
    await expect(t.emu.admin.createSnapshot("one-too-many")).rejects.toThrow(/409/);
    await t.emu.admin.deleteSnapshot("s0");
    await t.emu.admin.createSnapshot("one-too-many");
  });
});
