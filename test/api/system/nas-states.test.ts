/**
 * The NAS's states a test sets: through the fixture (a `nas` section, every field defaulted so
 * older fixtures load unchanged) and through PATCH /__admin/nas (validated, merged, refused with
 * 400 or 404 having changed nothing), kept by snapshots and reset, and shown on the dashboard.
 */
import { describe, expect, it } from "vitest";
import { AdminCallError } from "../../../server/control/client";
import { parseFixture } from "../../../server/fixture";
import { HOSTS, STORAGES } from "../../fixture-ids";
import { fixtureWith, rawDefaultFixture, useEmulator } from "../../harness";

const patch = (url: string, body: unknown) =>
  fetch(`${url}/__admin/nas`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("the NAS's states", () => {
  const t = useEmulator({}, { reset: true });

  it("default when a fixture has no nas section", () => {
    const fixture = parseFixture(rawDefaultFixture());
    expect(fixture.nas).toEqual({
      temperature: 40,
      update: null,
      security: "safe",
      disks: {},
      volumes: {},
      usb: [],
    });
  });

  it("a fixture that names an unknown storage or a bad disk id is refused, naming the field", () => {
    const storage = { ...rawDefaultFixture(), nas: { volumes: { nowhere: "crashed" } } };
    expect(() => parseFixture(storage)).toThrow(/nas\.volumes\.nowhere: unknown storage nowhere/);
    const disk = { ...rawDefaultFixture(), nas: { disks: { sda: "failing" } } };
    expect(() => parseFixture(disk)).toThrow(/nas\.disks\.sda: /);
  });

  it("a fixture's nas section is what the system APIs answer from the start", async () => {
    await t.start({
      fixtureData: fixtureWith((f) => {
        f.nas = { ...f.nas, temperature: 55, update: "7.3-80000", security: "danger" };
      }),
    });
    const sid = await t.emu.login();
    const get = async (api: string, method: string, version = "1") =>
      (await t.emu.get("entry.cgi", { api, version, method, _sid: sid })).body.data ?? {};
    expect((await get("SYNO.Core.System", "info", "3")).sys_temp).toBe(55);
    expect((await get("SYNO.Core.Upgrade.Server", "check", "4")).update).toMatchObject({
      available: true,
      version: "7.3-80000",
    });
    expect((await get("SYNO.Core.SecurityScan.Status", "system_get")).sysStatus).toBe("danger");
    expect((await get("SYNO.DSM.Info", "getinfo", "2")).temperature).toBe(55);
  });

  it("PATCH merges disks and volumes, replaces USB devices and withdraws an update with null", async () => {
    await t.emu.admin.updateNas({ update: "7.2.2-72806 Update 4", disks: { sata1: "failing" } });
    const state = await t.emu.admin.updateNas({ update: null, disks: { sata3: "crashed" } });
    expect(state).toMatchObject({ update: null, disks: { sata1: "failing", sata3: "crashed" } });
    expect((await t.emu.admin.state()).nas).toEqual(state);
  });

  it("PATCH refuses what it does not know with 400 or 404 and changes nothing", async () => {
    for (const body of [
      { temperature: -1 },
      { disks: { sda: "failing" } },
      { security: "fine" },
      { colour: "red" },
    ])
      expect((await patch(t.emu.url, body)).status, JSON.stringify(body)).toBe(400);
    const unknown = await t.emu.admin.updateNas({ volumes: { nowhere: "crashed" } }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(AdminCallError);
    expect((unknown as AdminCallError).status).toBe(404);
    expect((await patch(t.emu.url, { host: "no-such-host" })).status).toBe(404);
    expect((await t.emu.admin.state()).nas).toEqual(parseFixture(rawDefaultFixture()).nas);
  });

  it("a reset puts the states back to the fixture's; a snapshot keeps them", async () => {
    await t.emu.admin.updateNas({ temperature: 80, host: HOSTS.second.id });
    await t.emu.admin.createSnapshot("hot");
    await t.emu.admin.reset();
    expect((await t.emu.admin.state()).nas.temperature).toBe(40);
    await t.emu.admin.restoreSnapshot("hot");
    expect((await t.emu.admin.state()).nas).toMatchObject({ temperature: 80, host_id: HOSTS.second.id });
    await t.emu.admin.deleteSnapshot("hot");
  });

  it("the dashboard shows them", async () => {
    await t.emu.admin.updateNas({
      temperature: 72,
      update: "7.2.2-72806 Update 4",
      security: "risk",
      disks: { sata2: "failing" },
      volumes: { [STORAGES.first.id]: "degraded" },
      usb: [{ producer: "PNY", product: "Flash Drive", size_mb: 1024 }],
    });
    const page = await (await fetch(`${t.emu.url}/`)).text();
    for (const text of [
      "72 °C",
      "7.2.2-72806 Update 4",
      "risk",
      "sata2 failing",
      `${STORAGES.first.name} degraded`,
      "PNY Flash Drive",
    ])
      expect(page).toContain(text);
  });
});
