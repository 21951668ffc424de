/**
 * The journal shows whole exchanges: each entry keeps the answer's body (bounded) and headers,
 * secrets redacted as the parameters are; and the journal exported as a recording, which the
 * kit's replay plays against a target, reads first.
 */
import { Agent, request } from "undici";
import { describe, expect, it } from "vitest";
import { recordingSchema } from "../../conformance/record/recording";
import { replayJournal } from "../../conformance/record/replay-journal";
import { resolveTarget } from "../../conformance/target";
import { Journal, MAX_JOURNAL_BODY } from "../../server/control/journal";
import { expectSuccess, useEmulator } from "../harness";

describe("journal: whole exchanges", () => {
  const t = useEmulator({ httpsPort: 0 }, { reset: { journal: true }, login: false });

  it("keeps each answer's body and headers, with sids, tokens, device ids and cookies redacted", async () => {
    const login = await t.emu.get("entry.cgi", {
      api: "SYNO.API.Auth",
      version: "7",
      method: "login",
      account: "admin",
      passwd: "synology",
      format: "cookie",
      enable_syno_token: "yes",
      enable_device_token: "yes",
      device_name: "laptop",
    });
    const data = expectSuccess(login) as { sid: string; synotoken: string; did?: string };
    const list = await t.emu.vmm(data.sid, "Guest", "list");
    const [first, second] = await t.emu.admin.journal();
    expect(first?.response?.headers["Content-Type"]).toBe('application/json; charset="UTF-8"');
    expect(first?.response?.headers["Set-Cookie"]).toEqual(
      expect.arrayContaining([expect.stringMatching(/^id=\*\*\*;/)]),
    );
    const body = JSON.parse(first?.response?.body ?? "{}") as { data: Record<string, unknown> };
    expect(body.data.sid).toBe("***");
    expect(body.data.synotoken).toBe("***");
    if (data.did !== undefined) expect(body.data.did).toBe("***");
    expect(JSON.parse(second?.response?.body ?? "")).toEqual(list.body);
    const everything = JSON.stringify(await t.emu.admin.journal());
    for (const secret of [data.sid, data.synotoken, data.did, "synology"].filter((s) => s !== undefined))
      expect(everything).not.toContain(secret);
  });

  it("an answer over HTTPS keeps the HSTS header it was sent with", async () => {
    const insecure = new Agent({ connect: { rejectUnauthorized: false } });
    const res = await request(`${t.emu.httpsUrl}/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query`, {
      dispatcher: insecure,
    });
    await res.body.text();
    await insecure.close();
    const [entry] = await t.emu.admin.journal();
    expect(entry?.response?.headers["Strict-Transport-Security"]).toBe(
      res.headers["strict-transport-security"],
    );
    expect(entry?.response?.headers["Strict-Transport-Security"]).toMatch(/^max-age=/);
  });

  it(`keeps at most ${MAX_JOURNAL_BODY} characters of a body, and says how many were left out`, () => {
    const journal = new Journal(10);
    const long = `{"data":{"sid":"s3cr3t","x":"${"y".repeat(100_000)}"},"success":true}`;
    const base = {
      atMs: 0,
      cgi: "entry.cgi",
      api: "A",
      method: "m",
      version: 1,
      params: {},
      success: true,
      code: undefined,
      fault_rule: undefined,
      transport: undefined,
      duration_ms: 0,
    };
    journal.record({ ...base, body: long });
    journal.record({ ...base, body: new TextEncoder().encode(long) });
    for (const entry of journal.entries()) {
      expect(entry.response?.body.length).toBeLessThanOrEqual(MAX_JOURNAL_BODY);
      expect(entry.response?.truncated).toBeGreaterThan(80_000);
      expect(entry.response?.body).toContain('"sid":"***"');
      expect(entry.response?.body).not.toContain("s3cr3t");
    }
  });

  it("exports a recording the kit's replay reads, and replays it: reads first, changes refused at readonly", async () => {
    const sid = await t.emu.login();
    await t.emu.vmm(sid, "Guest", "list");
    await t.emu.vmm(sid, "Guest", "get", { guest_name: "win10" });
    await t.emu.vmm(sid, "Host", "list");
    await t.emu.vmm(sid, "Guest.Action", "poweron", { guest_name: "syno" });
    await t.emu.vmm(sid, "Guest", "get", { guest_name: "no-such-guest" });
    const recording = recordingSchema.parse(await t.emu.admin.journalRecording());
    expect(recording.exchanges.map((e) => `${e.api} ${e.method}`)).toEqual([
      "SYNO.Virtualization.API.Guest list",
      "SYNO.Virtualization.API.Guest get",
      "SYNO.Virtualization.API.Host list",
      "SYNO.Virtualization.API.Guest.Action poweron",
      "SYNO.Virtualization.API.Guest get",
    ]);
    expect(JSON.stringify(recording)).not.toContain(sid);

    // Against a fresh emulator at the readonly tier (as against a NAS): the reads replay and
    // match, the power-on is refused before it is sent.
    const readonly = await replayJournal(recording, resolveTarget({ VMM_CONFORMANCE_TIER: "readonly" }));
    expect(readonly.problems).toEqual([]);
    expect(readonly.replayed).toBe(4);
    expect(readonly.skipped).toEqual([
      expect.stringMatching(/^#3 SYNO.Virtualization.API.Guest.Action.poweron: refused/),
    ]);
    // At the disruptive tier everything is sent, and answers as recorded.
    const all = await replayJournal(recording, resolveTarget({}));
    expect(all).toEqual({ problems: [], skipped: [], replayed: 5 });
  });
});
