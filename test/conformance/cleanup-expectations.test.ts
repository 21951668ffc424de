import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DsmClient } from "../../conformance/client/dsm-client";
import { Ledger } from "../../conformance/client/ledger";
import { SafetyGuard } from "../../conformance/client/safety";
import { VmmApi } from "../../conformance/client/vmm";
import { startEmulatorTarget } from "../../conformance/emulator/target";
import { CleanupStack, cleanupLedger } from "../../conformance/runner/cleanup";
import {
  applyExpectation,
  type ExpectationFile,
  expectationFor,
  globToRegExp,
  stalePatterns,
} from "../../conformance/runner/expectations";
import { runSuite } from "../../conformance/suite";
import { resolveTarget, type Target } from "../../conformance/target";
import { Waiter, WaitTimeout } from "../../conformance/wait";

describe("the cleanup stack", () => {
  it("runs newest first, goes on past failures and reports every one", async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    stack.push("a", async () => order.push("a"));
    stack.push("b", async () => {
      throw new Error("b broke");
    });
    stack.push("c", async () => order.push("c"));
    stack.push("d", async () => {
      throw new Error("d broke");
    });
    const failures = await stack.run();
    expect(order).toEqual(["c", "a"]);
    expect(failures).toEqual([
      { step: "d", error: "Error: d broke" },
      { step: "b", error: "Error: b broke" },
    ]);
    expect(stack.size).toBe(0);
  });
});

describe("ledger cleanup against the emulator", () => {
  let emu: Target;
  beforeAll(async () => {
    emu = await startEmulatorTarget(resolveTarget({}));
  });
  afterAll(() => emu.close());

  it("powers off and deletes what the run created, newest first, and leaves the rest alone", async () => {
    const ledger = new Ledger("feed0001");
    const dsm = new DsmClient({ baseUrl: emu.url, guard: new SafetyGuard("owned", ledger) });
    const vmm = new VmmApi(dsm);
    const { waiter } = emu;
    await dsm.discover();
    await dsm.login("admin", "synology");
    const before = (await vmm.listGuests()).map((g) => g.guest_id).sort();
    const storage = (await vmm.listStorages()).find((s) => s.status === "online");
    if (storage === undefined) throw new Error("no online storage");
    const ids: string[] = [];
    for (const label of ["one", "two"]) {
      const task = await vmm.createGuest({
        guest_name: ledger.name(label),
        storage_id: storage.storage_id,
        vdisks: [{ create_type: 0, vdisk_size: 1024 }],
        vnics: [],
        auto_clean_task: false,
      });
      const state = await waiter.task(vmm, task);
      ids.push(state.task_info.guest_id ?? "");
    }
    await vmm.powerOn({ guest_id: ids[1] ?? "" });
    // A create whose answer the run never saw: only the prefix scan can find it.
    const other = new DsmClient({
      baseUrl: emu.url,
      guard: new SafetyGuard("owned", new Ledger("feed0001")),
    });
    await other.discover();
    await other.login("admin", "synology");
    await new VmmApi(other).createGuest({
      guest_name: "vmmconf-feed0001-99-unrecorded",
      storage_id: storage.storage_id,
      vdisks: [],
      vnics: [],
    });
    await waiter.pause(10_000);

    expect(await cleanupLedger(vmm, ledger, waiter)).toEqual([]);
    expect((await vmm.listGuests()).map((g) => g.guest_id).sort()).toEqual(before);
    expect(ledger.tasks()).toEqual([]);
    await other.close();
    await dsm.close();
  });
});

describe("the wait helper", () => {
  it("reports running out of time as WaitTimeout (indeterminate), not as a failure", async () => {
    let advanced = 0;
    const waiter = new Waiter(
      { name: "t", intervalMs: 100, timeoutMs: 300 },
      {
        advance: async (ms) => {
          advanced += ms;
        },
      },
    );
    await expect(waiter.until("never", async () => ({ done: false, value: "still" }))).rejects.toBeInstanceOf(
      WaitTimeout,
    );
    expect(advanced).toBe(300);
  });
});

describe("expectations", () => {
  const file: ExpectationFile = {
    profile: "emulator",
    expectations: [
      { scenario: "guest.power.*", status: "fail", reason: "a known difference in power-on" },
      { scenario: "image.lifecycle", status: "skip", reason: "no image source on this target" },
      { scenario: "nothing.matches.this", status: "fail", reason: "an entry that went stale" },
    ],
  };

  it("matches ids with * globs", () => {
    expect(globToRegExp("guest.*").test("guest.power.cycle")).toBe(true);
    expect(globToRegExp("guest.*").test("image.guest.x")).toBe(false);
    expect(expectationFor(file, "guest.power.cycle")?.reason).toBe("a known difference in power-on");
  });

  it("turns a listed failure into a known difference and a listed failure that passes into a failure", () => {
    const e = expectationFor(file, "guest.power.cycle");
    expect(applyExpectation("fail", e)).toBe("known-difference");
    expect(applyExpectation("pass", e)).toBe("unexpected-pass");
    expect(applyExpectation("indeterminate", e)).toBe("indeterminate");
    expect(applyExpectation("pass", undefined)).toBe("pass");
    expect(applyExpectation("fail", undefined)).toBe("fail");
  });

  it("finds patterns that match no scenario", () => {
    expect(stalePatterns(file, ["guest.power.cycle", "image.lifecycle"])).toEqual(["nothing.matches.this"]);
  });

  it("a run fails when a listed failure passes, or when an entry is stale", async () => {
    const config = { ...resolveTarget({}), only: "shape.host.list" };
    const stale = await runSuite(config, {
      expectations: {
        profile: "emulator",
        expectations: [{ scenario: "shape.host.list", status: "fail", reason: "pretend it differs" }],
      },
    });
    expect(stale.scenarios.map((s) => s.status)).toEqual(["unexpected-pass"]);
    expect(stale.ok).toBe(false);
    const skipped = await runSuite(config, {
      expectations: {
        profile: "emulator",
        expectations: [{ scenario: "shape.host.*", status: "skip", reason: "switched off for the test" }],
      },
    });
    expect(skipped.scenarios.map((s) => [s.status, s.message])).toEqual([
      ["disabled", "switched off for the test"],
    ]);
    expect(skipped.ok).toBe(true);
  });
});
