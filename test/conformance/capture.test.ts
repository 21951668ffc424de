/**
 * Capture round trip: an emulator read as if it were a NAS (HTTP, and HTTPS pinned or with
 * checks off), the fixture loaded into a second emulator, and every list and get of the two
 * compared. Also: a NAS that answers some reads with errors, the guard that refuses every
 * write, and the journal of the captured emulator, which shows reads only.
 */
import { afterEach, describe, expect, it } from "vitest";
import { anonymiseFixture } from "../../conformance/capture/anonymise";
import { type CaptureOptions, capture, captureClient } from "../../conformance/capture/capture";
import { SafetyRefusal } from "../../conformance/client/safety";
import { createDispatcher, httpTransport, type Transport } from "../../conformance/client/transport";
import { API, methodSpec } from "../../contract/apis";
import { parseFixture } from "../../server/fixture";
import { fixtureWith, startTestEmulator, type TestEmulator } from "../harness";

const NAS_PASSWORD = "S3cret-NAS-pass";
const FIXTURE_PASSWORD = "emulated-pass";

/** The default fixture plus the account capture logs in as, whose password must never be written. */
const captured = fixtureWith((f) => {
  f.accounts.push({ ...f.accounts[0], name: "capturer", password: NAS_PASSWORD, admin: true } as never);
});

const running: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});
async function start(options: Parameters<typeof startTestEmulator>[0]): Promise<TestEmulator> {
  const emu = await startTestEmulator(options);
  running.push(emu);
  return emu;
}

const options = (url: string, more: Partial<CaptureOptions> = {}): CaptureOptions => ({
  url,
  account: "capturer",
  password: NAS_PASSWORD,
  fixturePassword: FIXTURE_PASSWORD,
  now: new Date("2026-11-01T09:00:00Z"),
  ...more,
});

/** Every list and get either dialect serves, with what each answered (`data` or the error). */
async function readEverything(emu: TestEmulator, password: string): Promise<Record<string, unknown>> {
  const sid = await emu.login("capturer", password);
  const call = async (api: string, method: string, params: Record<string, string> = {}) => {
    const res = await emu.get("entry.cgi", { api, version: "1", method, _sid: sid, ...params });
    return res.body;
  };
  const out: Record<string, unknown> = {};
  const reads: [string, string, Record<string, string>?][] = [
    [API.dsm, "getinfo"],
    [API.normalUser, "get"],
    [API.host, "list"],
    [API.storage, "list"],
    [API.network, "list"],
    [API.image, "list"],
    [API.guest, "list"],
    [API.guest, "list", { additional: "true" }],
    [API.task, "list"],
    [API.internalHost, "list"],
    [API.internalNetwork, "list"],
    [API.repo, "list"],
    [API.internalImage, "list"],
    [API.internalGuest, "list"],
    [API.cluster, "get"],
    [API.cluster, "get_guest"],
  ];
  for (const [api, method, params] of reads) {
    const version = api === API.dsm ? "2" : "1";
    const res = await emu.get("entry.cgi", { api, version, method, _sid: sid, ...(params ?? {}) });
    out[`${api} ${method} ${JSON.stringify(params ?? {})}`] = res.body;
  }
  const guests = (
    (out[`${API.guest} list {}`] as { data: { guests: { guest_id: string }[] } }).data.guests ?? []
  )
    .map((g) => g.guest_id)
    .sort();
  for (const guest_id of guests) {
    out[`${API.guest} get ${guest_id}`] = await call(API.guest, "get", { guest_id });
    out[`${API.internalGuest} get ${guest_id}`] = await call(API.internalGuest, "get", { guest_id });
    out[`${API.internalGuest} get_setting ${guest_id}`] = await call(API.internalGuest, "get_setting", {
      guest_id,
    });
  }
  return out;
}

