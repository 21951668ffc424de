/**
 * HTTPS beside HTTP (DSM serves 5000 and 5001): the same app and state over TLS, with the
 * self-signed certificate verified against the fingerprint the emulator prints, trusted as a CA,
 * or not checked (as the Go client and Home Assistant are configured), HTTP/2 where offered.
 */
import { mkdtempSync } from "node:fs";
import { connect } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestEmulator, useEmulator } from "../harness";
import { form, send, tlsAgent } from "../support/dsm7";

const login = {
  api: "SYNO.API.Auth",
  version: "7",
  method: "login",
  account: "admin",
  passwd: "synology",
  enable_syno_token: "yes",
  format: "sid",
};

describe("the HTTPS port", () => {
  const t = useEmulator({ httpsPort: 0 });

  it("serves the same state as HTTP, verified against the emulator's certificate", async () => {
    const { emu } = t;
    expect(emu.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const agent = tlsAgent({ ca: emu.certificate ?? "" });
    const res = await send(agent, `${emu.httpsUrl}/webapi/entry.cgi?${form(login)}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe('application/json; charset="UTF-8"');
    expect(res.headers["strict-transport-security"]).toMatch(/^max-age=\d+/);
    const sid = String(res.body.data?.sid);
    // A session opened over HTTPS works over HTTP: one emulator, one state.
    const guests = await emu.vmm(sid, "Guest", "list");
    expect(guests.body.success).toBe(true);
    await agent.close();
  });

  it("presents the certificate whose SHA-256 fingerprint it reports, so a pin accepts it", async () => {
    const { emu } = t;
    expect(emu.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const pinned = tlsAgent({ pin: emu.fingerprint ?? "" });
    expect(
      (await send(pinned, `${emu.httpsUrl}/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query`))
        .status,
    ).toBe(200);
    const wrong = tlsAgent({ pin: `${"00:".repeat(31)}00` });
    await expect(
      send(wrong, `${emu.httpsUrl}/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query`),
    ).rejects.toThrow(/fingerprint/);
    await Promise.all([pinned.close(), wrong.close()]);
  });

  it("is refused by a client that verifies against the system's CAs, and taken by one that checks nothing", async () => {
    const { emu } = t;
    const strict = tlsAgent({ ca: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n" });
    await expect(send(strict, `${emu.httpsUrl}/webapi/entry.cgi`)).rejects.toThrow();
    const insecure = tlsAgent("insecure");
    const res = await send(insecure, `${emu.httpsUrl}/webapi/entry.cgi/SYNO.API.Auth`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form(login),
    });
    expect(res.body.success).toBe(true);
    await Promise.all([strict.close(), insecure.close()]);
  });

  it("speaks HTTP/2 when the client offers it (the Go client does)", async () => {
    const { emu } = t;
    const session = connect(emu.httpsUrl ?? "", { ca: emu.certificate ?? "" });
    const text = await new Promise<string>((resolve, reject) => {
      const stream = session.request({
        ":method": "GET",
        ":path": "/webapi/entry.cgi?api=SYNO.API.Info&version=1&method=query&query=SYNO.API.Auth",
      });
      let body = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        body += chunk;
      });
      stream.on("end", () => resolve(body));
      stream.on("error", reject);
    });
    expect(session.alpnProtocol).toBe("h2");
    expect(JSON.parse(text)).toEqual({
      data: { "SYNO.API.Auth": { maxVersion: 7, minVersion: 1, path: "entry.cgi" } },
      success: true,
    });
    session.close();
  });
});

describe("the certificate of a file database", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmm-https-"));
  afterAll(() => undefined);

  it("is made once, kept beside the database and reused by the next start", async () => {
    const db = join(dir, "emulator.sqlite");
    const first = await startTestEmulator({ db, httpsPort: 0 });
    const fingerprint = first.fingerprint;
    await first.close();
    const second = await startTestEmulator({ db, httpsPort: 0 });
    expect(second.fingerprint).toBe(fingerprint);
    await second.close();
  });
});
