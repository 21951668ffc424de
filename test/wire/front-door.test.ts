/**
 * DSM's front door as the recordings show it (spec dsm7-clients.md §7.2; Home Assistant issues
 * #54238, #64867, #148837): DSM 7's header set on every answer, errors included, over HTTP and
 * HTTPS (HTTP/1.1 and HTTP/2); gzip when `Accept-Encoding` asks for it and never otherwise;
 * `SYNO.DSM.Info`'s `time` in C ctime form from the injected clock; the v7 login's 86-character
 * `device_id`. Requests go through undici's `request`, which sends only the headers given and
 * leaves the body as the wire carried it.
 */
import { gunzipSync } from "node:zlib";
import { Agent, type Dispatcher, request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { ctime } from "../../server/api/core/dsm-info";
import { acceptsGzip } from "../../server/wire/gzip";
import { type Harness, useEmulator } from "../harness";
import { syntheticFixture } from "../support/synthetic-fixture";

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly bytes: Buffer;
  /** The JSON text, decompressed when the answer was gzipped. */
  readonly text: string;
}

async function raw(dispatcher: Dispatcher, url: string, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await request(url, { dispatcher, headers });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const zipped = res.headers["content-encoding"] === "gzip";
  return {
    status: res.statusCode,
    headers: res.headers,
    bytes,
    text: (zipped ? gunzipSync(bytes) : bytes).toString("utf8"),
  };
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const LOGIN7 = { api: "SYNO.API.Auth", version: "7", method: "login", account: "admin", passwd: "synology" };
const GZIP = { "accept-encoding": "gzip, deflate, br" };

/** DSM 7.0–7.2's headers on entry.cgi, as recorded (Date and the connection headers are the server's own). */
const DSM7_HEADERS = {
  server: "nginx",
  "content-type": 'application/json; charset="UTF-8"',
  vary: "Accept-Encoding",
  "x-content-type-options": "nosniff",
  "x-xss-protection": "1; mode=block",
  "cache-control": "max-age=0, no-cache, no-store, must-revalidate",
  pragma: "no-cache",
  expires: "0",
};
const HSTS = "max-age=15768000; includeSubdomains; preload";

/** Checks one transport (base URL and dispatcher): header set, gzip asked and not, login extras. */
function frontDoor(t: Harness, base: () => string, dispatcher: () => Dispatcher, secure: boolean) {
  const hsts = secure ? HSTS : undefined;

  it("answers success and error alike with DSM 7's header set", async () => {
    const info = await raw(
      dispatcher(),
      `${base()}/webapi/query.cgi?${q({ api: "SYNO.API.Info", version: "1", method: "query" })}`,
    );
    const unknown = await raw(
      dispatcher(),
      `${base()}/webapi/entry.cgi?${q({ api: "SYNO.Nope", version: "1", method: "get" })}`,
    );
    const refused = await raw(
      dispatcher(),
      `${base()}/webapi/entry.cgi?${q({ api: "SYNO.Virtualization.API.Guest", version: "1", method: "list" })}`,
    );
    expect(unknown.text).toBe('{"error":{"code":102},"success":false}');
    expect(refused.text).toBe('{"error":{"code":119},"success":false}');
    for (const res of [info, unknown, refused]) {
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject(DSM7_HEADERS);
      expect(res.headers["strict-transport-security"]).toBe(hsts);
      // P3P is the login's (and the CGI's on DSM 6); none of these is a login.
      expect(res.headers.p3p).toBeUndefined();
      expect(res.headers["content-encoding"]).toBeUndefined();
    }
  });

  it("gzips the JSON when Accept-Encoding asks for gzip, small answers and errors included", async () => {
    for (const params of <Record<string, string>[]>[
      { api: "SYNO.API.Info", version: "1", method: "query", query: "SYNO.API.Auth" },
      { api: "SYNO.Virtualization.API.Guest", version: "1", method: "list" },
    ]) {
      const url = `${base()}/webapi/entry.cgi?${q({ ...params, _sid: t.sid })}`;
      const plain = await raw(dispatcher(), url);
      const zipped = await raw(dispatcher(), url, GZIP);
      expect(zipped.headers["content-encoding"]).toBe("gzip");
      expect(zipped.headers).toMatchObject(DSM7_HEADERS);
      expect(zipped.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(zipped.text).toBe(plain.bytes.toString("utf8"));
      expect(JSON.parse(zipped.text).success).toBe(true);
    }
    // An error answer too, as DSM 7.2 was recorded gzipping `{"error":{"code":408},...}`.
    const error = await raw(
      dispatcher(),
      `${base()}/webapi/entry.cgi?${q({ api: "SYNO.Nope", version: "1", method: "get" })}`,
      {
        "accept-encoding": "gzip",
      },
    );
    expect(error.headers["content-encoding"]).toBe("gzip");
    expect(error.text).toBe('{"error":{"code":102},"success":false}');
  });

  it("never gzips when the request does not accept gzip", async () => {
    const url = `${base()}/webapi/entry.cgi?${q({ api: "SYNO.Virtualization.API.Guest", version: "1", method: "list", _sid: t.sid })}`;
    for (const ae of [undefined, "identity", "deflate, br", "gzip;q=0", "*"]) {
      const res = await raw(dispatcher(), url, ae === undefined ? {} : { "accept-encoding": ae });
      expect(res.headers["content-encoding"], `Accept-Encoding: ${ae}`).toBeUndefined();
      expect(res.headers.vary).toBe("Accept-Encoding");
      expect(JSON.parse(res.bytes.toString("utf8")).success).toBe(true);
    }
  });

  it("answers a v7 login with P3P and an 86-character base64url device_id, the did cookie the same", async () => {
    const res = await raw(
      dispatcher(),
      `${base()}/webapi/entry.cgi?${q({ ...LOGIN7, enable_device_token: "yes", device_name: "front-door" })}`,
      GZIP,
    );
    expect(res.headers).toMatchObject({ ...DSM7_HEADERS, "content-encoding": "gzip" });
    expect(res.headers.p3p).toBe('CP="IDC DSP COR ADM DEVi TAIi PSA PSD IVAi IVDi CONi HIS OUR IND CNT"');
    const data = JSON.parse(res.text).data as { device_id: string; sid: string };
    expect(data.device_id).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(data.sid).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const cookies = [res.headers["set-cookie"] ?? []].flat();
    expect(cookies.find((c) => c.startsWith("did="))).toContain(`did=${data.device_id};`);
    // auth.cgi answers a login with P3P too.
    const again = await raw(
      dispatcher(),
      `${base()}/webapi/auth.cgi?${q({ ...LOGIN7, device_id: data.device_id })}`,
    );
    expect(JSON.parse(again.text).success).toBe(true);
    expect(again.headers.p3p).toBeDefined();
  });
}

describe("the front door over HTTP", () => {
  const t = useEmulator();
  const agent = new Agent();
  afterAll(() => agent.close());
  frontDoor(
    t,
    () => t.emu.url,
    () => agent,
    false,
  );

  it("answers a HEAD with the headers and no Vary or body, as nginx does for header-only answers", async () => {
    const res = await request(`${t.emu.url}/webapi/entry.cgi?api=SYNO.API.Info&version=1&method=query`, {
      dispatcher: agent,
      method: "HEAD",
      headers: GZIP,
    });
    await res.body.dump();
    expect(res.headers.server).toBe("nginx");
    expect(res.headers.vary).toBeUndefined();
    expect(res.headers["content-encoding"]).toBeUndefined();
  });

  it("answers SYNO.DSM.Info's time as C ctime text of the injected clock, the day padded with a space", async () => {
    t.emu.clock.set(Date.UTC(2027, 7, 7, 13, 4, 4));
    // A fresh session: the admin's has idled out over the months the clock moved.
    const getinfo = async () =>
      (
        await t.emu.get("entry.cgi", {
          api: "SYNO.DSM.Info",
          version: "2",
          method: "getinfo",
          _sid: await t.emu.login(),
        })
      ).body.data?.time;
    expect(await getinfo()).toBe("Sat Aug  7 13:04:04 2027");
    t.emu.clock.advance(17 * 86_400_000 + 3_600_000);
    expect(await getinfo()).toBe("Tue Aug 24 14:04:04 2027");
  });

  it("keeps a v6 login's did in its own (DSM 6) shape", async () => {
    const res = await t.emu.get("auth.cgi", { ...LOGIN7, version: "6", enable_device_token: "yes" });
    expect(String(res.body.data?.did)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(res.body.data?.device_id).toBeUndefined();
  });
});

describe("the front door over HTTPS", () => {
  const t = useEmulator({ httpsPort: 0 });
  const h1 = new Agent({ connect: { rejectUnauthorized: false } });
  const h2 = new Agent({ connect: { rejectUnauthorized: false }, allowH2: true });
  afterAll(() => Promise.all([h1.close(), h2.close()]));
  describe("HTTP/1.1", () =>
    frontDoor(
      t,
      () => t.emu.httpsUrl ?? "",
      () => h1,
      true,
    ));
  describe("HTTP/2 (the Go client's)", () =>
    frontDoor(
      t,
      () => t.emu.httpsUrl ?? "",
      () => h2,
      true,
    ));
});

describe("gzip of larger answers", () => {
  // 400 guests: the Guest list is well over 64 KiB, so it is compressed off the event loop.
  const t = useEmulator({ fixtureData: syntheticFixture(400) });
  const agent = new Agent();
  afterAll(() => agent.close());

  it("compresses a large list for real, and the same answer again (kept between changes) identically", async () => {
    const url = `${t.emu.url}/webapi/entry.cgi?${q({ api: "SYNO.Virtualization.API.Guest", version: "1", method: "list", _sid: t.sid })}`;
    const plain = await raw(agent, url);
    expect(plain.bytes.length).toBeGreaterThan(64 * 1024);
    const first = await raw(agent, url, GZIP);
    const second = await raw(agent, url, GZIP);
    expect(first.text).toBe(plain.bytes.toString("utf8"));
    expect(first.bytes.length).toBeLessThan(plain.bytes.length / 4);
    expect(second.bytes).toEqual(first.bytes);
    // A medium answer (between 1 and 64 KiB) too: the internal list of one guest is not that, Info is.
    const info = `${t.emu.url}/webapi/query.cgi?${q({ api: "SYNO.API.Info", version: "1", method: "query" })}`;
    const infoPlain = await raw(agent, info);
    const infoZipped = await raw(agent, info, GZIP);
    expect(infoPlain.bytes.length).toBeGreaterThan(1024);
    expect(infoZipped.text).toBe(infoPlain.bytes.toString("utf8"));
    expect(infoZipped.bytes.length).toBeLessThan(infoPlain.bytes.length);
  });
});

describe("the pieces", () => {
  it("reads Accept-Encoding as nginx does: a gzip coding whose q is not zero", () => {
    expect(acceptsGzip("gzip")).toBe(true);
    expect(acceptsGzip("gzip, deflate, br")).toBe(true);
    expect(acceptsGzip("br;q=1.0, GZIP;q=0.5")).toBe(true);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("gzip;q=0.000")).toBe(false);
    expect(acceptsGzip("*")).toBe(false);
    expect(acceptsGzip("x-gzip-ish")).toBe(false);
    expect(acceptsGzip("deflate,gzip")).toBe(true);
    expect(acceptsGzip("gzip;level=1")).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it("writes ctime with a space-padded day and zero-padded clock", () => {
    expect(ctime(Date.UTC(2021, 7, 7, 13, 4, 4))).toBe("Sat Aug  7 13:04:04 2021");
    expect(ctime(Date.UTC(2026, 10, 1, 9, 0, 0))).toBe("Sun Nov  1 09:00:00 2026");
    expect(ctime(Date.UTC(2024, 1, 29, 23, 59, 59))).toBe("Thu Feb 29 23:59:59 2024");
  });
});
