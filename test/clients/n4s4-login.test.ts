/**
 * N4S4's `synology-api` default DSM 7 login, replayed request by request as its source sends
 * it (auth.py / base_api.py, read for this project: see docs/clients.md), over plain HTTP as its
 * default `secure=False` does: UIConfig's `_SSID` cookie, the Noise IK first message as
 * `ik_message`, the RSA getinfo, the encrypted login, discovery three times, then calls signed
 * with X-SYNO-HASH. The client side is written in the tests (./n4s4.ts), not taken from the
 * emulator's modules.
 */

import { Agent } from "undici";
import { describe, expect, it } from "vitest";
import { totp } from "../../server/security/totp";
import { ACCOUNTS } from "../fixture-ids";
import { useEmulator } from "../harness";
import { form, send, setCookies, testKeys } from "../support/dsm7";
import {
  clientKeyFromHex,
  cookieValue,
  envelope,
  n4s4Client,
  pythonUrlencode,
  randomPassphrase,
} from "./n4s4";

const http = new Agent();

/** The inner fields of N4S4's encrypted login, in its order. */
function innerFields(account: string, passwd: string, serverTime: number): [string, string][] {
  return [
    ["account", account],
    ["enable_device_token", "no"],
    ["logintype", "local"],
    ["otp_code", ""],
    ["rememberme", "0"],
    ["passwd", passwd],
    ["session", "webui"],
    ["format", "cookie"],
    ["__cIpHeRtOkEn", String(serverTime)],
  ];
}

describe("N4S4 synology-api's default login (dsm_version=7, secure=False)", () => {
  const t = useEmulator({ keys: testKeys() });

  async function login(account: string, passwd: string, otpCode?: string) {
    const base = `${t.emu.url}/webapi`;
    // 1. UIConfig: HTTP 200 and the _SSID cookie, or the client gives up.
    const ui = await send(http, `${base}/entry.cgi/SYNO.API.Auth.UIConfig`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "api=SYNO.API.Auth.UIConfig&method=get&version=1",
    });
    expect(ui.status).toBe(200);
    const ssid = setCookies(ui).find((c) => c.startsWith("_SSID="));
    expect(ssid).toBeDefined();
    const noise = n4s4Client(cookieValue(ssid ?? ""));
    // 2. The RSA key, as a hex modulus.
    const info = await send(
      http,
      `${base}/encryption.cgi?api=SYNO.API.Encryption&method=getinfo&version=1&format=module`,
    );
    const { public_key, cipherkey, ciphertoken, server_time } = info.body.data as {
      public_key: string;
      cipherkey: string;
      ciphertoken: string;
      server_time: number;
    };
    expect([cipherkey, ciphertoken]).toEqual(["__cIpHeRtExT", "__cIpHeRtOkEn"]);
    expect(public_key).toMatch(/^[0-9A-Fa-f]{1024}$/); // a 4096-bit modulus
    const blob = envelope(
      clientKeyFromHex(public_key),
      randomPassphrase(),
      pythonUrlencode(innerFields(account, passwd, server_time)),
    );
    // 3. The login: the handshake and the blob outside, the 2-step code outside too.
    const fields: Record<string, string> = {
      api: "SYNO.API.Auth",
      version: "7",
      method: "login",
      enable_syno_token: "yes",
      client: "browser",
      ik_message: noise.ikMessage,
      [cipherkey]: blob,
      ...(otpCode === undefined ? {} : { otp_code: otpCode }),
    };
    const res = await send(http, `${base}/auth.cgi`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form(fields),
    });
    return { res, noise, base };
  }

  it("logs in through UIConfig, Encryption and the Noise handshake, and signs its later calls", async () => {
    const { res, noise, base } = await login(ACCOUNTS.admin.account, ACCOUNTS.admin.passwd);
    expect(res.body.success).toBe(true);
    const data = res.body.data as { sid: string; synotoken: string; ik_message: string };
    expect(typeof data.synotoken).toBe("string");
    expect(data.sid).toMatch(/^[A-Za-z0-9_-]{86}$/);
    // The client finishes the handshake with the answer's ik_message; a wrong one would raise.
    const session = noise.finish(data.ik_message);
    // 4. Discovery, three times, with nothing of the session.
    for (let i = 0; i < 3; i++) {
      const all = await send(http, `${base}/query.cgi?api=SYNO.API.Info&version=1&method=query&query=all`);
      expect(Object.keys(all.body.data ?? {})).toContain("SYNO.Virtualization.API.Guest");
    }
    // 5. Every later call: _sid in the query, X-SYNO-TOKEN and X-SYNO-HASH headers.
    const call = (hash: string | undefined) =>
      send(
        http,
        `${base}/entry.cgi?api=SYNO.Virtualization.API.Guest&version=1&method=list&_sid=${data.sid}`,
        {
          headers: { "X-SYNO-TOKEN": data.synotoken, ...(hash === undefined ? {} : { "X-SYNO-HASH": hash }) },
        },
      );
    const first = session.nextHash();
    expect((await call(first)).body.success).toBe(true);
    expect((await call(session.nextHash())).body.success).toBe(true);
    // The same header again is a replay; a forged one fails; a call without the header is taken.
    expect((await call(first)).body).toEqual({ error: { code: 119 }, success: false });
    expect((await call(`${first.slice(0, 8)}${"A".repeat(22)}.MA`)).body).toEqual({
      error: { code: 119 },
      success: false,
    });
    expect((await call(undefined)).body.success).toBe(true);
    // 6. Logout with nothing of the session: a success that ends nothing.
    const out = await send(http, `${base}/auth.cgi?api=SYNO.API.Auth&version=7&method=logout&session=webui`);
    expect(out.body).toEqual({ success: true });
    expect((await call(session.nextHash())).body.success).toBe(true);
  });

  it("takes the 2-step code sent outside the blob while the blob holds an empty otp_code", async () => {
    const code = totp(ACCOUNTS.otp.secret, t.emu.clock.now());
    const { res } = await login(ACCOUNTS.otp.account, ACCOUNTS.otp.passwd, code);
    expect(res.body.success, res.text).toBe(true);
  });

  it("answers 400 for a blob made with a stale server time (older than DSM's 360 s)", async () => {
    const info = await send(
      http,
      `${t.emu.url}/webapi/encryption.cgi?api=SYNO.API.Encryption&method=getinfo&version=1&format=module`,
    );
    const { public_key, server_time } = info.body.data as { public_key: string; server_time: number };
    t.emu.clock.advance(361_000);
    const blob = envelope(
      clientKeyFromHex(public_key),
      randomPassphrase(),
      pythonUrlencode(innerFields(ACCOUNTS.admin.account, ACCOUNTS.admin.passwd, server_time)),
    );
    const res = await send(http, `${t.emu.url}/webapi/auth.cgi`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form({ api: "SYNO.API.Auth", version: "7", method: "login", __cIpHeRtExT: blob }),
    });
    expect(res.body).toEqual({ error: { code: 400 }, success: false });
  });
});
