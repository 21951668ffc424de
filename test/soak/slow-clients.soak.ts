/**
 * A slow-loris client against the server's headers timeout (server/wire/limits.ts): a real
 * socket trickling header bytes for as long as Node lets it, about 10 s.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { SERVER_OPTIONS } from "../../server/wire/limits";
import { useEmulator } from "../harness";

describe("slow clients", () => {
  const t = useEmulator();

  it("a client trickling its headers is cut off after the headers timeout", { timeout: 30_000 }, async () => {
    const timeout = SERVER_OPTIONS.headersTimeout ?? 0;
    const check = SERVER_OPTIONS.connectionsCheckingInterval ?? 0;
    const socket = connect(t.emu.port, "127.0.0.1");
    const started = performance.now();
    socket.write("GET /webapi/query.cgi?api=SYNO.API.Info&version=1&method=query HTTP/1.1\r\nHost: x\r\n");
    // One header byte a second, forever: a slow-loris.
    const drip = setInterval(() => socket.write("X"), 1000);
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      socket.on("close", () => resolve(text));
      socket.on("error", () => resolve(text));
    });
    clearInterval(drip);
    const held = performance.now() - started;
    // Node answers 408 itself; an emulator clientError handler may answer 4xx with the envelope.
    expect(answer).toMatch(/^(HTTP\/1\.1 4\d\d|$)/);
    expect(held).toBeGreaterThanOrEqual(timeout - 100);
    expect(held).toBeLessThan(timeout + check + 5_000);
  });
});
