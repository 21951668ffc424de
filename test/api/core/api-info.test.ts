import { describe, expect, it } from "vitest";
import { APIS } from "../../../contract/apis";
import { expectDsmError, expectSuccess, useEmulator } from "../../harness";

const ALL_APIS = Object.keys(APIS).sort();
const VMM_APIS = ALL_APIS.filter((name) => name.startsWith("SYNO.Virtualization.API."));

describe("SYNO.API.Info query, generated from the spec", () => {
  const t = useEmulator();

  const info = (params: Record<string, string>, cgi = "query.cgi") =>
    t.emu.get(cgi, { api: "SYNO.API.Info", version: "1", method: "query", ...params });

  it("query=all lists every API with DSM 7's path, minVersion and maxVersion", async () => {
    const data = expectSuccess(await info({ query: "all" }));
    expect(Object.keys(data).sort()).toEqual(ALL_APIS);
    expect(VMM_APIS).toEqual(
      expect.arrayContaining([
        "SYNO.Virtualization.API.Task.Info",
        "SYNO.Virtualization.API.Network",
        "SYNO.Virtualization.API.Storage",
        "SYNO.Virtualization.API.Host",
        "SYNO.Virtualization.API.Guest",
        "SYNO.Virtualization.API.Guest.Image",
      ]),
    );
    // DSM 7.2's entries (test/api/core/discovery.test.ts holds every recorded one).
    expect(data["SYNO.API.Info"]).toEqual({
      maxVersion: 1,
      minVersion: 1,
      path: "entry.cgi",
      requestFormat: "JSON",
    });
    expect(data["SYNO.API.Auth"]).toEqual({ maxVersion: 7, minVersion: 1, path: "entry.cgi" });
    expect(data["SYNO.DSM.Info"]).toEqual({
      maxVersion: 2,
      minVersion: 2,
      path: "entry.cgi",
      requestFormat: "JSON",
    });
  });

  it("every SYNO.Virtualization.API.* is version 1 on entry.cgi with requestFormat JSON", async () => {
    const data = expectSuccess(await info({ query: "all" }));
    for (const api of VMM_APIS) {
      expect(data[api], api).toEqual({
        maxVersion: 1,
        minVersion: 1,
        path: "entry.cgi",
        requestFormat: "JSON",
      });
    }
  });

  it("writes each entry's keys in DSM's order (maxVersion, minVersion, path, requestFormat)", async () => {
    const res = await info({ query: "SYNO.Virtualization.API.Host" });
    expect(res.text).toBe(
      '{"data":{"SYNO.Virtualization.API.Host":{"maxVersion":1,"minVersion":1,"path":"entry.cgi","requestFormat":"JSON"}},"success":true}',
    );
  });

  it("without `query` answers everything, like query=all", async () => {
    const all = expectSuccess(await info({ query: "all" }));
    expect(expectSuccess(await info({}))).toEqual(all);
    expect(expectSuccess(await info({ query: "" }))).toEqual(all);
  });

  it("a comma list answers just those APIs", async () => {
    const data = expectSuccess(await info({ query: "SYNO.API.Auth,SYNO.DSM.Info" }));
    expect(Object.keys(data).sort()).toEqual(["SYNO.API.Auth", "SYNO.DSM.Info"]);
  });

  it("a name prefix (`SYNO.Virtualization.`) answers every API under it", async () => {
    const data = expectSuccess(await info({ query: "SYNO.API.Auth,SYNO.Virtualization." }));
    const under = ALL_APIS.filter((name) => name.startsWith("SYNO.Virtualization."));
    expect(under.length).toBeGreaterThan(VMM_APIS.length); // the internal dialect's too
    expect(Object.keys(data).sort()).toEqual(["SYNO.API.Auth", ...under].sort());
  });

  it("a full name answers that API alone, not the APIs whose names extend it", async () => {
    const data = expectSuccess(await info({ query: "SYNO.Virtualization.API.Guest" }));
    expect(Object.keys(data)).toEqual(["SYNO.Virtualization.API.Guest"]);
  });

  it("an unknown name is left out, not an error", async () => {
    const data = expectSuccess(await info({ query: "SYNO.FileStation.List,SYNO.API.Auth" }));
    expect(Object.keys(data)).toEqual(["SYNO.API.Auth"]);
    expect(expectSuccess(await info({ query: "SYNO.Nothing" }))).toEqual({});
  });

  it("`all` inside a comma list still answers everything", async () => {
    const data = expectSuccess(await info({ query: "SYNO.API.Auth,all" }));
    expect(Object.keys(data).sort()).toEqual(ALL_APIS);
  });

  it("is answered on entry.cgi too (DSM 7), the same as on query.cgi", async () => {
    const onQuery = expectSuccess(await info({ query: "all" }, "query.cgi"));
    expect(expectSuccess(await info({ query: "all" }, "entry.cgi"))).toEqual(onQuery);
  });

  it("needs no session", async () => {
    const res = await info({ query: "SYNO.API.Auth", _sid: "not-a-session" });
    expect(expectSuccess(res)).toHaveProperty("SYNO.API.Auth");
  });

  it("version 2 answers 104 and an unknown method 103", async () => {
    expectDsmError(
      await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "2", method: "query" }),
      104,
    );
    expectDsmError(await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "list" }), 103);
  });

  it("every API Info advertises answers at its path and maxVersion (clients call them so)", async () => {
    const data = expectSuccess(await info({ query: "all" })) as Record<
      string,
      { path: string; maxVersion: number }
    >;
    for (const [api, { path, maxVersion }] of Object.entries(data)) {
      const res = await t.emu.get(path, { api, version: String(maxVersion), method: "no-such-method" });
      // 103 proves the API and version were accepted at that path.
      expectDsmError(res, 103);
    }
  });
});
