/**
 * Requests Node or the HTTP adapter would answer themselves with a bare status line: an invalid
 * Host, a backslash in the path, an unknown Expect. DSM clients read the envelope, so each gets
 * it; and a Host in capitals is a valid Host.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { useEmulator } from "../harness";

/** Sends raw bytes and answers the whole reply (the server closes, or we stop after a second). */
function raw(url: string, text: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(text));
    let reply = "";
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (/\r\n\r\n[\s\S]*\}$/.test(reply)) socket.end();
    });
    socket.on("close", () => resolve(reply));
    socket.on("error", reject);
  });
}

const INFO = "/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query";

describe("malformed requests get DSM's envelope", () => {
  const t = useEmulator({}, { login: false });

  it.each([
    ["an invalid Host", `GET ${INFO} HTTP/1.1\r\nHost: exa mple\r\nConnection: close\r\n\r\n`, 400],
    [
      "a backslash in the path",
      `GET /webapi\\query.cgi HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      400,
    ],
    [
      "an unknown Expect",
      `POST /webapi/entry.cgi HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 200-ok\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      417,
    ],
  ])("%s", async (_what, request, status) => {
    const reply = await raw(t.emu.url, request);
    expect(reply.split("\r\n")[0]).toContain(` ${status} `);
    expect(reply.slice(reply.indexOf("\r\n\r\n") + 4)).toBe('{"error":{"code":101},"success":false}');
  });

  it("a Host in capitals is answered", async () => {
    const reply = await raw(
      t.emu.url,
      `GET ${INFO} HTTP/1.1\r\nHost: LOCALHOST:5000\r\nConnection: close\r\n\r\n`,
    );
    expect(reply.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
  });
});
