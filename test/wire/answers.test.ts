import { describe, expect, it } from "vitest";
import { expectDsmError, expectSuccess, rawRequest, useEmulator } from "../harness";
import { expectEnvelope } from "../support/logins";

const CONTENT_TYPE = 'application/json; charset="UTF-8"';
const NO_CACHE = "max-age=0, no-cache, no-store, must-revalidate";

describe("answers: HTTP 200, DSM's content type and no-cache header, on success and on errors", () => {
  const t = useEmulator();

  it.each([
    ["a success", { api: "SYNO.API.Info", version: "1", method: "query" }, "query.cgi"],
    ["an empty success (logout)", { api: "SYNO.API.Auth", version: "3", method: "logout" }, "auth.cgi"],
    ["a dispatch error (101)", {}, "entry.cgi"],
    [
      "a session error (119)",
      { api: "SYNO.Virtualization.API.Host", version: "1", method: "list" },
      "entry.cgi",
    ],
    [
      "an Auth error (400)",
      { api: "SYNO.API.Auth", version: "3", method: "login", account: "x" },
      "auth.cgi",
    ],
  ])("%s", async (_what, params, cgi) => {
    const res = await t.emu.get(cgi, params);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(CONTENT_TYPE);
    expect(res.headers.get("cache-control")).toBe(NO_CACHE);
  });

  it("a VMM error (401) has the headers too, and the envelope writes `error` before `success`", async () => {
    const res = await t.emu.vmm(t.sid, "Guest", "get");
    expect(res.headers.get("cache-control")).toBe(NO_CACHE);
    expect(res.text).toBe('{"error":{"code":401},"success":false}');
  });

  it("a success writes `data` before `success`", async () => {
    const res = await t.emu.vmm(t.sid, "Network", "list");
    expect(res.text.startsWith('{"data":{"networks":[')).toBe(true);
    expect(res.text.endsWith('}]},"success":true}')).toBe(true);
  });
});

