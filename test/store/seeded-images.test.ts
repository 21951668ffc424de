/**
 * In-memory emulators of one process start from a kept image of their fixture's seed
 * (server/store/seeded-images.ts): each is its own copy, dated by its own clock.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../server/clock";
import { SeededImages } from "../../server/store/seeded-images";
import { fixtureWith, startTestEmulator, TEST_EPOCH, type TestEmulator } from "../harness";

const started: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()));
});

async function start(clock: VirtualClock): Promise<TestEmulator> {
  const emu = await startTestEmulator({ clock });
  started.push(emu);
  return emu;
}

async function uptime(emu: TestEmulator): Promise<number> {
  const sid = await emu.login();
  const res = await emu.get("entry.cgi", {
    api: "SYNO.DSM.Info",
    version: "2",
    method: "getinfo",
    _sid: sid,
  });
  return Number(res.body.data?.uptime);
}

describe("a second in-memory emulator of the same fixture (a copy of the kept seed)", () => {
  it("is dated by its own clock: its uptime starts at 0, whatever the first one's clock said", async () => {
    const firstClock = new VirtualClock(TEST_EPOCH);
    const first = await start(firstClock);
    firstClock.advance(100_000);
    expect(await uptime(first)).toBe(100);
    // Another clock, a year later: a seed copied with the first one's boot time would say a year.
    const secondClock = new VirtualClock(TEST_EPOCH + 365 * 86_400_000);
    const second = await start(secondClock);
    expect(await uptime(second)).toBe(0);
    secondClock.advance(5_000);
    expect(await uptime(second)).toBe(5);
  });

  it("shares nothing with the first: a guest one deletes is still in the other", async () => {
    const a = await start(new VirtualClock(TEST_EPOCH));
    const b = await start(new VirtualClock(TEST_EPOCH));
    const sidA = await a.login();
    const sidB = await b.login();
    const before = await b.vmm(sidB, "Guest", "list");
    const names = (res: { body: { data?: Record<string, unknown> } }) =>
      ((res.body.data?.guests ?? []) as { guest_name: string }[]).map((g) => g.guest_name);
    const name = names(before)[0] ?? "";
    expect((await a.vmm(sidA, "Guest", "delete", { guest_name: name })).body.success).toBe(true);
    const after = await b.vmm(sidB, "Guest", "list");
    expect(names(after)).toContain(name);
  });
});

describe("seeded images kept in a folder for the next process", () => {
  const fixture = fixtureWith(() => {});
  const image = Buffer.from("an image's bytes");

  it("are found by a new process (a new SeededImages on the same folder), as kept", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmm-seeded-"));
    try {
      new SeededImages(() => dir).keep(fixture, image);
      const [file] = readdirSync(dir);
      expect(statSync(join(dir, String(file))).mode & 0o777).toBe(0o600);
      expect(new SeededImages(() => dir).get(fixture)).toEqual(image);
      // Another fixture is another image.
      const other = fixtureWith((f) => {
        f.system.serial = "ANOTHER";
      });
      expect(new SeededImages(() => dir).get(other)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a torn or altered file is never opened", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmm-seeded-"));
    try {
      new SeededImages(() => dir).keep(fixture, image);
      const file = join(dir, String(readdirSync(dir)[0]));
      const bytes = readFileSync(file);
      writeFileSync(file, bytes.subarray(0, bytes.length - 1));
      expect(new SeededImages(() => dir).get(fixture)).toBeUndefined();
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      writeFileSync(file, bytes);
      expect(new SeededImages(() => dir).get(fixture)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
