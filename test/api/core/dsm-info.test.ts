import { describe, expect, it } from "vitest";
import { expectDsmError, expectSuccess, useEmulator } from "../../harness";

describe("SYNO.DSM.Info getinfo (Python clients call it right after login)", () => {
  const t = useEmulator();

  const getinfo = (version = "2") =>
    t.emu.get("entry.cgi", { api: "SYNO.DSM.Info", version, method: "getinfo", _sid: t.sid });

  it("answers model, version and serial from the fixture, with DSM's keys and types", async () => {
    const data = expectSuccess(await getinfo());
    expect(Object.keys(data)).toEqual([
      "codepage",
      "model",
      "ram",
      "serial",
      "temperature",
      "temperature_warn",
      "time",
      "uptime",
      "version",
      "version_string",
    ]);
    expect(data).toEqual({
      codepage: "enu",
      model: "DS1621+",
      ram: 8192,
      serial: "2150PDN000001",
      temperature: expect.any(Number),
      temperature_warn: false,
      time: expect.any(String),
      uptime: expect.any(Number),
      // DSM answers the build number as a string
      version: "72806",
      version_string: "DSM 7.2.2-72806 Update 3",
    });
  });

  it("version 1 answers 104: DSM 7.2 advertises SYNO.DSM.Info at version 2 only (minVersion 2)", async () => {
    expectDsmError(await getinfo("1"), 104);
  });

  it("uptime and time follow the emulator's clock", async () => {
    const before = expectSuccess(await getinfo()) as { uptime: number; time: string };
    t.emu.clock.advance(90_000);
    const after = expectSuccess(await getinfo()) as { uptime: number; time: string };
    expect(after.uptime - before.uptime).toBe(90);
    expect(Date.parse(after.time) - Date.parse(before.time)).toBe(90_000);
    expect(Date.parse(after.time)).toBe(t.emu.clock.now());
  });

  it("version 3 answers 104", async () => {
    expectDsmError(await getinfo("3"), 104);
  });
});