describe("capture", () => {
  it("round trip over HTTP: the second emulator answers every list and get as the first, and capture sent reads only", async () => {
    const nas = await start({ fixtureData: captured });
    const sent: string[] = [];
    const result = await capture(
      options(nas.url, { onExchange: (e) => sent.push(`${e.params.api} ${e.params.method}`) }),
    );
    expect(result.unread.filter((u) => !u.why.startsWith("not served"))).toEqual([]);
    const text = JSON.stringify(result.fixture);
    expect(text).not.toContain(NAS_PASSWORD);
    const fixture = parseFixture(result.fixture, "the captured fixture");
    const copy = await start({ fixtureData: fixture });
    const original = await readEverything(nas, NAS_PASSWORD);
    // Every read answered (a comparison of two sets of errors would prove nothing).
    for (const [call, body] of Object.entries(original))
      expect((body as { success: boolean }).success, call).toBe(true);
    expect(await readEverything(copy, FIXTURE_PASSWORD)).toEqual(original);

    // The proof that nothing was changed: every call capture sent, and every call the NAS's
    // journal saw, is a read by the spec (login and logout are reads there too).
    const journal = nas.app.controlPlane.journal.entries();
    const calls = [...sent, ...journal.map((e) => `${e.api} ${e.method}`)];
    expect(calls.length).toBeGreaterThan(10);
    for (const c of new Set(calls)) {
      const [api = "", method = ""] = c.split(" ");
      expect(methodSpec(api, method)?.safety.class, c).toBe("read");
    }
  });

  it("round trip over HTTPS, with the certificate pinned and with checks off, gives the HTTP capture's fixture", async () => {
    const nas = await start({ fixtureData: captured, httpsPort: 0 });
    const plain = await capture(options(nas.url));
    const pinned = await capture(
      options(nas.httpsUrl ?? "", { tls: { mode: "pinned", sha256: nas.fingerprint ?? "" } }),
    );
    const insecure = await capture(options(nas.httpsUrl ?? "", { tls: { mode: "insecure" } }));
    const bare = (f: typeof plain.fixture) => ({ ...f, source: "" });
    expect(bare(pinned.fixture)).toEqual(bare(plain.fixture));
    expect(bare(insecure.fixture)).toEqual(bare(plain.fixture));
    const wrongPin = await capture(
      options(nas.httpsUrl ?? "", { tls: { mode: "pinned", sha256: "00".repeat(32) } }),
    ).catch((err: unknown) => err);
    expect(String(wrongPin)).toMatch(/does not match the pin/);
  });

  it("--anonymise: serials, MACs and names are gone, and the rest answers the same", async () => {
    const nas = await start({ fixtureData: captured });
    const result = await capture(options(nas.url, { anonymise: true }));
    const text = JSON.stringify(result.fixture);
    const original = parseFixture(captured);
    for (const secret of [
      original.system.serial,
      "capturer",
      nas.url,
      ...original.guests.map((g) => g.guest_name),
      ...original.guests.flatMap((g) => g.vnics.map((v) => v.mac)),
      ...original.hosts.map((h) => h.host_name),
      ...original.storages.map((s) => s.storage_name),
      ...original.networks.map((n) => n.network_name),
      ...original.images.map((i) => i.image_name),
    ])
      expect(text, secret).not.toContain(`"${secret}"`);
    const fixture = parseFixture(result.fixture);
    const copy = await start({
      fixtureData: { ...fixture, accounts: [{ ...fixture.accounts[0], name: "capturer" }] as never },
    });
    const strip = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value), (key, v) => (ANONYMISED_KEYS.has(key) ? "…" : v));
    expect(strip(await readEverything(copy, FIXTURE_PASSWORD))).toEqual(
      strip(await readEverything(nas, NAS_PASSWORD)),
    );
  });

  it("a NAS that answers some reads with errors: capture says which and why, and still writes what it read", async () => {
    const nas = await start({ fixtureData: captured });
    await nas.admin.addFault({
      match: { api: API.image, method: "list" },
      action: { type: "error", code: 402 },
    });
    await nas.admin.addFault({
      match: { api: API.internalNetwork, method: "list" },
      action: { type: "error", code: 105 },
    });
    const result = await capture(options(nas.url));
    expect(result.unread).toEqual(
      expect.arrayContaining([
        { what: `${API.image} list`, why: "DSM error 402" },
        { what: `${API.internalNetwork} list`, why: "DSM error 105" },
      ]),
    );
    expect(result.fixture.source).toContain(`${API.image} list (DSM error 402)`);
    const fixture = parseFixture(result.fixture);
    expect(fixture.images).toEqual([]);
    expect(fixture.guests.map((g) => g.guest_id).sort()).toEqual(
      parseFixture(captured)
        .guests.map((g) => g.guest_id)
        .sort(),
    );
    expect(result.assumed.some((a) => a.includes("on every host"))).toBe(true);
  });

  it("the NAS's system APIs are read where SYNO.API.Info lists them, and kept out of the fixture", async () => {
    const nas = await start({ fixtureData: captured });
    const result = await capture(options(nas.url));
    expect(result.unread.filter((u) => u.what.startsWith("SYNO.Core.System"))).toEqual([]);
    expect(result.assumed.some((a) => a.startsWith("SYNO.Core.System read, and kept out"))).toBe(true);
  });

  it("the NAS's system APIs are skipped, and said so, where SYNO.API.Info does not list them", async () => {
    const nas = await start({ fixtureData: captured });
    // A NAS whose Info lists no SYNO.Core.* API (as the emulator's did before it served them).
    const real = httpTransport(nas.url, createDispatcher({ mode: "verify" }, 30_000));
    const transport: Transport = {
      send: async (cgi, params, headers) => {
        const exchange = await real.send(cgi, params, headers);
        if (params.api !== "SYNO.API.Info" || params.query !== "SYNO.Core.") return exchange;
        return { ...exchange, body: { success: true, data: {} } };
      },
      close: () => real.close(),
    };
    const result = await capture(options(nas.url, { transport }));
    const skipped = result.unread.filter((u) => u.what.startsWith("SYNO.Core.System"));
    expect(skipped.length).toBeGreaterThan(0);
    for (const u of skipped) expect(u.why).toMatch(/not served/);
  });

  it("cannot change anything: its client refuses every write before sending a byte", async () => {
    const sent: string[] = [];
    const transport: Transport = {
      send: async (cgi, params) => {
        sent.push(`${params.api} ${params.method}`);
        return { cgi, params, status: 200, body: { success: true } };
      },
      close: async () => {},
    };
    const client = captureClient(options("http://nas.invalid", { transport }));
    expect(client.guard.tier).toBe("readonly");
    const writes: [string, string, Record<string, string>][] = [
      [API.action, "poweron", { guest_name: "win10" }],
      [API.guest, "delete", { guest_id: "x" }],
      [API.guest, "create", { guest_name: "x" }],
      [API.image, "delete", { image_name: "x" }],
      [API.task, "clear", { task_id: "x" }],
      [API.internalAction, "pwr_ctl", { guest_id: "x", action: "poweron" }],
      [API.internalGuest, "set", { guest_id: "x" }],
      [
        API.entryRequest,
        "request",
        { compound: JSON.stringify([{ api: API.guest, method: "delete", guest_id: "x" }]) },
      ],
      ["SYNO.Core.Unknown", "set", {}],
    ];
    for (const [api, method, params] of writes) {
      await expect(
        client.request({ api, method, version: "1", ...params }),
        `${api} ${method}`,
      ).rejects.toThrow(SafetyRefusal);
    }
    expect(sent).toEqual([]);
  });

  it("anonymising is deterministic and keeps ids, sizes and topology", () => {
    const f = parseFixture(captured) as unknown as Parameters<typeof anonymiseFixture>[0];
    const a = anonymiseFixture(f);
    expect(anonymiseFixture(f)).toEqual(a);
    expect(a.guests.map((g) => g.guest_id)).toEqual(f.guests.map((g) => g.guest_id));
    expect(a.storages.map((s) => [s.size, s.host_id])).toEqual(f.storages.map((s) => [s.size, s.host_id]));
    expect(new Set(a.guests.flatMap((g) => g.vnics.map((v) => v.mac))).size).toBe(
      f.guests.flatMap((g) => g.vnics).length,
    );
  });
});

