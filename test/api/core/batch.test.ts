/**
 * SYNO.Entry.Request: a batch of calls, each dispatched on its own with the outer session, each
 * answering its own envelope; hass-synovmm's exact request replayed; stop_when_error; 113 for a
 * compound that is not an array of objects and for a batch inside a batch.
 */
import { describe, expect, it } from "vitest";
import { GUESTS } from "../../fixture-ids";
import { expectDsmError, expectSuccess, useEmulator } from "../../harness";

describe("SYNO.Entry.Request request", () => {
  const t = useEmulator();
  const batch = (compound: unknown, extra: Record<string, string> = {}) =>
    t.emu.post("entry.cgi", {
      api: "SYNO.Entry.Request",
      version: "2",
      method: "request",
      _sid: t.sid,
      compound: typeof compound === "string" ? compound : JSON.stringify(compound),
      ...extra,
    });

  it("answers each call's own envelope in order, with has_fail false when all succeed", async () => {
    // Python's json.dumps separators and numeric versions, as hass-synovmm sends them.
    const compound = `[{"api": "SYNO.Virtualization.API.Guest", "method": "get", "version": 1, "guest_id": "${GUESTS.syno.id}"}, {"api": "SYNO.Virtualization.API.Host", "method": "list", "version": 1}]`;
    const data = expectSuccess(await batch(compound));
    expect(data.has_fail).toBe(false);
    const result = data.result as {
      api: string;
      method: string;
      version: number;
      success: boolean;
      data: Record<string, unknown>;
    }[];
    expect(result.map((r) => [r.api, r.method, r.version, r.success])).toEqual([
      ["SYNO.Virtualization.API.Guest", "get", 1, true],
      ["SYNO.Virtualization.API.Host", "list", 1, true],
    ]);
    expect(result[0]?.data.guest_name).toBe("syno");
    expect(Object.keys(result[1]?.data ?? {})).toEqual(["hosts"]);
  });

  it("reports a failed call with its own code and has_fail true, and runs the rest unless stop_when_error", async () => {
    const calls = [
      { api: "SYNO.Virtualization.API.Guest", method: "get", version: 1, guest_name: "nope" },
      { api: "SYNO.Virtualization.API.Network", method: "list", version: 1 },
    ];
    const all = expectSuccess(await batch(calls));
    expect(all.has_fail).toBe(true);
    expect(all.result).toEqual([
      { api: calls[0]?.api, method: "get", version: 1, error: { code: 401 }, success: false },
      expect.objectContaining({ method: "list", success: true }),
    ]);
    const stopped = expectSuccess(await batch(calls, { stop_when_error: "true", mode: '"sequential"' }));
    expect((stopped.result as unknown[]).length).toBe(1);
  });

  it("runs changes in it like calls of their own (and mode=parallel is answered in sequence)", async () => {
    const data = expectSuccess(
      await batch(
        [
          {
            api: "SYNO.Virtualization.API.Guest",
            method: "set",
            version: 1,
            guest_name: "syno",
            description: "via batch",
          },
          { api: "SYNO.Virtualization.API.Guest", method: "get", version: 1, guest_name: "syno" },
        ],
        { mode: "parallel" },
      ),
    );
    expect((data.result as { data?: { description?: string } }[])[1]?.data?.description).toBe("via batch");
  });

  it("gives each call the outer call's session: without one, each answers 119", async () => {
    const res = await t.emu.post("entry.cgi", {
      api: "SYNO.Entry.Request",
      version: "1",
      method: "request",
      compound: JSON.stringify([{ api: "SYNO.Virtualization.API.Host", method: "list", version: 1 }]),
    });
    expect(expectSuccess(res).result).toEqual([
      {
        api: "SYNO.Virtualization.API.Host",
        method: "list",
        version: 1,
        error: { code: 119 },
        success: false,
      },
    ]);
  });

  it("answers 113 for a compound that is not an array of objects, and for a batch inside a batch", async () => {
    expectDsmError(await batch("not json"), 113);
    expectDsmError(await batch({ api: "SYNO.API.Info" }), 113);
    expectDsmError(await batch(["x"]), 113);
    const nested = expectSuccess(
      await batch([{ api: "SYNO.Entry.Request", method: "request", version: 1, compound: "[]" }]),
    );
    expect(nested.result).toEqual([
      { api: "SYNO.Entry.Request", method: "request", version: 1, error: { code: 113 }, success: false },
    ]);
  });

  it("reads JSON-quoted api, method and ids, as clients that JSON-encode every value send them", async () => {
    const data = expectSuccess(
      await batch([
        {
          api: '"SYNO.Virtualization.API.Guest"',
          method: '"get"',
          version: 1,
          guest_id: `"${GUESTS.syno.id}"`,
        },
      ]),
    );
    expect((data.result as { success: boolean }[])[0]?.success).toBe(true);
  });
});
