/**
 * What logging in in a loop can do: a non-administrator filled the global session cap and so
 * evicted the administrator's session; session and device names were kept at any length, and
 * device tokens were never dropped (+118 MB per 30 logins).
 */
import { describe, expect, it } from "vitest";
import {
  MAX_CLIENT_NAME,
  MAX_DEVICES_PER_ACCOUNT,
  MAX_SESSIONS_PER_ACCOUNT,
} from "../../server/wire/session";
import { ACCOUNTS } from "../fixture-ids";
import { expectSuccess, useEmulator } from "../harness";

describe("sessions and device tokens are bounded per account", () => {
  const t = useEmulator({}, { each: true });
  const count = (sql: string, ...args: string[]) => (t.emu.db.prepare(sql).get(...args) as { n: number }).n;

  const login = (params: Record<string, string>) =>
    t.emu.post("auth.cgi", {
      api: "SYNO.API.Auth",
      version: "7",
      method: "login",
      account: ACCOUNTS.viewer.account,
      passwd: ACCOUNTS.viewer.passwd,
      format: "sid",
      ...params,
    });

  it("a non-administrator logging in in a loop evicts only its own oldest sessions", async () => {
    for (let i = 0; i < MAX_SESSIONS_PER_ACCOUNT + 20; i++) expectSuccess(await login({}));
    expect(count("SELECT COUNT(*) AS n FROM sessions WHERE account = ?", ACCOUNTS.viewer.account)).toBe(
      MAX_SESSIONS_PER_ACCOUNT,
    );
    expectSuccess(await t.emu.vmm(t.sid, "Guest", "list"));
  });

  it("session and device names are kept cut, and device tokens capped, then dropped when their cookie expires", async () => {
    const long = "n".repeat(20_000);
    for (let i = 0; i < MAX_DEVICES_PER_ACCOUNT + 10; i++)
      expectSuccess(await login({ session: long, enable_device_token: "yes", device_name: long }));
    expect(count("SELECT MAX(length(session_name)) AS n FROM sessions")).toBe(MAX_CLIENT_NAME);
    expect(count("SELECT MAX(length(device_name)) AS n FROM device_tokens")).toBe(MAX_CLIENT_NAME);
    expect(count("SELECT COUNT(*) AS n FROM device_tokens WHERE account = ?", ACCOUNTS.viewer.account)).toBe(
      MAX_DEVICES_PER_ACCOUNT,
    );
    t.emu.clock.advance(31 * 24 * 3600 * 1000);
    await t.emu.login();
    expect(count("SELECT COUNT(*) AS n FROM device_tokens")).toBe(0);
  });
});
