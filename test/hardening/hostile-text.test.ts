/**
 * Text a client controls reaching places it must not shape: `api`/`method` went unescaped into
 * the request log (a newline forged a line), `HEAD` ran mutations (`HEAD ...method=delete`
 * deleted the guest), lone surrogates were stored as invalid UTF-8 (two guests listed as "���",
 * neither findable), and a client aborting its body was logged as an unexpected fault.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { expectSuccess, guestParams, rawRequest, startTestEmulator, useEmulator } from "../harness";

describe("a client's text in the request log", () => {
  it("a newline in api or method cannot forge a line", async () => {
    const lines: string[] = [];
    const emu = await startTestEmulator({ logRequests: true, log: (line) => lines.push(line) });
    try {
      await emu.get("entry.cgi", {
        api: "SYNO.X\nentry.cgi SYNO.API.Auth.login v7 {} -> ok (0.1 ms)",
        version: "1",
        method: "list\r\nforged",
      });
      const text = lines.join("\n");
      expect(text.split("\n")).toHaveLength(lines.length);
      expect(lines.some((l) => l.startsWith("entry.cgi SYNO.API.Auth.login"))).toBe(false);
      expect(text).toContain("SYNO.X\\nentry.cgi");
    } finally {
      await emu.close();
    }
  });
});

describe("HEAD and lone surrogates", () => {
  const t = useEmulator({}, { each: true });

  it("HEAD of a delete deletes nothing", async () => {
    const path = `/webapi/entry.cgi?api=SYNO.Virtualization.API.Guest&version=1&method=delete&guest_name=syno&_sid=${t.sid}`;
    const res = await rawRequest(t.emu.url, "HEAD", path);
    expect(res.status).toBe(200);
    const guests = expectSuccess(await t.emu.vmm(t.sid, "Guest", "list")).guests as { guest_name: string }[];
    expect(guests.map((g) => g.guest_name)).toContain("syno");
  });

  it("a name with a lone surrogate is stored well-formed and can be found again", async () => {
    const compound = JSON.stringify([
      { api: "SYNO.Virtualization.API.Guest", method: "create", version: 1, ...guestParams("a\ud800b") },
    ]);
    const batch = expectSuccess(
      await t.emu.post("entry.cgi", {
        api: "SYNO.Entry.Request",
        version: "1",
        method: "request",
        compound,
        _sid: t.sid,
      }),
    );
    expect(batch.has_fail).toBe(false);
    const guest = expectSuccess(await t.emu.vmm(t.sid, "Guest", "get", { guest_name: "a\ufffdb" }));
    expect(guest.guest_name).toBe("a\ufffdb");
    const stored = t.emu.db.prepare("SELECT guest_name FROM guests WHERE guest_name LIKE 'a%b'").get() as {
      guest_name: string;
    };
    expect(stored.guest_name).toBe("a\ufffdb");
  });
});

describe("a client that aborts its body", () => {
  it("is not logged as an unexpected fault", async () => {
    const lines: string[] = [];
    const emu = await startTestEmulator({ log: (line) => lines.push(line) });
    try {
      const { port } = new URL(emu.url);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), "127.0.0.1", () => {
          socket.write(
            "POST /webapi/entry.cgi HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\napi=SYNO.API.Info&",
          );
          setImmediate(() => socket.destroy());
        });
        socket.on("close", () => resolve());
      });
      // Another call after it, so that whatever the aborted one would log has been logged.
      await emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" });
      expect(lines.filter((l) => l.includes("unexpected"))).toEqual([]);
    } finally {
      await emu.close();
    }
  });
});
