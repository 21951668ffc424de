/**
 * Issue 20, item 12: browsers speak HTTP/2 on the HTTPS port, which sends no Host header, and
 * the same-origin check compared Origin with Host: every dashboard button answered 403. The
 * check now uses the request's authority (`:authority` over HTTP/2), and still refuses others.
 */
import { connect } from "node:http2";
import { describe, expect, it } from "vitest";
import { useEmulator } from "../harness";

function post(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(base, { rejectUnauthorized: false });
    session.on("error", reject);
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/json",
      ...headers,
    });
    let body = "";
    let status = 0;
    stream.on("response", (h) => {
      status = Number(h[":status"]);
    });
    stream.on("data", (c: Buffer) => {
      body += c.toString();
    });
    stream.on("end", () => {
      session.close();
      resolve({ status, body });
    });
    stream.end("{}");
  });
}

describe("the dashboard's buttons over HTTP/2", () => {
  const t = useEmulator({ httpsPort: 0 }, { login: false });

  it("a same-origin POST from the page (Origin, no Host) is answered", async () => {
    const origin = t.emu.httpsUrl ?? "";
    const res = await post(origin, "/__admin/reset", { origin, "sec-fetch-site": "same-origin" });
    expect(res).toEqual({ status: 200, body: '{"reset":true}' });
  });

  it("another origin is still refused", async () => {
    const res = await post(t.emu.httpsUrl ?? "", "/__admin/reset", { origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });
});
