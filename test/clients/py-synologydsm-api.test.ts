/**
 * Home Assistant's py-synologydsm-api, replayed request by request as it sends them
 * (docs/clients.md): discovery at query.cgi with no `query`, a GET login at Info's Auth path and
 * version with a device token and no `enable_syno_token`, then SYNO.DSM.Info at Info's version,
 * `SynoToken=--------` on every call; over HTTPS with `verify_ssl: false`, as users configure it.
 */
import { Agent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { useEmulator } from "../harness";
import { send } from "../support/dsm7";

/** The library's urlencode(..., safe="?/:@-._~!$'()*,", quote_via=quote). */
function pyQuery(params: [string, string][]): string {
  const safe = /[A-Za-z0-9?/:@\-._~!$'()*,]/;
  const quote = (s: string) =>
    Array.from(Buffer.from(s, "utf8"))
      .map((b) =>
        safe.test(String.fromCharCode(b))
          ? String.fromCharCode(b)
          : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
      )
      .join("");
  return params.map(([k, v]) => `${quote(k)}=${quote(v)}`).join("&");
}

describe("py-synologydsm-api, over HTTPS", () => {
  const t = useEmulator({ httpsPort: 0 });
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  afterAll(() => agent.close());

  it("discovers, logs in with a device token, reads DSM.Info and sends the token it was given back", async () => {
    const base = `${t.emu.httpsUrl}/webapi`;
    const info = await send(agent, `${base}/query.cgi?api=SYNO.API.Info&version=1&method=query`);
    const apis = info.body.data as Record<string, { path: string; maxVersion: number }>;
    const auth = apis["SYNO.API.Auth"];
    const dsm = apis["SYNO.DSM.Info"];
    expect([auth?.path, auth?.maxVersion, dsm?.maxVersion]).toEqual(["entry.cgi", 7, 2]);

    const login = await send(
      agent,
      `${base}/${auth?.path}?${pyQuery([
        ["account", "admin"],
        ["passwd", "synology"],
        ["enable_device_token", "yes"],
        ["device_name", "homeassistant"],
        ["api", "SYNO.API.Auth"],
        ["version", String(auth?.maxVersion)],
        ["method", "login"],
      ])}`,
    );
    const data = login.body.data as { sid: string; synotoken: string; device_id: string };
    expect(data.device_id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(data.synotoken).toBe("--------");

    const got = await send(
      agent,
      `${base}/entry.cgi?${pyQuery([
        ["api", "SYNO.DSM.Info"],
        ["version", String(dsm?.maxVersion)],
        ["method", "getinfo"],
        ["_sid", data.sid],
        ["SynoToken", data.synotoken],
      ])}`,
    );
    const dsmInfo = got.body.data as {
      model: string;
      ram: number;
      version: string;
      version_string: string;
      uptime: number;
    };
    // The library parses version_string with DSM (\d+)\.(\d+)(\.(\d+))?-(\d+)( Update (\d+))? and compares int(version).
    expect(dsmInfo.version_string).toMatch(/^DSM (\d+)\.(\d+)(\.(\d+))?-(\d+)( Update (\d+))?$/);
    expect(Number.isInteger(Number(dsmInfo.version))).toBe(true);

    // A later login carrying the device token (HA keeps it as device_token) is taken.
    const again = await send(
      agent,
      `${base}/entry.cgi?${pyQuery([
        ["account", "admin"],
        ["passwd", "synology"],
        ["enable_device_token", "yes"],
        ["device_name", "homeassistant"],
        ["device_id", data.device_id],
        ["api", "SYNO.API.Auth"],
        ["version", "7"],
        ["method", "login"],
      ])}`,
    );
    expect(again.body.success).toBe(true);
  });
});
