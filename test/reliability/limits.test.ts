/**
 * Abuse limits (server/limits.ts): what a buggy or hostile client can make the emulator hold.
 * Bodies and heads over the limits are refused at the HTTP level; the journal and the task
 * history stay bounded. Slow clients are cut off after a wall-clock timeout, so that test is in
 * test/soak/slow-clients.soak.ts (npm run soak).
 */
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../server/wire/limits";
import { STORAGES } from "../fixture-ids";
import { expectSuccess, rawRequest, useEmulator } from "../harness";

const info = "api=SYNO.API.Info&version=1&method=query&query=SYNO.API.Auth";

describe("request size limits", () => {
  const t = useEmulator();

  it("a form body just under the limit is read and answered", async () => {
    const body = `${info}&junk=`;
    const res = await rawRequest(t.emu.url, "POST", "/webapi/entry.cgi", {
      body: `${body}${"x".repeat(MAX_BODY_BYTES - body.length)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ success: true });
  });

  it("a body over the limit answers HTTP 413 with DSM's envelope (code 101)", async () => {
    const res = await rawRequest(t.emu.url, "POST", "/webapi/entry.cgi", {
      body: `${info}&junk=${"x".repeat(MAX_BODY_BYTES)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(413);
    expect(res.contentType).toBe('application/json; charset="UTF-8"');
    expect(JSON.parse(res.text)).toEqual({ error: { code: 101 }, success: false });
  });

  it("a chunked body (no Content-Length) over the limit is refused without being read whole", async () => {
    const res = await rawRequest(t.emu.url, "POST", "/webapi/entry.cgi", {
      body: `${info}&junk=${"x".repeat(MAX_BODY_BYTES + 1)}`,
      headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toEqual({ error: { code: 101 }, success: false });
  });

  it("a request head over 16 KiB is refused with 431 before the app reads it", async () => {
    const res = await rawRequest(t.emu.url, "GET", `/webapi/query.cgi?${info}&junk=${"x".repeat(20_000)}`);
    expect(res.status).toBe(431);
  });

  it("the server still answers after all of the above", async () => {
    expectSuccess(await t.emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" }));
  });
});

describe("bounded history", () => {
  // No admin login: the journal test counts every call.
  const t = useEmulator({}, { each: true, login: false });

  it("the journal keeps the last journalSize calls, whatever a client sends", async () => {
    const emu = await t.start({ journalSize: 25 });
    for (let i = 0; i < 60; i++)
      await emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query", n: String(i) });
    const res = await fetch(`${emu.url}/__admin/journal`);
    const { entries } = (await res.json()) as { entries: { seq: number }[] };
    expect(entries).toHaveLength(25);
    expect(entries.at(-1)?.seq).toBe(60);
  });

  it("a finished task is forgotten a minute after it ended, even when nobody reads it", async () => {
    const { emu } = t;
    const sid = await emu.login();
    const created = expectSuccess(
      await emu.vmm(sid, "Guest", "create", {
        guest_name: "short-lived",
        storage_id: STORAGES.first.id,
        vdisks: JSON.stringify([{ create_type: 0, vdisk_size: 1024 }]),
        vnics: "[]",
        auto_clean_task: "false",
      }),
    );
    emu.clock.advance(10_000);
    const list = async () => expectSuccess(await emu.vmm(sid, "Task.Info", "list")).task_ids;
    expect(await list()).toContain(created.task_id);
    emu.clock.advance(61_000);
    expect(await list()).not.toContain(created.task_id);
  });
});