describe("malformed requests get DSM's envelope, never HTML or a stack trace", () => {
  const t = useEmulator();

  const info = "api=SYNO.API.Info&version=1&method=query";

  it("bad percent-encoding in the query is read as text (not a crash)", async () => {
    const res = await rawRequest(t.emu.url, "GET", `/webapi/entry.cgi?${info}&query=%zz%E0%A4%A`);
    expect(res.status).toBe(200);
    expect(expectEnvelope(res)).toEqual({ data: {}, success: true });
  });

  it("bad percent-encoding in a parameter name or in `api` answers the envelope", async () => {
    const res = await rawRequest(
      t.emu.url,
      "GET",
      "/webapi/entry.cgi?api=SYNO.%ZZ&version=1&method=query&%=1",
    );
    expect(res.status).toBe(200);
    expect(expectEnvelope(res).error?.code).toBe(102);
  });

  it("bad percent-encoding in the path-info API name answers the envelope", async () => {
    const res = await rawRequest(t.emu.url, "GET", "/webapi/entry.cgi/SYNO.%E0%A4%A?version=1&method=list");
    expect(res.status).toBe(200);
    expect(expectEnvelope(res).error?.code).toBe(102);
  });

  it("bad percent-encoding in a form body answers the envelope", async () => {
    const res = await rawRequest(t.emu.url, "POST", "/webapi/entry.cgi", {
      body: `${info}&query=%zz%`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    expect(expectEnvelope(res).success).toBe(true);
  });

  it("a garbled cookie header is ignored (119 as without a session)", async () => {
    const res = await rawRequest(
      t.emu.url,
      "GET",
      "/webapi/entry.cgi?api=SYNO.Virtualization.API.Host&version=1&method=list",
      {
        headers: { cookie: "id=%zz; =;; ;id" },
      },
    );
    expect(expectEnvelope(res).error?.code).toBe(119);
  });

  it("a huge form body (2 MB) answers the envelope", async () => {
    const res = await rawRequest(t.emu.url, "POST", "/webapi/entry.cgi", {
      body: `${info}&query=SYNO.API.Auth&junk=${"x".repeat(2_000_000)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    expect(expectEnvelope(res)).toEqual({
      data: { "SYNO.API.Auth": { maxVersion: 7, minVersion: 1, path: "entry.cgi" } },
      success: true,
    });
  });

  it("a body over the 4 MiB limit answers HTTP 413 with the envelope (code 101)", async () => {
    const res = await rawRequest(t.emu.url, "POST", "/webapi/entry.cgi", {
      body: `${info}&junk=${"x".repeat(5_000_000)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(413);
    expect(res.cacheControl).toBe(NO_CACHE);
    expect(expectEnvelope(res)).toEqual({ error: { code: 101 }, success: false });
  });

  it("a huge guest_name (8 KB in the query) answers 401, not a fault", async () => {
    const res = await t.emu.vmm(t.sid, "Guest", "get", { guest_name: "g".repeat(8_000) });
    expectDsmError(res, 401);
  });

  // Node's HTTP parser answers a request line beyond its 16 KB header limit with a bare
  // "431" (no body, no content type) before the app sees it. The fix belongs in
  // server/emulator.ts (a `clientError` handler writing the envelope); see the core report.
  it("a 20 KB query string answers the envelope", async () => {
    const res = await rawRequest(t.emu.url, "GET", `/webapi/entry.cgi?${info}&x=${"a".repeat(20_000)}`);
    expectEnvelope(res);
  });

  it.each(["PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])(
    "method %s on a CGI answers the envelope (code 102, HTTP 404)",
    async (method) => {
      const res = await rawRequest(t.emu.url, method, `/webapi/entry.cgi?${info}`);
      expect(res.status).toBe(404);
      expect(expectEnvelope(res).error?.code).toBe(102);
    },
  );

  it("HEAD on a CGI answers the headers of GET without a body", async () => {
    const res = await rawRequest(t.emu.url, "HEAD", `/webapi/query.cgi?${info}`);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe(CONTENT_TYPE);
    expect(res.text).toBe("");
  });

  it.each(["/webapi/", "/webapi/foo.cgi", "/webapi/%zz", "/index.html"])(
    "unknown path %s answers HTTP 404 with the envelope code 102",
    async (path) => {
      const res = await rawRequest(t.emu.url, "GET", path);
      expect(res.status).toBe(404);
      expect(res.cacheControl).toBe(NO_CACHE);
      expect(expectEnvelope(res)).toEqual({ error: { code: 102 }, success: false });
    },
  );

  it("a JSON body is not read as parameters (DSM reads forms): 101", async () => {
    const res = await rawRequest(t.emu.url, "POST", "/webapi/entry.cgi", {
      body: JSON.stringify({ api: "SYNO.API.Info", version: 1, method: "query" }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(expectEnvelope(res).error?.code).toBe(101);
  });

  it("path-info with more segments after the API name answers for that API (entry.cgi/SYNO.API.Info/x)", async () => {
    const res = await rawRequest(
      t.emu.url,
      "GET",
      "/webapi/entry.cgi/SYNO.API.Info/x?version=1&method=query&query=SYNO.API.Info",
    );
    expect(res.status).toBe(200);
    expect(expectEnvelope(res).success).toBe(true);
    const other = await rawRequest(
      t.emu.url,
      "GET",
      "/webapi/entry.cgi/webapi/auth.cgi?version=1&method=query",
    );
    expect(expectEnvelope(other).error?.code).toBe(101);
  });

  it("a JSON body beside query parameters is ignored, the query is answered", async () => {
    const res = await rawRequest(t.emu.url, "POST", `/webapi/entry.cgi?${info}&query=SYNO.DSM.Info`, {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(expectEnvelope(res)).toEqual({
      data: { "SYNO.DSM.Info": { maxVersion: 2, minVersion: 2, path: "entry.cgi", requestFormat: "JSON" } },
      success: true,
    });
  });

  it("a form body without a content type is read as a form (curl -d)", async () => {
    const res = await rawRequest(t.emu.url, "POST", "/webapi/query.cgi", {
      body: `${info}&query=SYNO.API.Info`,
    });
    expect(expectEnvelope(res).success).toBe(true);
  });

  it("a broken multipart body answers the envelope", async () => {
    const res = await rawRequest(t.emu.url, "POST", "/webapi/entry.cgi", {
      body: "--x\r\nnot a part",
      headers: { "content-type": "multipart/form-data; boundary=x" },
    });
    expect(res.status).toBe(200);
    expect(expectEnvelope(res).success).toBe(false);
  });

  // server/wire/http.ts reads the multipart body outside its try, so the parse error reaches
  // app.onError: the answer is 100 and the client's bad body is logged as an "unexpected fault".
  // The fix (see the core report) is to read an unparseable body as no body parameters.
  it("a broken multipart body beside complete query parameters is ignored: the query is answered", async () => {
    const res = await rawRequest(t.emu.url, "POST", `/webapi/query.cgi?${info}&query=SYNO.API.Auth`, {
      body: "--x\r\nnot a part",
      headers: { "content-type": "multipart/form-data; boundary=x" },
    });
    expect(expectEnvelope(res).success).toBe(true);
  });

  it("binary garbage as a form body answers the envelope", async () => {
    const res = await rawRequest(t.emu.url, "POST", "/webapi/entry.cgi", {
      body: Buffer.from([0xff, 0xfe, 0x00, 0x3d, 0x26, 0x80, 0x25]),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(expectEnvelope(res).error?.code).toBe(101);
  });
});

describe("an unexpected fault is logged and answered as DSM error 100", () => {
  const lines: string[] = [];
  const t = useEmulator({ log: (line) => lines.push(line) });

  it("a broken database answers 100 with no detail, and the fault reaches the log", async () => {
    // Simulate a store failure: the table the Network list reads is gone.
    t.emu.db.exec("ALTER TABLE networks RENAME TO networks_gone");
    const res = await t.emu.vmm(t.sid, "Network", "list");
    expectDsmError(res, 100);
    expect(res.text).toBe('{"error":{"code":100},"success":false}');
    expect(lines.join("\n")).toMatch(/no such table: networks/);
    // The emulator keeps answering.
    expectSuccess(await t.emu.vmm(t.sid, "Host", "list"));
  });
});
