import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../server/emulator";
import { expectDsmError, expectSuccess, startTestEmulator, type TestEmulator } from "../helpers";
import { adminCall, createGuest } from "./support";

describe("control plane: clock on a test's VirtualClock", () => {
  let emu: TestEmulator;
  let sid: string;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    await emu.admin.reset();
    await emu.admin.setClock({ time_scale: "realtime" });
    sid = await emu.login();
  });

  it("reports the clock: virtual, its instant and the time scale", async () => {
    expect(await emu.admin.clock()).toEqual({
      mode: "virtual",
      now: emu.clock.now(),
      iso: new Date(emu.clock.now()).toISOString(),
      time_scale: "realtime",
    });
  });

  it("advancing finishes tasks and power transitions", async () => {
    const { task_id } = expectSuccess(await createGuest(emu, sid, "timed")) as { task_id: string };
    expectSuccess(await emu.vmm(sid, "Guest.Action", "poweron", { guest_name: "syno" }));
    const before = await emu.admin.state();
    expect(before.guests.find((g) => g.guest_name === "syno")?.status).toBe("booting");

    const after = await emu.admin.advanceClock(10_000);
    expect(after.now).toBe(emu.clock.now());
    const state = await emu.admin.state();
    expect(state.guests.find((g) => g.guest_name === "syno")?.status).toBe("running");
    expect(state.guests.find((g) => g.guest_name === "timed")?.status).toBe("shutdown");
    expect(state.tasks.find((t) => t.task_id === task_id)?.progress).toBe(100);
  });

  it("advancing past the session timeout makes the sid answer 106", async () => {
    await adminCall(emu, "POST", "/clock/advance", { seconds: 901 });
    expectDsmError(await emu.vmm(sid, "Guest", "list"), 106);
  });

  it("advancing past a minute cleans finished tasks, as DSM does on its own", async () => {
    const { task_id } = expectSuccess(await createGuest(emu, sid, "cleaned")) as { task_id: string };
    await emu.admin.advanceClock(10_000);
    expect((await emu.admin.state()).tasks.map((t) => t.task_id)).toContain(task_id);
    await emu.admin.advanceClock(61_000);
    expect((await emu.admin.state()).tasks).toEqual([]);
  });

  it("the time scale rescales how long simulated work takes", async () => {
    expect((await emu.admin.setClock({ time_scale: 10 })).time_scale).toBe(10);
    expectSuccess(await emu.vmm(sid, "Guest.Action", "poweron", { guest_name: "syno" }));
    await emu.admin.advanceClock(300); // the 3 s boot takes 300 ms at 10x
    expect((await emu.admin.state()).guests.find((g) => g.guest_name === "syno")?.status).toBe("running");

    await emu.admin.setClock({ time_scale: "instant" });
    expectSuccess(await createGuest(emu, sid, "instant"));
    expect((await emu.admin.state()).guests.find((g) => g.guest_name === "instant")?.status).toBe("shutdown");
  });

  it("a fixed clock cannot switch mode (400, nothing changes); bad input answers 400", async () => {
    const res = await adminCall(emu, "POST", "/clock", { mode: "real", time_scale: 5 });
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toMatch(/fixed clock/);
    expect((await emu.admin.clock()).time_scale).toBe("realtime");
    expect((await adminCall(emu, "POST", "/clock/advance", { ms: -1 })).status).toBe(400);
    expect((await adminCall(emu, "POST", "/clock/advance", { ms: 1, seconds: 1 })).status).toBe(400);
    expect((await adminCall(emu, "POST", "/clock/advance", {})).status).toBe(400);
    expect((await adminCall(emu, "POST", "/clock", { time_scale: "fast" })).status).toBe(400);
    expect((await adminCall(emu, "POST", "/clock", { time_scale: 0 })).status).toBe(400);
  });
});

describe("control plane: the default switchable clock", () => {
  it("switches between real and virtual time without going backwards, and advances either", async () => {
    const emu = await startEmulator({ log: () => {} });
    try {
      const real = await emu.admin.clock();
      expect(real.mode).toBe("real");
      const frozen = await emu.admin.setClock({ mode: "virtual" });
      expect(frozen.mode).toBe("virtual");
      expect(frozen.now).toBeGreaterThanOrEqual(real.now);
      expect((await emu.admin.clock()).now).toBe(frozen.now);
      const advanced = await emu.admin.advanceClock(3_600_000);
      expect(advanced.now).toBe(frozen.now + 3_600_000);
      const back = await emu.admin.setClock({ mode: "real" });
      expect(back.mode).toBe("real");
      expect(back.now).toBeGreaterThanOrEqual(advanced.now);
    } finally {
      await emu.close();
    }
  });
});