/** The keys whose values anonymisation replaces, in either dialect's answers. */
const ANONYMISED_KEYS = new Set([
  "serial",
  "mac",
  "guest_name",
  "name",
  "host_name",
  "storage_name",
  "repo_name",
  "network_name",
  "image_name",
  "description",
  "desc",
  "email",
  "fullname",
  "username",
]);

describe("vmm-conformance capture", () => {
  it("writes the fixture to --out, says what it assumed, and exits 0 when every read answered", async () => {
    const { runCapture } = await import("../../conformance/capture/command");
    const { resolveTarget } = await import("../../conformance/target");
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const nas = await start({ fixtureData: captured });
    const dir = mkdtempSync(join(tmpdir(), "vmm-capture-"));
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const config = resolveTarget({
        VMM_CONFORMANCE_TARGET: "nas",
        VMM_NAS_URL: nas.url,
        VMM_NAS_ACCOUNT: "capturer",
        VMM_NAS_PASSWORD: NAS_PASSWORD,
      });
      const out = join(dir, "nas.json");
      expect(await runCapture(config, ["--out", out, "--fixture-password", FIXTURE_PASSWORD])).toBe(0);
      const written = readFileSync(out, "utf8");
      expect(written).not.toContain(NAS_PASSWORD);
      expect(parseFixture(JSON.parse(written)).accounts).toEqual([
        expect.objectContaining({ name: "capturer", password: FIXTURE_PASSWORD }),
      ]);
      expect(lines.some((l) => l.startsWith("assumed: max_iscsi_luns"))).toBe(true);
      expect(await runCapture(config, [])).toBe(2);
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
