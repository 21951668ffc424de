/**
 * The clock across a restart of a file database: after an advance and a restart, the clock went
 * back to the machine's time, so tasks and boots dated in the advanced span never finished and
 * sessions never expired.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createGuest, expectDsmError, startTestEmulator, statusOf } from "../harness";

const DAY = 86_400_000;

describe("the clock is kept with a file database", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmm-clock-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a restart resumes the advanced clock: the task finishes, the idle session expires", async () => {
    const db = join(dir, "emulator.sqlite");
    // `clock: undefined`: the switchable clock the CLI runs on, not the harness's virtual one.
    const first = await startTestEmulator({ db, clock: undefined });
    await first.admin.setClock({ mode: "virtual" });
    const { now: advanced } = await first.admin.advanceClock(DAY);
    const sid = await first.login();
    await createGuest(first, sid, "made-tomorrow");
    await first.close();

    const second = await startTestEmulator({ db, clock: undefined });
    try {
      const clock = await second.admin.clock();
      expect([clock.mode, clock.now]).toEqual(["virtual", advanced]);
      await second.admin.advanceClock(10_000);
      expect(await statusOf(second, await second.login(), "made-tomorrow")).toBe("shutdown");
      await second.admin.advanceClock(DAY);
      expectDsmError(await second.vmm(sid, "Guest", "list"), 119);
    } finally {
      await second.close();
    }
  });
});
