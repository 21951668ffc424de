/**
 * Issue 20, items 7 and 9: a chunked body on /webapi and any body on /__admin were never timed
 * out (the size limit read a chunked body whole before the deadline started); and after its own
 * 400/408/431 the server only half-closed, so a client that never reads kept the server's
 * socket. Short limits here; the sockets are counted from /proc, not timed.
 */
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { useEmulator } from "../harness";
import { eventually, serverSockets } from "../support/sockets";

const LIMITS = { headersMs: 300, requestMs: 300, keepAliveMs: 300, lingerMs: 200, checkMs: 50 };

function open(port: number, text: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(text);
      resolve(socket);
    });
    socket.on("error", () => {});
  });
}

/** What the server sent before it closed the connection. */
function replyOf(socket: Socket): Promise<string> {
  let reply = "";
  socket.on("data", (c: Buffer) => {
    reply += c.toString();
  });
  return new Promise((resolve) => socket.once("close", () => resolve(reply)));
}

describe("slow bodies and refused connections", () => {
  const t = useEmulator({ limits: LIMITS }, { login: false });
  const port = () => t.emu.port;

  it.each([
    [
      "a chunked body on /webapi",
      "/webapi/entry.cgi",
      "application/x-www-form-urlencoded",
      '{"error":{"code":101},"success":false}',
    ],
    [
      "a chunked body on /__admin",
      "/__admin/faults",
      "application/json",
      '{"error":"the body did not arrive in time"}',
    ],
  ])("%s that stops mid-way answers 408 and the socket is let go", async (_what, path, type, body) => {
    const socket = await open(
      port(),
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\napi=S\r\n`,
    );
    const reply = await replyOf(socket);
    expect(reply.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    expect(reply.endsWith(body)).toBe(true);
    expect(
      await eventually(
        () => serverSockets(port()),
        (s) => s.length === 0,
      ),
    ).toEqual([]);
  });

  it("a body with a Content-Length that never arrives on /__admin answers 408", async () => {
    const socket = await open(
      port(),
      "POST /__admin/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    expect((await replyOf(socket)).split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
  });

  it("30 clients that send a bad request, 30 with headers over the limit and 30 too slow, and never read, hold no server socket", async () => {
    const bad = Array.from({ length: 30 }, () =>
      open(port(), "GET /webapi\\query.cgi HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    );
    const big = Array.from({ length: 30 }, () =>
      open(port(), `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"x".repeat(20_000)}\r\n\r\n`),
    );
    const slow = Array.from({ length: 30 }, () => open(port(), "GET / HTTP/1.1\r\n"));
    const sockets = await Promise.all([...bad, ...big, ...slow]);
    // The clients never read and never close; the server must still let go of its ends.
    for (const s of sockets) s.pause();
    expect(
      await eventually(
        () => serverSockets(port()),
        (s) => s.length === 0,
      ),
    ).toEqual([]);
    for (const s of sockets) s.destroy();
  });
});
