/**
 * Issue 20, items 3 and 8: TCP connections to the HTTPS port that never finish a TLS handshake,
 * headers that dribble over TLS, and HTTP/2 sessions that sit idle or never finish a body. The
 * HTTPS port keeps the HTTP port's limits (short ones here), and whatever it refuses it lets go:
 * the server holds no socket on its port afterwards (read from /proc, not timed).
 */
import { connect as h2connect } from "node:http2";
import { connect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { describe, expect, it } from "vitest";
import { useEmulator } from "../harness";
import { eventually, serverSockets } from "../support/sockets";

const LIMITS = { headersMs: 300, requestMs: 300, keepAliveMs: 300, lingerMs: 200, checkMs: 50 };

describe("the HTTPS port lets go of what it refuses", () => {
  const t = useEmulator({ httpsPort: 0, limits: LIMITS }, { login: false });
  const port = () => t.emu.httpsPort ?? 0;
  const none = (states: string[]) => states.length === 0;

  it("40 TCP connections that never start a handshake are destroyed, not left in CLOSE_WAIT", async () => {
    const sockets = Array.from({ length: 40 }, () => connect(port(), "127.0.0.1"));
    const closed = sockets.map((s) => new Promise((r) => s.once("close", r)));
    for (const s of sockets) s.on("error", () => {});
    await Promise.all(closed);
    expect(await eventually(() => serverSockets(port()), none)).toEqual([]);
  });

  it("headers that dribble over TLS answer 408 at the header limit, and the socket goes", async () => {
    const socket = tlsConnect({
      port: port(),
      host: "127.0.0.1",
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
    });
    socket.on("error", () => {});
    await new Promise((r) => socket.once("secureConnect", r));
    socket.write(
      "GET /webapi/query.cgi?api=SYNO.API.Info&version=1&method=query HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    );
    let reply = "";
    socket.on("data", (c: Buffer) => {
      reply += c.toString();
    });
    await new Promise((r) => socket.once("close", r));
    expect(reply.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    expect(await eventually(() => serverSockets(port()), none)).toEqual([]);
  });

  it("an idle HTTP/2 session is closed, and so is one whose only stream never finishes its body", async () => {
    const idle = h2connect(`https://127.0.0.1:${port()}`, { rejectUnauthorized: false });
    idle.on("error", () => {});
    await new Promise((r) => idle.once("close", r));

    const session = h2connect(`https://127.0.0.1:${port()}`, { rejectUnauthorized: false });
    session.on("error", () => {});
    const stream = session.request({
      ":method": "POST",
      ":path": "/webapi/entry.cgi",
      "content-type": "application/x-www-form-urlencoded",
    });
    stream.on("error", () => {});
    stream.write("api=SYNO.API.Info&version=1&");
    const status = await new Promise<number>((r) => stream.once("response", (h) => r(Number(h[":status"]))));
    expect(status).toBe(408);
    await new Promise((r) => session.once("close", r));
    expect(await eventually(() => serverSockets(port()), none)).toEqual([]);
  });
});
