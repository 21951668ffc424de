import { describe, expect, it } from "vitest";
import { parseConfig } from "../../server/config";
import { AdminCallError, AdminClient } from "../../server/control/client";
import { HOSTS } from "../fixture-ids";
import { createGuest, expectSuccess, startTestEmulator } from "../harness";
import { controlCall } from "./support";

// Several emulators, or emulators started with other control-plane options: each test starts its own.
describe("control plane: in-process emulators", () => {
  it("two emulators side by side do not see each other's state, rules or journal", async () => {
    const [a, b] = await Promise.all([startTestEmulator(), startTestEmulator()]);
    try {
      expect(a.port).not.toBe(b.port);
      const [sidA, sidB] = await Promise.all([a.login(), b.login()]);
      await Promise.all([
        createGuest(a, sidA, "only-in-a"),
        b.vmm(sidB, "Guest", "delete", { guest_name: "win10" }),
        a.admin.updateHost(HOSTS.second.name, { status: "inaccessible" }),
        b.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "error", code: 402 } }),
        a.admin.createSnapshot("mine"),
      ]);
      const [stateA, stateB] = await Promise.all([a.admin.state(), b.admin.state()]);
      expect(stateA.guests.map((g) => g.guest_name)).toContain("only-in-a");
      expect(stateA.guests.map((g) => g.guest_name)).toContain("win10");
      expect(stateB.guests.map((g) => g.guest_name)).not.toContain("only-in-a");
      expect(stateB.guests.map((g) => g.guest_name)).not.toContain("win10");
      expect(stateB.hosts.find((h) => h.host_name === HOSTS.second.name)?.status).toBe("running");
      expect(await a.admin.faults()).toEqual([]);
      expect(await b.admin.snapshots()).toEqual([]);
      expect((await b.admin.journal()).some((e) => e.method === "create")).toBe(false);
      // A sid of one emulator means nothing to the other.
      expect((await b.vmm(sidA, "Guest", "list")).body.success).toBe(false);
      expectSuccess(
        await a.get("entry.cgi", { api: "SYNO.DSM.Info", version: "2", method: "getinfo", _sid: sidA }),
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("with --admin false, /__admin answers like any unknown path", async () => {
    const emu = await startTestEmulator({ admin: false });
    try {
      const res = await fetch(`${emu.url}/__admin/state`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 102 }, success: false });
      await expect(emu.admin.state()).rejects.toMatchObject({ status: 404 });
    } finally {
      await emu.close();
    }
  });

  it("with an admin token, calls without the bearer token answer 401; the returned client sends it", async () => {
    const emu = await startTestEmulator({ adminToken: "s3cret" });
    try {
      expect((await controlCall(emu, "GET", "/state")).status).toBe(401);
      expect(
        (await controlCall(emu, "GET", "/state", undefined, { authorization: "Bearer wrong" })).status,
      ).toBe(401);
      expect((await controlCall(emu, "POST", "/reset", undefined, { authorization: "s3cret" })).status).toBe(
        401,
      );
      expect(
        (await controlCall(emu, "GET", "/clock", undefined, { authorization: "Bearer s3cret" })).status,
      ).toBe(200);
      expect((await emu.admin.state()).hosts.length).toBe(3);
      const anonymous = new AdminClient(emu.url);
      const error = await anonymous.state().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdminCallError);
      expect(error).toMatchObject({ status: 401, method: "GET", path: "/state" });
    } finally {
      await emu.close();
    }
  });

  it("admin options come from flags or the environment", () => {
    const env = { VMM_EMULATOR_ADMIN_TOKEN: "from-env", VMM_EMULATOR_JOURNAL_SIZE: "50" };
    expect(parseConfig([], env)).toMatchObject({ admin: true, adminToken: "from-env", journalSize: 50 });
    expect(parseConfig(["--admin", "false", "--admin-token=x"], env)).toMatchObject({
      admin: false,
      adminToken: "x",
    });
    expect(() => parseConfig(["--admin", "maybe"], {})).toThrow(/--admin/);
  });
});
