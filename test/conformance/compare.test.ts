import { describe, expect, it } from "vitest";
import { compareRecordings, type RecordedExchange, STABLE_FIELDS } from "../../conformance/record/recording";

/** One recorded answer against one replayed, through the recordings' own comparison. */
function compare(isOwned: boolean, rec: unknown, rep: unknown): string[] {
  const ex = (response: unknown): RecordedExchange => ({
    scenario: "s",
    owned: isOwned,
    api: "A",
    method: "m",
    version: "1",
    params: {},
    response,
  });
  const recording = {
    format: 1 as const,
    source: "test",
    dsm_version: "x",
    model: "y",
    recorded_at: "2026-01-01",
    tier: "owned",
    stable_fields: [...STABLE_FIELDS],
    scenarios: ["s"],
    exchanges: [ex(rec)],
  };
  return compareRecordings(recording, [ex(rep)]).map((p) => p.replace(/^s #0 A\.m: /, ""));
}
const owned = (rec: unknown, rep: unknown) => compare(true, rec, rep);
const readonly = (rec: unknown, rep: unknown) => compare(false, rec, rep);

describe("timing-dependent values, compared by type and range", () => {
  it("finds two readings of progress, uptime and loads alike", () => {
    const rec = {
      progress: 37,
      uptime: 120,
      cpu: { user_load: 5, "1min_load": 53 },
      memory: { real_usage: 38 },
    };
    const rep = {
      progress: 80,
      uptime: 98765,
      cpu: { user_load: 61, "1min_load": 240 },
      memory: { real_usage: 2 },
    };
    expect(owned(rec, rep)).toEqual([]);
  });

  it("names a reading out of its range or of another type", () => {
    expect(owned({ progress: 150 }, { progress: 80 })).toEqual([
      "$.progress: recorded number outside integer 0–100, replayed integer 0–100",
    ]);
    expect(owned({ progress: 42.5 }, { progress: 40 })).toEqual([
      "$.progress: recorded number outside integer 0–100, replayed integer 0–100",
    ]);
    expect(owned({ uptime: -1 }, { uptime: 10 })).toEqual([
      "$.uptime: recorded number outside integer ≥ 0, replayed integer ≥ 0",
    ]);
    expect(readonly({ cpu: { system_load: 140 } }, { cpu: { system_load: 1 } })).toEqual([
      "$.cpu.system_load: recorded number outside integer 0–100, replayed integer 0–100",
    ]);
    expect(owned({ progress: "80" }, { progress: 80 })).toEqual([
      "$.progress: recorded string, replayed integer 0–100",
    ]);
  });

  it("keeps DSM's own units apart: a guest's vCPU per mille, an idle guest's empty string", () => {
    const guests = (usage: unknown) => ({
      guests: [{ name: "<guest_name:1>", status: "running", vcpu_usage: usage }],
    });
    expect(readonly(guests(250), guests(999))).toEqual([]);
    expect(readonly(guests(1200), guests(250))).toEqual([
      "$.guests[].vcpu_usage: recorded number outside integer 0–1000, replayed integer 0–1000",
    ]);
  });
});

describe("lists compared by what the inventory is, not by the fixture's names", () => {
  const guest = (name: string, status: string, extra: Record<string, unknown> = {}) => ({
    guest_name: name,
    status,
    vcpu_num: 1,
    ...extra,
  });

  it("finds pre-existing guests alike when only their names and order differ", () => {
    const rec = { guests: [guest("<guest_name:1>", "running"), guest("<guest_name:2>", "shutdown")] };
    const rep = { guests: [guest("<guest_name:5>", "shutdown"), guest("<guest_name:4>", "running")] };
    expect(owned(rec, rep)).toEqual([]);
  });

  it("compares a pre-existing object's masked name by its kind, not by when the run first saw it", () => {
    expect(owned({ guest_name: "<guest_name:2>" }, { guest_name: "<guest_name:7>" })).toEqual([]);
    expect(owned({ guest_name: "<guest_name:2>" }, { guest_name: "<run>-a" })).toEqual([
      '$.guest_name recorded "<guest_name>", replayed "<run>-a"',
    ]);
  });

  it("names a difference in the count or the statuses of pre-existing objects", () => {
    const two = { guests: [guest("<guest_name:1>", "running"), guest("<guest_name:2>", "shutdown")] };
    const three = { guests: [...two.guests, guest("<guest_name:3>", "shutdown")] };
    expect(readonly(three, two)).toEqual([
      "$.guests: pre-existing objects recorded 3 (running 1, shutdown 2), replayed 2 (running 1, shutdown 1)",
    ]);
    const stopped = { guests: [guest("<guest_name:1>", "running"), guest("<guest_name:2>", "stopped")] };
    expect(readonly(stopped, two)).toEqual([
      "$.guests: pre-existing objects recorded 2 (running 1, stopped 1), replayed 2 (running 1, shutdown 1)",
    ]);
  });

  it("compares keys and types among objects of one status, so idle guests' empty loads are not a difference", () => {
    const rec = {
      guests: [
        guest("<guest_name:1>", "running", { vcpu_usage: 250 }),
        guest("<guest_name:2>", "shutdown", { vcpu_usage: "" }),
      ],
    };
    const rep = {
      guests: [
        guest("<guest_name:1>", "running", { vcpu_usage: 30 }),
        guest("<guest_name:2>", "shutdown", { vcpu_usage: "" }),
        guest("<guest_name:3>", "shutdown", { vcpu_usage: "" }),
      ],
    };
    const census =
      "$.guests: pre-existing objects recorded 2 (running 1, shutdown 1), replayed 3 (running 1, shutdown 2)";
    expect(readonly(rec, rep)).toEqual([census]);
    const renamed = {
      guests: [
        guest("<guest_name:1>", "running", { cpu: 250 }),
        guest("<guest_name:2>", "shutdown", { vcpu_usage: "" }),
      ],
    };
    expect(readonly(rec, renamed)).toEqual([
      "$.guests[].vcpu_usage: recorded, missing in replay",
      "$.guests[].cpu: not recorded, present in replay",
    ]);
  });

  it("compares the run's own objects in a list one by one and in full", () => {
    const list = (status: string) => ({
      guests: [guest("<guest_name:1>", "running"), guest("<run>-a", status)],
    });
    expect(readonly(list("shutdown"), list("shutdown"))).toEqual([]);
    expect(readonly(list("shutdown"), list("running"))).toEqual([
      '$.guests[<run>-a].status recorded "shutdown", replayed "running"',
    ]);
    expect(readonly(list("shutdown"), { guests: [guest("<guest_name:1>", "running")] })).toEqual([
      "$.guests[<run>-a]: recorded, missing in replay",
    ]);
  });
});
