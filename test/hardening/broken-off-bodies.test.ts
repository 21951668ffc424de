/**
 * Issue 20, item 13: a client that breaks off its body (it leaves mid-way) was logged as an
 * unexpected fault with a stack trace, on /webapi, on /__admin and over HTTP/2. It is the
 * client's doing: nothing is logged as a fault, and the emulator goes on answering.
 */
import { connect as h2connect } from "node:http2";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { useEmulator } from "../harness";

const lines: string[] = [];

function breakOff(port: number, path: string, type: string, chunked = false): Promise<void> {
  const framing = chunked
    ? 'Transfer-Encoding: chunked\r\n\r\n5\r\n{"a":'
    : 'Content-Length: 1000\r\n\r\n{"a":';
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\n${framing}`, () =>
        setTimeout(() => socket.destroy(), 50),
      );
    });
    socket.on("error", () => {});
    socket.on("close", () => setTimeout(resolve, 50));
  });
}

describe("a client that breaks off its body", () => {
  const t = useEmulator({ httpsPort: 0, log: (line) => lines.push(line) }, { login: false });

  it.each([
    ["/webapi/entry.cgi", "application/x-www-form-urlencoded"],
    ["/webapi/entry.cgi", "multipart/form-data; boundary=x"],
    ["/__admin/faults", "application/json"],
    ["/__admin/fixture", "application/json"],
  ])("on %s (%s) is not an unexpected fault", async (path, type) => {
    lines.length = 0;
    await breakOff(t.emu.port, path, type);
    await breakOff(t.emu.port, `${path}?api=SYNO.API.Info&version=1&method=query`, type);
    await breakOff(t.emu.port, path, type, true);
    await breakOff(t.emu.port, `${path}?api=SYNO.API.Info&version=1&method=query`, type, true);
    expect(lines.filter((l) => l.includes("unexpected fault"))).toEqual([]);
    expect(
      (await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" })).status,
    ).toBe(200);
  });

  it("over HTTP/2 is not an unexpected fault", async () => {
    lines.length = 0;
    for (const path of ["/webapi/entry.cgi", "/__admin/faults"]) {
      const session = h2connect(`https://127.0.0.1:${t.emu.httpsPort}`, { rejectUnauthorized: false });
      session.on("error", () => {});
      const stream = session.request({
        ":method": "POST",
        ":path": path,
        "content-type": path.startsWith("/__admin")
          ? "application/json"
          : "application/x-www-form-urlencoded",
        "content-length": "1000",
      });
      stream.on("error", () => {});
      await new Promise<void>((r) => stream.write('{"a":', () => r()));
      await new Promise((r) => setTimeout(r, 50));
      session.destroy();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines.filter((l) => l.includes("unexpected fault"))).toEqual([]);
  });
});
