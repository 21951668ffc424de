import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageVersion, parseConfig } from "../../server/config";
import { rawRequest, startTestEmulator, type TestEmulator } from "../harness";

describe("control plane: health and its index of routes", () => {
  let emu: TestEmulator;
  const token = "health-token";
  beforeAll(async () => {
    emu = await startTestEmulator({ adminToken: token });
  });
  afterAll(() => emu.close());
  const auth = { authorization: `Bearer ${token}` };

  it("GET /__admin/health answers the version, the uptime and what the NAS holds, behind the token", async () => {
    const sid = await emu.login();
    expect(sid).not.toBe("");
    expect((await fetch(`${emu.url}/__admin/health`)).status).toBe(401);
    const res = await fetch(`${emu.url}/__admin/health`, { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      version: string;
      uptime_seconds: number;
      counts: Record<string, number>;
    };
    expect(body.status).toBe("ok");
    expect(body.version).toBe(packageVersion());
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.uptime_seconds).toBeGreaterThanOrEqual(0);
    const state = await emu.admin.state();
    expect(body.counts).toEqual({
      hosts: state.hosts.length,
      storages: state.storages.length,
      guests: state.guests.length,
      tasks: state.tasks.length,
      sessions: state.sessions,
      journal: (await emu.admin.journal()).length,
      faults: 0,
    });
    expect(body.counts.sessions).toBeGreaterThanOrEqual(1);
    expect(body.counts.journal).toBeGreaterThanOrEqual(1);
  });

  it("GET /__admin lists the control plane's routes, each of which answers something but 404", async () => {
    const res = await fetch(`${emu.url}/__admin`, { headers: auth });
    expect(res.status).toBe(200);
    const { routes } = (await res.json()) as { routes: string[] };
    for (const route of [
      "GET /__admin/health",
      "GET /__admin/state",
      "POST /__admin/reset",
      "GET /__admin/journal",
      "POST /__admin/clock/advance",
    ])
      expect(routes).toContain(route);
    expect(routes.some((r) => r.includes("*"))).toBe(false);
    for (const route of routes.filter((r) => r.startsWith("GET ") && !r.includes(":"))) {
      const answer = await fetch(`${emu.url}${route.slice(4)}`, { headers: auth });
      expect(answer.status, route).toBe(200);
    }
  });

  it("a page of another site cannot read it (the browser guard), nor a foreign Host (DNS rebinding)", async () => {
    const foreign = await fetch(`${emu.url}/__admin/health`, {
      headers: { ...auth, "sec-fetch-site": "cross-site" },
    });
    expect(foreign.status).toBe(403);
    // fetch drops a Host header; a raw request sends it as a rebinding page's browser would.
    const rebound = await rawRequest(emu.url, "GET", "/__admin/health", {
      headers: { ...auth, host: "evil.example.com" },
    });
    expect(rebound.status).toBe(403);
  });

  it("GET /health answers without token or control plane: status, version, uptime, no counts", async () => {
    const off = await startTestEmulator({ admin: false });
    try {
      for (const e of [emu, off]) {
        const res = await fetch(`${e.url}/health`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual(["status", "uptime_seconds", "version"]);
      }
    } finally {
      await off.close();
    }
  });
});

describe("--admin-open: the control plane beyond loopback without a token (a private CI network)", () => {
  it("is refused without it, and accepted with it or a token", () => {
    expect(() => parseConfig(["--host", "0.0.0.0"], {})).toThrow(/--admin-open on a private network/);
    expect(parseConfig(["--host", "0.0.0.0", "--admin-open", "true"], {}).admin).toBe(true);
    expect(parseConfig(["--host", "0.0.0.0"], { VMM_EMULATOR_ADMIN_OPEN: "1" }).adminToken).toBeUndefined();
  });
});
