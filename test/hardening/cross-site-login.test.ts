/**
 * Issue 20, item 6: ten cross-site logins (a web page's no-cors fetches, which the browser marks
 * `Sec-Fetch-Site: cross-site`) auto-blocked 127.0.0.1 for every local client. A login a browser
 * marks as another site's is refused (402) before its password is looked at, and not counted.
 */
import { describe, expect, it } from "vitest";
import { expectDsmError, useEmulator } from "../harness";

describe("cross-site logins", () => {
  const t = useEmulator({ autoBlockAttempts: 3 }, { login: false });
  const login = (passwd: string, headers: Record<string, string>) =>
    t.emu.post(
      "entry.cgi",
      { api: "SYNO.API.Auth", version: "7", method: "login", account: "admin", passwd },
      { headers },
    );

  it("twelve cross-site logins with a wrong password answer 402 and block nobody", async () => {
    for (let i = 0; i < 12; i++) {
      expectDsmError(await login("wrong", { "sec-fetch-site": "cross-site" }), 402);
      expectDsmError(await login("wrong", { origin: "http://evil.example" }), 402);
    }
    expect(await t.emu.admin.blocks()).toEqual([]);
    // The right password from another site is refused too: the page could not read the sid anyway.
    expectDsmError(await login("synology", { "sec-fetch-site": "cross-site" }), 402);
    const res = await login("synology", { "sec-fetch-site": "same-origin" });
    expect(res.body.success).toBe(true);
  });
});
