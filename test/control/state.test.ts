import { describe, expect, it } from "vitest";
import { DEFAULT_FIXTURE } from "../../server/config";
import { AdminCallError } from "../../server/control/client";
import { loadFixtureFile } from "../../server/fixture";
import { createGuest, expectDsmError, expectSuccess, useEmulator } from "../harness";
import { controlCall } from "./support";

describe("control plane: state, reset, fixtures", () => {
  // Reset before each test, then one admin session (the harness's).
  const t = useEmulator({}, { reset: true });

  it("dumps the whole state without password hashes, OTP secrets or sids", async () => {
    const sid = t.sid;
    const res = await controlCall(t.emu, "GET", "/state");
    expect(res.status).toBe(200);
    const state = await t.emu.admin.state();
    expect(Object.keys(state).sort()).toEqual(
      [
        "accounts",
        "blocked_addresses",
        "guests",
        "hosts",
        "images",
        "nas",
        "networks",
        "sessions",
        "shares",
        "storages",
        "system",
        "tasks",
      ].sort(),
    );
    expect(state.system.model).toBe("DS1621+");
    expect(state.system.pro_licence).toBe(true);
    expect(state.accounts.find((a) => a.name === "otpadmin")).toEqual({
      name: "otpadmin",
      is_admin: true,
      disabled: false,
      otp: true,
    });
    expect(state.hosts.map((h) => h.host_name)).toEqual(["Synology", "Synology-2", "Synology-3"]);
    expect(state.guests.find((g) => g.guest_name === "win10")?.vdisks).toHaveLength(1);
    expect(state.networks[0]?.host_ids.length).toBeGreaterThan(0);
    expect(state.sessions).toBe(1);
    const text = JSON.stringify(state);
    expect(text).not.toContain("scrypt$");
    expect(text).not.toContain("password");
    expect(text).not.toContain(sid);
  });

  it("reset brings back the fixture after mutations and drops every session", async () => {
    const sid = t.sid;
    await createGuest(t.emu, sid, "made-in-test");
    expectSuccess(await t.emu.vmm(sid, "Guest", "delete", { guest_name: "win10" }));
    let state = await t.emu.admin.state();
    expect(state.guests.map((g) => g.guest_name)).toContain("made-in-test");
    expect(state.tasks).toHaveLength(1);

    expect(await t.emu.admin.reset()).toEqual({ reset: true });
    state = await t.emu.admin.state();
    expect(state.guests.map((g) => g.guest_name)).toContain("win10");
    expect(state.guests.map((g) => g.guest_name)).not.toContain("made-in-test");
    expect(state.tasks).toEqual([]);
    expect(state.sessions).toBe(0);
    expectDsmError(await t.emu.vmm(sid, "Guest", "list"), 119);
  });

  it("reset can also clear the fault rules and the journal", async () => {
    await t.emu.admin.addFault({ match: { api: "SYNO.DSM.Info" }, action: { type: "error", code: 402 } });
    await t.emu.login();
    await t.emu.admin.reset();
    expect(await t.emu.admin.faults()).toHaveLength(1);
    expect((await t.emu.admin.journal()).length).toBeGreaterThan(0);
    await t.emu.admin.reset({ faults: true, journal: true });
    expect(await t.emu.admin.faults()).toEqual([]);
    expect(await t.emu.admin.journal()).toEqual([]);
  });

  it("loads another fixture, which reset then returns to", async () => {
    const fixture = loadFixtureFile(DEFAULT_FIXTURE);
    const small = {
      ...fixture,
      source: "hand-written: one host, no guests",
      hosts: fixture.hosts.slice(0, 1),
      storages: fixture.storages.filter((s) => s.host_id === fixture.hosts[0]?.host_id),
      networks: fixture.networks.map((n) => ({ ...n, host_ids: n.host_ids.slice(0, 1) })).slice(0, 1),
      images: [],
      guests: [],
    };
    expect(await t.emu.admin.loadFixture(small)).toEqual({ loaded: true });
    let state = await t.emu.admin.state();
    expect(state.hosts).toHaveLength(1);
    expect(state.guests).toEqual([]);

    const sid = await t.emu.login();
    await createGuest(t.emu, sid, "on-small");
    await t.emu.admin.reset();
    state = await t.emu.admin.state();
    expect(state.guests).toEqual([]);
    expect(state.hosts).toHaveLength(1);

    await t.emu.admin.loadFixture(fixture);
  });

  it("refuses a bad fixture with 400 naming the field, and changes nothing", async () => {
    const fixture = loadFixtureFile(DEFAULT_FIXTURE);
    const before = await t.emu.admin.state();
    const bad = { ...fixture, hosts: [{ ...fixture.hosts[0], total_cpu_core: "many" }] };
    const res = await controlCall(t.emu, "POST", "/fixture", bad);
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toContain("hosts.0.total_cpu_core");
    expect(await t.emu.admin.state()).toEqual(before);

    const duplicateId = { ...fixture, hosts: [...fixture.hosts, { ...fixture.hosts[0], host_name: "Twin" }] };
    const dup = await controlCall(t.emu, "POST", "/fixture", duplicateId);
    expect(dup.status).toBe(400);
    // Caught by the schema or, failing that, by the database inside the seeding transaction.
    expect(String(dup.body.error)).toMatch(/host_id|cannot be loaded/);
    expect(await t.emu.admin.state()).toEqual(before);

    const notJson = await controlCall(t.emu, "POST", "/fixture", "{nope");
    expect(notJson.status).toBe(400);
    expect(String(notJson.body.error)).toMatch(/not JSON/);
  });
});

