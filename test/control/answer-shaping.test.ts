import { describe, expect, it } from "vitest";
import { createGuest, expectDsmError, expectSuccess, statusOf, useEmulator } from "../harness";

const GUEST_API = "SYNO.Virtualization.API.Guest";

describe("control plane: answer-shaping fault rules", () => {
  const t = useEmulator({}, { reset: { faults: true, journal: true } });
  const guests = async () =>
    (expectSuccess(await t.emu.vmm(t.sid, "Guest", "list")).guests ?? []) as Record<string, unknown>[];

  it("renames, drops and adds a key in every object of the answer, keeping the renamed key's place", async () => {
    const plain = await guests();
    await t.emu.admin.addFault({
      match: { api: GUEST_API, method: "list" },
      action: { type: "rename_key", key: "vcpu_num", to: "vcpus" },
    });
    await t.emu.admin.addFault({
      match: { api: GUEST_API, method: "list" },
      action: { type: "drop_key", key: "description" },
    });
    await t.emu.admin.addFault({
      match: { api: GUEST_API, method: "list" },
      action: { type: "add_key", key: "vendor_extra", value: 7, beside: "guest_id" },
    });
    const shaped = await guests();
    expect(shaped.length).toBe(plain.length);
    for (const [i, g] of shaped.entries()) {
      expect(g.vcpus).toBe(plain[i]?.vcpu_num);
      expect(Object.keys(g)).toEqual([
        ...Object.keys(plain[i] ?? {})
          .filter((k) => k !== "description")
          .map((k) => (k === "vcpu_num" ? "vcpus" : k)),
        "vendor_extra",
      ]);
    }
    // The emulator's kept answer is untouched: without the rules the list is as before.
    await t.emu.admin.clearFaults();
    expect(await guests()).toEqual(plain);
  });

  it("changes a value's type, its unit, or the value itself (only where it equals `from`)", async () => {
    const plain = await guests();
    await t.emu.admin.addFault({
      match: { method: "list" },
      action: { type: "retype", key: "vcpu_num", to: "string" },
    });
    await t.emu.admin.addFault({
      match: { method: "list" },
      action: { type: "scale", key: "vram_size", factor: 1024 },
    });
    await t.emu.admin.addFault({
      match: { method: "list" },
      action: { type: "set_value", key: "status", from: "shutdown", value: "stopped" },
    });
    const shaped = await guests();
    for (const [i, g] of shaped.entries()) {
      const p = plain[i] ?? {};
      expect(g.vcpu_num).toBe(String(p.vcpu_num));
      expect(g.vram_size).toBe(Number(p.vram_size) * 1024);
      expect(g.status).toBe(p.status === "shutdown" ? "stopped" : p.status);
    }
    expect(plain.some((g) => g.status === "shutdown") && plain.some((g) => g.status !== "shutdown")).toBe(
      true,
    );
  });

  it("reverses a list and changes an error's code, leaving successes alone", async () => {
    const plain = await guests();
    await t.emu.admin.addFault({ match: { api: GUEST_API }, action: { type: "reorder", key: "guests" } });
    await t.emu.admin.addFault({
      match: { api: GUEST_API, method: "get" },
      action: { type: "error_code", from: 401, code: 402 },
    });
    expect((await guests()).map((g) => g.guest_id)).toEqual(plain.map((g) => g.guest_id).reverse());
    const unknown = await t.emu.vmm(t.sid, "Guest", "get", { guest_name: "no-such-guest" });
    expect(unknown.body.error?.code).toBe(402);
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "get", { guest_name: String(plain[0]?.guest_name) }));
    const { faults: rules } = (await (await fetch(`${t.emu.url}/__admin/faults`)).json()) as {
      faults: { acted: number }[];
    };
    // A shaping rule counts every call it was applied to, changed or not.
    expect(rules.map((r) => r.acted)).toEqual([3, 2]);
  });

  it("changes the HTTP status and sets or removes a header, the body unchanged", async () => {
    await t.emu.admin.addFault({ match: { method: "list" }, action: { type: "http_status", status: 500 } });
    await t.emu.admin.addFault({
      match: { method: "list" },
      action: { type: "header", name: "Content-Type", value: "application/json" },
    });
    await t.emu.admin.addFault({
      match: { method: "list" },
      action: { type: "header", name: "Pragma", value: null },
    });
    const res = await t.emu.vmm(t.sid, "Guest", "list");
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("pragma")).toBeNull();
    expect(res.body.success).toBe(true);
  });

  it("renames the session cookie a login sets", async () => {
    await t.emu.admin.addFault({
      match: { api: "SYNO.API.Auth", method: "login" },
      action: { type: "rename_cookie", from: "id", to: "sid" },
    });
    const res = await t.emu.get("auth.cgi", {
      api: "SYNO.API.Auth",
      version: "6",
      method: "login",
      account: "admin",
      passwd: "synology",
    });
    const cookies = res.headers.getSetCookie().map((c) => c.split("=")[0]);
    expect(cookies).toContain("sid");
    expect(cookies).not.toContain("id");
  });

  it("holds a graceful shutdown for ever, and a shaping rule adds to an error rule's verdict", async () => {
    await createGuest(t.emu, t.sid, "held", {}, { ready: true });
    expectSuccess(await t.emu.vmm(t.sid, "Guest.Action", "poweron", { guest_name: "held" }));
    t.emu.clock.advance(300_000);
    expect(await statusOf(t.emu, t.sid, "held")).toBe("running");
    await t.emu.admin.addFault({ match: { method: "shutdown" }, action: { type: "hold_transition" } });
    expectSuccess(await t.emu.vmm(t.sid, "Guest.Action", "shutdown", { guest_name: "held" }));
    t.emu.clock.advance(300_000);
    expect(await statusOf(t.emu, t.sid, "held")).toBe("shutting_down");
    expectSuccess(await t.emu.vmm(t.sid, "Guest.Action", "poweroff", { guest_name: "held" }));

    await t.emu.admin.clearFaults();
    await t.emu.admin.addFault({ match: { method: "get" }, action: { type: "error_code", code: 999 } });
    await t.emu.admin.addFault({ match: { method: "get" }, action: { type: "error", code: 402 } });
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "get", { guest_name: "held" }), 999);
  });

  it("refuses a shaping rule with a bad field (400 naming it)", async () => {
    const res = await fetch(`${t.emu.url}/__admin/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: { type: "header", name: "X-A", value: "a\r\nSet-Cookie: x=1" } }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/value/);
  });
});
