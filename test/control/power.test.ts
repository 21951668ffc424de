/**
 * `POST /__admin/guests/{ref}/power`, which the dashboard's power buttons call: the guest record,
 * or 409 naming the DSM code the model answered (cluster rules first, as for a DSM change),
 * behind the control plane's guard (bearer token, JSON only, nothing from another site).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../harness";

async function power(
  emu: TestEmulator,
  ref: string,
  body: unknown,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  const res = await fetch(`${emu.url}/__admin/guests/${encodeURIComponent(ref)}/power`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("POST /__admin/guests/{ref}/power", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.admin.reset());

  it("poweron answers the guest record, booting, then running after the boot time", async () => {
    const res = await power(emu, "syno", { action: "poweron" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ guest_name: "syno", status: "booting" });
    expect(res.body.vdisks).toHaveLength(1);
    emu.clock.advance(3_000);
    const state = await emu.admin.state();
    expect(state.guests.find((g) => g.guest_name === "syno")?.status).toBe("running");
  });

  it("takes the guest's id as well as its name; shutdown and poweroff act like Guest.Action", async () => {
    const web = (await emu.admin.state()).guests.find((g) => g.guest_name === "ubuntu-web");
    expect((await power(emu, web?.guest_id ?? "", { action: "shutdown" })).body.status).toBe("shutting_down");
    expect((await power(emu, "ubuntu-web", { action: "poweroff" })).body.status).toBe("shutdown");
  });

  it("answers 409 with the DSM code when the model refuses", async () => {
    const running = await power(emu, "ubuntu-web", { action: "poweron" });
    expect(running.status).toBe(409);
    expect(running.body.error).toMatch(/^DSM error 904\b/);
    expect((await power(emu, "syno", { action: "poweroff" })).body.error).toMatch(/^DSM error 907\b/);
    expect((await power(emu, "big-memory", { action: "poweron" })).body.error).toMatch(/^DSM error 900\b/);
    await emu.admin.updateCluster({ cluster_status: "incompatible" });
    expect((await power(emu, "syno", { action: "poweron" })).body.error).toMatch(/^DSM error 501\b/);
  });

  it("answers 404 for an unknown guest and 400 for a bad body", async () => {
    expect((await power(emu, "nope", { action: "poweron" })).status).toBe(404);
    expect((await power(emu, "syno", { action: "reboot" })).status).toBe(400);
    expect((await power(emu, "syno", { action: "poweron", extra: 1 })).status).toBe(400);
    expect((await power(emu, "syno", "{not json")).status).toBe(400);
  });

  it("refuses a form post (415) and a foreign page's request (403), changing nothing", async () => {
    const form = await power(emu, "syno", "action=poweron", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
    const foreign = await power(
      emu,
      "syno",
      { action: "poweron" },
      { "content-type": "application/json", origin: "http://evil.example", "sec-fetch-site": "cross-site" },
    );
    expect(foreign.status).toBe(403);
    const state = await emu.admin.state();
    expect(state.guests.find((g) => g.guest_name === "syno")?.status).toBe("shutdown");
  });
});

describe("the power endpoint with an admin token", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ adminToken: "t0ken" });
  });
  afterAll(() => emu.close());

  it("needs Authorization: Bearer <token> like every control-plane call", async () => {
    expect((await power(emu, "syno", { action: "poweron" })).status).toBe(401);
    const ok = await power(
      emu,
      "syno",
      { action: "poweron" },
      { "content-type": "application/json", authorization: "Bearer t0ken" },
    );
    expect(ok.status).toBe(200);
  });
});
