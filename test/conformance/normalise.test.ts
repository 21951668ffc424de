import { describe, expect, it } from "vitest";
import { diffShapes, Normaliser, shapeOf } from "../../conformance/record/normalise";
import {
  compareRecordings,
  type RecordedExchange,
  type Recording,
  STABLE_FIELDS,
} from "../../conformance/record/recording";
import { redactText } from "../../conformance/report/redact";

const GUEST_ID = "89f5bde5-9230-417e-b597-f2fd4f4ebd54";
const STORAGE_ID = "a5428b34-0fdb-456f-8339-f16224e4c860";

describe("the recording normaliser", () => {
  it("replaces ids by stable references, so the same id twice stays the same reference", () => {
    const n = new Normaliser();
    const out = n.value({
      guest_id: GUEST_ID,
      storage_id: STORAGE_ID,
      again: { guest_id: GUEST_ID.toUpperCase() },
    });
    expect(out).toEqual({ guest_id: "<id:1>", storage_id: "<id:2>", again: { guest_id: "<id:1>" } });
  });

  it("replaces task ids with their own references", () => {
    const n = new Normaliser();
    const task = "@administrators/virtualization_api_guest_create5BB3389D4A406062";
    expect(n.value({ task_id: task, task_ids: [task] })).toEqual({
      task_id: "<task:1>",
      task_ids: ["<task:1>"],
    });
  });

  it("masks MACs, sizes (to their order of magnitude), timestamps, serials and pre-existing names", () => {
    const n = new Normaliser({ runPrefix: "vmmconf-abcd1234-", runId: "abcd1234" });
    const out = n.value({
      mac: "02:11:32:2c:2f:7b",
      size: 302227,
      used: 1200,
      free_ram_size: 6656,
      time: "Sat Nov 01 2026",
      serial: "2150PDN000001",
      host_name: "Synology",
      guest_name: "win10",
      storages: [{ storage_name: "Synology - VM Storage 1" }, { storage_name: "Synology - VM Storage 1" }],
    });
    expect(out).toEqual({
      mac: "<mac>",
      size: 100000,
      used: 1000,
      free_ram_size: 1000,
      time: "<time>",
      serial: "<serial>",
      host_name: "<host_name:1>",
      guest_name: "<guest_name:2>",
      storages: [{ storage_name: "<storage_name:3>" }, { storage_name: "<storage_name:3>" }],
    });
  });

  it("keeps the run's own names readable with the prefix and counter replaced", () => {
    const n = new Normaliser({ runPrefix: "vmmconf-abcd1234-", runId: "abcd1234" });
    expect(
      n.value({ guest_name: "vmmconf-abcd1234-12-power", description: "vmm conformance run abcd1234: x" }),
    ).toEqual({
      guest_name: "<run>-power",
      description: "vmm conformance run <run>: x",
    });
  });

  it("scrubs secrets in answers and drops session parameters from requests", () => {
    const n = new Normaliser();
    expect(
      n.value({ sid: "abc", synotoken: "tok", did: "dev", device_id: "dev7", account: "admin" }),
    ).toEqual({
      sid: "<redacted>",
      synotoken: "<redacted>",
      did: "<redacted>",
      device_id: "<redacted>",
      // The account a recording saw is masked like a name (a NAS's accounts are its owner's).
      account: "<account:1>",
    });
    expect(
      n.params({ api: "SYNO.API.Auth", passwd: "synology", _sid: "s", SynoToken: "t", otp_code: "123456" }),
    ).toEqual({
      api: "SYNO.API.Auth",
      passwd: "<redacted>",
      otp_code: "<redacted>",
    });
  });

  it("normalises JSON-typed parameters inside", () => {
    const n = new Normaliser();
    expect(
      n.params({ storage_ids: JSON.stringify([STORAGE_ID]), vnics: '[{"mac":"02:11:32:aa:bb:cc"}]' }),
    ).toEqual({
      storage_ids: ["<id:1>"],
      vnics: [{ mac: "<mac>" }],
    });
  });
});

