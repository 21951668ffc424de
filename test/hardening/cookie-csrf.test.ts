/**
 * A cookie-only session (the default `format=cookie` login, without `enable_syno_token`): a
 * foreign page's link or form carries the `id` cookie and nothing else, so a browser's
 * cross-site request could delete a guest. Such requests are not the session's.
 */
import { describe, expect, it } from "vitest";
import { expectDsmError, expectSuccess, useEmulator } from "../harness";

describe("a cookie-only session and another site's page", () => {
  const t = useEmulator({}, { login: false, each: true });

  async function cookieLogin(): Promise<string> {
    const res = await t.emu.get("auth.cgi", {
      api: "SYNO.API.Auth",
      version: "7",
      method: "login",
      account: "admin",
      passwd: "synology",
    });
    expectSuccess(res);
    const id = /(?:^|,\s*)id=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
    expect(id).toBeDefined();
    return `id=${id}`;
  }

  const del = (cookie: string, headers: Record<string, string>) =>
    t.emu.get(
      "entry.cgi",
      { api: "SYNO.Virtualization.API.Guest", version: "1", method: "delete", guest_name: "syno" },
      { headers: { cookie, ...headers } },
    );
  const list = (cookie: string) =>
    t.emu.get(
      "entry.cgi",
      { api: "SYNO.Virtualization.API.Guest", version: "1", method: "list" },
      { headers: { cookie } },
    );

  it("a cross-site link (Sec-Fetch-Site) or a foreign Origin answers 119 and deletes nothing", async () => {
    const cookie = await cookieLogin();
    expectDsmError(await del(cookie, { "sec-fetch-site": "cross-site" }), 119);
    expectDsmError(await del(cookie, { "sec-fetch-site": "same-site" }), 119);
    expectDsmError(await del(cookie, { origin: "http://evil.example" }), 119);
    const guests = expectSuccess(await list(cookie)).guests as { guest_name: string }[];
    expect(guests.map((g) => g.guest_name)).toContain("syno");
  });

  it("the same page, and a client that is not a browser, use the session", async () => {
    const cookie = await cookieLogin();
    expectSuccess(await del(cookie, { "sec-fetch-site": "same-origin", origin: t.emu.url }));
    const guests = expectSuccess(await list(cookie)).guests as { guest_name: string }[];
    expect(guests.map((g) => g.guest_name)).not.toContain("syno");
  });
});
