/**
 * Issue 20, item 11: a login inside a batch showed its password in /__admin/journal, on the
 * dashboard and in the --log-requests line; the journal kept the encrypted-login blob whole (a
 * replayable login for 360 s). Secrets are redacted recursively, by name and by shape,
 * everywhere the journal shows, long (cut) values included.
 */
import { describe, expect, it } from "vitest";
import { redactParams } from "../../server/control/redact";
import { useEmulator } from "../harness";
import { batchParams } from "../support/client";
import { testKeys } from "../support/dsm7";

const PASSWORD = "Sup3r-secret-pass";
const BLOB = '{"rsa":"QUJD","aes":"U2FsdGVkX1-the-blob"}';
const lines: string[] = [];

describe("secrets in the journal", () => {
  const t = useEmulator({ logRequests: true, log: (l) => lines.push(l), keys: testKeys() }, { login: false });

  it("a batch's logins, a nested blob and every secret name are redacted in the journal, the dashboard and the log", async () => {
    const login = { api: "SYNO.API.Auth", method: "login", version: 7, account: "admin", passwd: PASSWORD };
    const compound = [
      login,
      { ...login, passwd: undefined, __cIpHeRtExT: BLOB },
      {
        api: "SYNO.API.Info",
        method: "query",
        version: 1,
        nested: JSON.stringify({ my_password: PASSWORD }),
      },
      // Long enough that the journal cuts it: redacted before the cut.
      { api: "SYNO.API.Info", method: "query", version: 1, filler: "x".repeat(2000), otp_code: 123456 },
      { api: "SYNO.API.Info", method: "query", version: 1, client_secret: PASSWORD, SynoToken: PASSWORD },
    ];
    await t.emu.post("entry.cgi", batchParams(compound));
    await t.emu.post("entry.cgi", {
      api: "SYNO.API.Auth",
      version: "7",
      method: "login",
      __cIpHeRtExT: BLOB,
    });
    const journal = JSON.stringify(await t.emu.admin.journal());
    const page = await (await fetch(`${t.emu.url}/`)).text();
    for (const [where, text] of [
      ["journal", journal],
      ["dashboard", page],
      ["log", lines.join("\n")],
    ] as const) {
      expect(text, where).not.toContain(PASSWORD);
      expect(text, where).not.toContain("the-blob");
      expect(text, where).not.toContain("123456");
    }
    expect(journal).toContain("***");
  });
});

describe("redacting a value the journal cut short", () => {
  it("leaks nothing wherever the cut falls, at any depth of escaping", () => {
    const inner = JSON.stringify([
      { api: "A", passwd: "SECRETPW", x: 1 },
      { otp_code: 123456, y: 'a\\"b' },
    ]);
    const value = JSON.stringify([
      { api: "x", compound: inner, SynoToken: "TOKTOK", __cIpHeRtExT: '{"rsa":"blobblob"}' },
    ]);
    for (let cut = 1; cut <= value.length + 1; cut++) {
      const shown = redactParams({ compound: value }, cut).compound ?? "";
      expect(shown, `cut at ${cut}`).not.toMatch(/SECRETPW|123456|TOKTOK|blobblob/);
    }
  });
});
