import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_FIXTURE } from "../../server/config";
import { startEmulator } from "../../server/emulator";
import { FixtureError, fixtureAccount, loadFixtureFile, parseFixture } from "../../server/fixture";
import { fixtureWith, type RawFixture, rawDefaultFixture } from "../harness";

/** The message parseFixture throws for `fixture`, or "" when it is valid. */
function problems(fixture: unknown): string {
  try {
    parseFixture(fixture, "test fixture");
    return "";
  } catch (err) {
    expect(err).toBeInstanceOf(FixtureError);
    return (err as Error).message;
  }
}

function broken(edit: (f: RawFixture) => void): string {
  const f = rawDefaultFixture();
  edit(f);
  return problems(f);
}

describe("fixtures are validated at load, with a message naming the bad field", () => {
  it("the default fixture is valid and tells where it came from", () => {
    const f = loadFixtureFile(DEFAULT_FIXTURE);
    expect(f.source).toMatch(/guide/);
    expect(f.hosts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(f.storages.map((s) => s.host_id)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(f.images.map((i) => i.type))).toEqual(new Set(["disk", "iso", "vdsm"]));
    expect(new Set(f.guests.map((g) => g.status)).size).toBeGreaterThanOrEqual(2);
    expect(f.guests.map((g) => g.guest_name)).toEqual(expect.arrayContaining(["win10", "syno"]));
    expect(f.accounts.map((a) => [a.name, a.admin, a.disabled, a.otp_secret !== undefined])).toEqual(
      expect.arrayContaining([
        ["admin", true, false, false],
        ["viewer", false, false, false],
        ["former", true, true, false],
        ["otpadmin", true, false, true],
      ]),
    );
  });

  it("defaults are filled in (status, controller, model, autorun, shares)", () => {
    const f = parseFixture(rawDefaultFixture());
    expect(f.hosts[0]?.status).toBe("running");
    expect(f.storages[0]?.status).toBe("online");
    expect(f.guests[0]?.autorun).toBe(0);
    expect(f.guests[1]?.vnics[0]?.model).toBe(1);
    expect(f.guests[0]?.vdisks[0]?.unmap).toBe(false);
    expect(f.system.cluster_status).toBe("normal");
  });

  it("a missing required field names its path", () => {
    expect(broken((f) => delete f.system.model)).toMatch(/system\.model: /);
    expect(broken((f) => delete f.source)).toMatch(/source: /);
  });

  it("a wrong type names its path", () => {
    const message = broken((f) => {
      if (f.hosts[1] !== undefined) f.hosts[1].total_cpu_core = "four";
    });
    expect(message).toMatch(/^test fixture is not a valid fixture:/);
    expect(message).toMatch(/hosts\.1\.total_cpu_core: /);
  });

  it("an unknown enum value names its path", () => {
    expect(
      broken((f) => {
        if (f.guests[0] !== undefined) f.guests[0].status = "flying";
      }),
    ).toMatch(/guests\.0\.status: /);
    expect(
      broken((f) => {
        if (f.images[0] !== undefined) f.images[0].type = "qcow2";
      }),
    ).toMatch(/images\.0\.type: /);
  });

  it("an unknown field is refused (a typo must not pass silently)", () => {
    expect(
      broken((f) => {
        if (f.hosts[0] !== undefined) f.hosts[0].total_cpu_cores = 8;
      }),
    ).toMatch(/hosts\.0: .*total_cpu_cores/);
  });

  it("a TOTP secret that is not base32 names the account", () => {
    expect(
      broken((f) => {
        const otp = f.accounts.findIndex((a) => a.name === "otpadmin");
        const account = f.accounts[otp];
        if (account !== undefined) account.otp_secret = "not-base32!";
      }),
    ).toMatch(/accounts\.\d+\.otp_secret: must be base32/);
  });

  it("a reference to an unknown host, storage, network or image names the field and the id", () => {
    expect(
      broken((f) => {
        if (f.storages[0] !== undefined) f.storages[0].host_id = "no-such-host";
      }),
    ).toMatch(/storages\.0\.host_id: unknown host no-such-host/);
    expect(
      broken((f) => {
        if (f.guests[0] !== undefined) f.guests[0].storage_id = "nowhere";
      }),
    ).toMatch(/guests\.0\.storage_id: unknown storage nowhere/);
    expect(
      broken((f) => {
        const vnic = f.guests[0]?.vnics[0];
        if (vnic !== undefined) vnic.network_id = "no-net";
      }),
    ).toMatch(/guests\.0\.vnics\.0\.network_id: unknown network no-net/);
    expect(
      broken((f) => {
        const ids = f.images[0]?.storage_ids;
        if (Array.isArray(ids)) ids.push("gone");
      }),
    ).toMatch(/images\.0\.storage_ids\.1: unknown storage gone/);
  });

  it("a running guest without a host names guests.N.host_id", () => {
    expect(
      broken((f) => {
        if (f.guests[0] !== undefined) f.guests[0].status = "running";
      }),
    ).toMatch(/guests\.0\.host_id: a running guest needs/);
  });

  it("a duplicate name or MAC names the second one", () => {
    expect(
      broken((f) => {
        if (f.guests[1] !== undefined) f.guests[1].guest_name = "win10";
      }),
    ).toMatch(/guests\.1: name win10 is used twice/);
    expect(
      broken((f) => {
        const vnic = f.guests[1]?.vnics[0];
        if (vnic !== undefined) vnic.mac = "02:11:32:2c:2f:7b";
      }),
    ).toMatch(/guests\.1\.vnics\.0\.mac: MAC 02:11:32:2c:2f:7b is used twice/);
  });

  it("a duplicate id names the second one (instead of a SQLite constraint error at seed time)", () => {
    expect(
      broken((f) => {
        if (f.guests[1] !== undefined) f.guests[1].guest_id = "89f5bde5-9230-417e-b597-f2fd4f4ebd54";
      }),
    ).toMatch(/guests\.1\.guest_id: guest_id 89f5bde5-9230-417e-b597-f2fd4f4ebd54 is used twice/);
    expect(
      broken((f) => {
        if (f.hosts[1] !== undefined) f.hosts[1].host_id = f.hosts[0]?.host_id;
      }),
    ).toMatch(/hosts\.1\.host_id: host_id .* is used twice/);
    expect(
      broken((f) => {
        const disk = f.guests[1]?.vdisks[0];
        if (disk !== undefined) disk.vdisk_id = "07342e0e-14eb-4583-aba6-b1448f1bd13b";
      }),
    ).toMatch(/guests\.1\.vdisks\.0\.vdisk_id: vdisk_id 07342e0e-14eb-4583-aba6-b1448f1bd13b is used twice/);
    expect(
      broken((f) => {
        const vnic = f.guests[1]?.vnics[0];
        if (vnic !== undefined) vnic.vnic_id = "34e8d21f-fdd6-41cd-bcae-a23b002cb873";
      }),
    ).toMatch(/guests\.1\.vnics\.0\.vnic_id: vnic_id .* is used twice/);
  });

  it("the same storage twice in an image's storage_ids names the second", () => {
    expect(
      broken((f) => {
        const ids = f.images[0]?.storage_ids;
        if (Array.isArray(ids)) ids.push(ids[0]);
      }),
    ).toMatch(/images\.0\.storage_ids\.1: storage a5428b34-0fdb-456f-8339-f16224e4c860 is used twice/);
  });

  it("a malformed MAC names the field", () => {
    expect(
      broken((f) => {
        const vnic = f.guests[0]?.vnics[0];
        if (vnic !== undefined) vnic.mac = "02:11:32:2C:2F:7B";
      }),
    ).toMatch(/guests\.0\.vnics\.0\.mac: must be a lower-case MAC/);
  });

  it("every bad field is listed, one per line", () => {
    const message = broken((f) => {
      delete f.system.serial;
      if (f.hosts[0] !== undefined) f.hosts[0].total_ram_size = -1;
    });
    expect(message.split("\n").filter((l) => l.startsWith("  "))).toHaveLength(2);
  });

  it("no accounts, no hosts, or not an object at all is refused", () => {
    expect(broken((f) => (f.accounts = []))).toMatch(/accounts: /);
    expect(broken((f) => (f.hosts = []))).toMatch(/hosts: /);
    expect(problems(null)).toMatch(/\(root\): /);
    expect(problems([])).toMatch(/\(root\): /);
  });

  // server/emulator.ts seeds `fixtureData` without parsing it, so a bad in-process fixture fails
  // later with SQLite's "UNIQUE constraint failed: accounts.name". Fix proposed in the core
  // report: run parseFixture on fixtureData in openState.
  it("startEmulator refuses invalid fixtureData with a FixtureError naming the field", async () => {
    // Broken after fixtureWith, which would refuse it itself.
    const fixture = fixtureWith(() => {});
    fixture.accounts.push(
      fixtureAccount({
        name: "admin",
        password: "x",
        admin: true,
        disabled: false,
        login_denied: false,
      }),
    );
    await expect(startEmulator({ fixtureData: fixture, log: () => {} })).rejects.toThrow(
      /accounts\.\d+: name admin is used twice/,
    );
  });

  describe("loadFixtureFile", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmm-fixture-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("a missing file names the path", () => {
      expect(() => loadFixtureFile(join(dir, "missing.json"))).toThrow(/cannot read fixture .*missing\.json/);
    });

    it("a file that is not JSON names the path", () => {
      const path = join(dir, "bad.json");
      writeFileSync(path, "{ nope");
      expect(() => loadFixtureFile(path)).toThrow(/fixture .*bad\.json is not JSON/);
    });

    it("an invalid fixture file names the file and the field", () => {
      const f = rawDefaultFixture();
      delete f.system.dsm_build;
      const path = join(dir, "invalid.json");
      writeFileSync(path, JSON.stringify(f));
      expect(() => loadFixtureFile(path)).toThrow(
        /invalid\.json is not a valid fixture:\n {2}system\.dsm_build: /,
      );
    });
  });
});