describe("shape comparison", () => {
  it("merges array elements, so optional keys of some elements do not count as differences", () => {
    const nas = shapeOf({ hosts: [{ host_id: "a", free_cpu_core: 1 }, { host_id: "b" }] });
    const emu = shapeOf({ hosts: [{ host_id: "a", free_cpu_core: 3 }] });
    expect(diffShapes(nas, emu)).toEqual([]);
  });

  it("names a missing key, an extra key and a type change by path", () => {
    const diffs = diffShapes(
      shapeOf({ a: 1, b: "x", c: [{ d: true }] }),
      shapeOf({ a: "1", c: [{ d: true, e: 1 }] }),
    );
    expect(diffs).toEqual([
      "$.a: recorded number, replayed string",
      "$.b: recorded, missing in replay",
      "$.c[].e: not recorded, present in replay",
    ]);
  });

  it("ignores elements of an empty list", () => {
    expect(diffShapes(shapeOf({ guests: [] }), shapeOf({ guests: [{ a: 1 }] }))).toEqual([]);
  });
});

describe("replay checking", () => {
  const ex = (over: Partial<RecordedExchange>): RecordedExchange => ({
    scenario: "s",
    owned: true,
    api: "SYNO.Virtualization.API.Guest",
    method: "get",
    version: "1",
    params: {},
    response: { data: { status: "shutdown", vcpu_num: 1, guest_id: "<id:1>" }, success: true },
    ...over,
  });
  const recording = (exchanges: RecordedExchange[]): Recording => ({
    format: 1,
    source: "test",
    dsm_version: "x",
    model: "y",
    recorded_at: "2026-01-01",
    tier: "owned",
    stable_fields: [...STABLE_FIELDS],
    scenarios: ["s"],
    exchanges,
  });

  it("passes when keys, types and stable values match, whatever the ids", () => {
    expect(
      compareRecordings(recording([ex({})]), [
        ex({ response: { data: { status: "shutdown", vcpu_num: 1, guest_id: "<id:9>" }, success: true } }),
      ]),
    ).toEqual([]);
  });

  it("compares stable values on objects the run created", () => {
    const replayed = ex({
      response: { data: { status: "running", vcpu_num: 1, guest_id: "<id:1>" }, success: true },
    });
    expect(compareRecordings(recording([ex({})]), [replayed])).toEqual([
      's #0 SYNO.Virtualization.API.Guest.get: $.data.status recorded "shutdown", replayed "running"',
    ]);
  });

  it("compares only success and error codes on pre-existing objects", () => {
    const rec = ex({ owned: false });
    const rep = ex({
      owned: false,
      response: { data: { status: "running", vcpu_num: 4, guest_id: "<id:1>" }, success: true },
    });
    expect(compareRecordings(recording([rec]), [rep])).toEqual([]);
    const err = ex({ owned: false, response: { error: { code: 401 }, success: false } });
    const otherErr = ex({ owned: false, response: { error: { code: 402 }, success: false } });
    expect(compareRecordings(recording([err]), [otherErr])).toEqual([
      "s #0 SYNO.Virtualization.API.Guest.get: $.error.code recorded 401, replayed 402",
    ]);
  });

  it("reports a recorded call the replay did not make", () => {
    expect(compareRecordings(recording([ex({})]), [])).toEqual([
      "s #0 SYNO.Virtualization.API.Guest.get: recorded, not made in replay",
    ]);
  });
});

describe("report redaction", () => {
  it("replaces every registered secret and secret-named fields it was not told about", () => {
    const text =
      'login with synology gave {"sid":"abc123xyz","synotoken":"t0k3n"} then GET /x?_sid=zzzz9999&api=1';
    expect(redactText(text, ["synology"])).toBe(
      'login with <redacted> gave {"sid":"<redacted>","synotoken":"<redacted>"} then GET /x?_sid=<redacted>&api=1',
    );
  });
});
