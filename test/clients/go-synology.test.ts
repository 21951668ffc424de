/**
 * go-synology, the Go client behind the Terraform provider, replayed request by request as its
 * pinned commit sends them (docs/clients.md): HTTPS only (it rewrites every host to https), with
 * certificate checks off as the provider's `skip_cert_check` default, HTTP/2 when offered; every
 * parameter set sorted byte-wise as Go's url.Values encodes it.
 */
import { Agent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { useEmulator } from "../harness";
import { send, setCookies } from "../support/dsm7";
import { goEncode } from "./go";

describe("go-synology (Terraform provider), over HTTPS", () => {
  const t = useEmulator({ httpsPort: 0 });
  // InsecureSkipVerify with ForceAttemptHTTP2: h2 through ALPN.
  const agent = new Agent({ connect: { rejectUnauthorized: false }, allowH2: true });
  afterAll(() => agent.close());

  async function goLogin() {
    const query = goEncode({
      account: "admin",
      api: "SYNO.API.Auth",
      enable_syno_token: "yes",
      format: "sid",
      method: "login",
      passwd: "synology",
      timezone: "+00:00",
      version: "7",
    });
    return send(agent, `${t.emu.httpsUrl}/webapi/entry.cgi?${query}`);
  }

  it("logs in with one GET on entry.cgi and gets the non-empty sid and synotoken it insists on", async () => {
    const res = await goLogin();
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe('application/json; charset="UTF-8"');
    const data = res.body.data as Record<string, unknown>;
    expect(data.sid).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(data.synotoken).toMatch(/^\S+$/);
    // format=sid: no cookie for the Go client's jar.
    expect(setCookies(res)).toEqual([]);
  });

  it("probes a cached session with SYNO.Core.NormalUser (session cache on): username when alive, 119 when not", async () => {
    const data = (await goLogin()).body.data as { sid: string; synotoken: string };
    const probe = (sid: string, token: string) =>
      send(agent, `${t.emu.httpsUrl}/webapi/entry.cgi/SYNO.Core.NormalUser`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-syno-token": token,
          cookie: `did=; id=${sid}`,
        },
        body: goEncode({
          Method: "get",
          SynoToken: token,
          _sid: sid,
          api: "SYNO.Core.NormalUser",
          method: "get",
          version: "1",
        }),
      });
    const alive = await probe(data.sid, data.synotoken);
    expect((alive.body.data as { username: string }).username).toBe("admin");
    t.emu.clock.advance(901_000);
    expect((await probe(data.sid, data.synotoken)).body).toEqual({ error: { code: 119 }, success: false });
  });

  it("repeats a stale sid and token in the login query after a failed probe, which the login ignores", async () => {
    const query = goEncode({
      SynoToken: "stale",
      _sid: "stale",
      account: "admin",
      api: "SYNO.API.Auth",
      enable_syno_token: "yes",
      format: "sid",
      method: "login",
      passwd: "synology",
      timezone: "-05:00",
      version: "7",
    });
    expect((await send(agent, `${t.emu.httpsUrl}/webapi/entry.cgi?${query}`)).body.success).toBe(true);
  });
});