describe("control plane: snapshots", () => {
  const t = useEmulator();

  it("restores a snapshot after mutations: guests, tasks and sessions as they were", async () => {
    const sid = t.sid;
    await createGuest(t.emu, sid, "before-snap");
    const created = await t.emu.admin.createSnapshot("after-create");
    expect(created.name).toBe("after-create");
    expect(created.created_at).toBe(new Date(t.emu.clock.now()).toISOString());
    const atSnapshot = await t.emu.admin.state();

    expectSuccess(await t.emu.vmm(sid, "Guest", "delete", { guest_name: "win10" }));
    expectSuccess(await t.emu.vmm(sid, "Guest", "set", { guest_name: "syno", new_guest_name: "renamed" }));
    await createGuest(t.emu, sid, "after-snap");
    expect((await t.emu.admin.state()).guests.map((g) => g.guest_name)).not.toContain("win10");

    expect(await t.emu.admin.restoreSnapshot("after-create")).toEqual({ restored: "after-create" });
    const restored = await t.emu.admin.state();
    expect(restored.guests).toEqual(atSnapshot.guests);
    expect(restored.tasks.map((t) => t.task_id)).toEqual(atSnapshot.tasks.map((t) => t.task_id));
    // The session was part of the snapshot, so the same sid still works.
    expect(expectSuccess(await t.emu.vmm(sid, "Guest", "get", { guest_name: "syno" })).guest_name).toBe(
      "syno",
    );
  });

  it("lists and deletes snapshots; unknown names answer 404, taken names 409, bad names 400", async () => {
    await t.emu.admin.createSnapshot("one");
    await t.emu.admin.createSnapshot("two");
    expect((await t.emu.admin.snapshots()).map((s) => s.name)).toEqual(
      expect.arrayContaining(["one", "two"]),
    );
    await t.emu.admin.deleteSnapshot("one");
    expect((await t.emu.admin.snapshots()).map((s) => s.name)).not.toContain("one");

    expect((await controlCall(t.emu, "POST", "/snapshots/one/restore")).status).toBe(404);
    expect((await controlCall(t.emu, "DELETE", "/snapshots/one")).status).toBe(404);
    expect((await controlCall(t.emu, "POST", "/snapshots", { name: "two" })).status).toBe(409);
    const bad = await controlCall(t.emu, "POST", "/snapshots", { name: "has space" });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toContain("name");
    await expect(t.emu.admin.restoreSnapshot("missing")).rejects.toBeInstanceOf(AdminCallError);
  });
});
