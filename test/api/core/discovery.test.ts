/**
 * Discovery as DSM 7.2 answers it: the entries two independent recordings of `query=all` agree
 * on (py-synologydsm-api's and go-synology's fixtures), for every API the emulator serves.
 */
import { describe, expect, it } from "vitest";
import { expectDsmError, expectSuccess, useEmulator } from "../../harness";
import { testKeys } from "../../support/dsm7";

/** Verbatim from the recorded DSM 7.2 answers. */
const RECORDED = {
  "SYNO.API.Auth": { maxVersion: 7, minVersion: 1, path: "entry.cgi" },
  "SYNO.API.Auth.UIConfig": { maxVersion: 1, minVersion: 1, path: "entry.cgi", requestFormat: "JSON" },
  "SYNO.API.Encryption": { maxVersion: 1, minVersion: 1, path: "entry.cgi", requestFormat: "JSON" },
  "SYNO.API.Info": { maxVersion: 1, minVersion: 1, path: "entry.cgi", requestFormat: "JSON" },
  "SYNO.Core.NormalUser": { maxVersion: 2, minVersion: 1, path: "entry.cgi", requestFormat: "JSON" },
  "SYNO.DSM.Info": { maxVersion: 2, minVersion: 2, path: "entry.cgi", requestFormat: "JSON" },
  "SYNO.Entry.Request": { maxVersion: 2, minVersion: 1, path: "entry.cgi", requestFormat: "JSON" },
  "SYNO.Virtualization.API.Guest": { maxVersion: 1, minVersion: 1, path: "entry.cgi", requestFormat: "JSON" },
  "SYNO.Virtualization.API.Guest.Action": {
    maxVersion: 1,
    minVersion: 1,
    path: "entry.cgi",
    requestFormat: "JSON",
  },
  "SYNO.Virtualization.API.Guest.Image": {
    maxVersion: 1,
    minVersion: 1,
    path: "entry.cgi",
    requestFormat: "JSON",
  },
  "SYNO.Virtualization.API.Host": { maxVersion: 1, minVersion: 1, path: "entry.cgi", requestFormat: "JSON" },
  "SYNO.Virtualization.API.Network": {
    maxVersion: 1,
    minVersion: 1,
    path: "entry.cgi",
    requestFormat: "JSON",
  },
  "SYNO.Virtualization.API.Storage": {
    maxVersion: 1,
    minVersion: 1,
    path: "entry.cgi",
    requestFormat: "JSON",
  },
  "SYNO.Virtualization.API.Task.Info": {
    maxVersion: 1,
    minVersion: 1,
    path: "entry.cgi",
    requestFormat: "JSON",
  },
};

describe("SYNO.API.Info as DSM 7.2 answers it", () => {
  const t = useEmulator({ keys: testKeys() });

  it("gives every public entry the recorded path, versions and request format", async () => {
    const all = expectSuccess(
      await t.emu.get("entry.cgi", { api: "SYNO.API.Info", version: "1", method: "query" }),
    );
    for (const [name, entry] of Object.entries(RECORDED)) expect(all[name], name).toEqual(entry);
  });

  it("still answers on query.cgi (DSM 6's path), without a query parameter, as py-synologydsm-api asks", async () => {
    const all = expectSuccess(
      await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" }),
    );
    expect(all["SYNO.API.Info"]).toEqual(RECORDED["SYNO.API.Info"]);
  });

  it("answers SYNO.DSM.Info at version 2 only: version 1 answers 104, as its minVersion 2 says", async () => {
    const sid = t.sid;
    expectSuccess(
      await t.emu.get("entry.cgi", { api: "SYNO.DSM.Info", version: "2", method: "getinfo", _sid: sid }),
    );
    expectDsmError(
      await t.emu.get("entry.cgi", { api: "SYNO.DSM.Info", version: "1", method: "getinfo", _sid: sid }),
      104,
    );
  });

  it("serves SYNO.API.Encryption on encryption.cgi too, and nothing else there", async () => {
    const res = await t.emu.get("encryption.cgi", {
      api: "SYNO.API.Encryption",
      version: "1",
      method: "getinfo",
    });
    expect(expectSuccess(res).cipherkey).toBe("__cIpHeRtExT");
    expectDsmError(
      await t.emu.get("encryption.cgi", { api: "SYNO.API.Info", version: "1", method: "query" }),
      102,
    );
  });
});
