import { beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../server/emulator";
import { createGuest, expectDsmError, expectSuccess, useEmulator } from "../harness";
import { controlCall } from "./support";

describe("control plane: clock on a test's VirtualClock", () => {
  const t = useEmulator({}, { reset: true });
  // A reset leaves the time scale as a test set it.
  beforeEach(() => t.emu.admin.setClock({ time_scale: "realtime" }));

  it("reports the clock: virtual, its instant and the time scale", async () => {
    expect(await t.emu.admin.clock()).toEqual({
      mode: "virtual",
      now: t.emu.clock.now(),
      iso: new Date(t.emu.clock.now()).toISOString(),
      time_scale: "realtime",
    });
  });

  it("advancing finishes tasks and power transitions", async () => {
    const { taskId: task_id } = await createGuest(t.emu, t.sid, "timed");
    expectSuccess(await t.emu.vmm(t.sid, "Guest.Action", "poweron", { guest_name: "syno" }));
    const before = await t.emu.admin.state();
    expect(before.guests.find((g) => g.guest_name === "syno")?.status).toBe("booting");

    const after = await t.emu.admin.advanceClock(10_000);
    expect(after.now).toBe(t.emu.clock.now());
    const state = await t.emu.admin.state();
    expect(state.guests.find((g) => g.guest_name === "syno")?.status).toBe("running");
    expect(state.guests.find((g) => g.guest_name === "timed")?.status).toBe("shutdown");
    expect(state.tasks.find((t) => t.task_id === task_id)?.progress).toBe(100);
  });

  it("advancing past the session timeout makes the sid answer 119 (DSM 7's code for an expired session)", async () => {
    await controlCall(t.emu, "POST", "/clock/advance", { seconds: 901 });
    expectDsmError(await t.emu.vmm(t.sid, "Guest", "list"), 119);
  });

  it("advancing past a minute cleans finished tasks, as DSM does on its own", async () => {
    const { taskId: task_id } = await createGuest(t.emu, t.sid, "cleaned");
    await t.emu.admin.advanceClock(10_000);
    expect((await t.emu.admin.state()).tasks.map((t) => t.task_id)).toContain(task_id);
    await t.emu.admin.advanceClock(61_000);
    expect((await t.emu.admin.state()).tasks).toEqual([]);
  });

  it("the time scale rescales how long simulated work takes", async () => {
    expect((await t.emu.admin.setClock({ time_scale: 10 })).time_scale).toBe(10);
    expectSuccess(await t.emu.vmm(t.sid, "Guest.Action", "poweron", { guest_name: "syno" }));
    await t.emu.admin.advanceClock(300); // the 3 s boot takes 300 ms at 10x
    expect((await t.emu.admin.state()).guests.find((g) => g.guest_name === "syno")?.status).toBe("running");

    await t.emu.admin.setClock({ time_scale: "instant" });
    await createGuest(t.emu, t.sid, "instant");
    expect((await t.emu.admin.state()).guests.find((g) => g.guest_name === "instant")?.status).toBe(
      "shutdown",
    );
  });

  it("a fixed clock cannot switch mode (400, nothing changes); bad input answers 400", async () => {
    const res = await controlCall(t.emu, "POST", "/clock", { mode: "real", time_scale: 5 });
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toMatch(/fixed clock/);
    expect((await t.emu.admin.clock()).time_scale).toBe("realtime");
    expect((await controlCall(t.emu, "POST", "/clock/advance", { ms: -1 })).status).toBe(400);
    expect((await controlCall(t.emu, "POST", "/clock/advance", { ms: 1, seconds: 1 })).status).toBe(400);
    expect((await controlCall(t.emu, "POST", "/clock/advance", {})).status).toBe(400);
    expect((await controlCall(t.emu, "POST", "/clock", { time_scale: "fast" })).status).toBe(400);
    expect((await controlCall(t.emu, "POST", "/clock", { time_scale: 0 })).status).toBe(400);
  });
});

// Not a test emulator: what startEmulator gives without a clock is what this test is about.
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
