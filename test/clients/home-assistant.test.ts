/**
 * Home Assistant's library (py-synologydsm-api) driving VMM, and the hass-synovmm integration's
 * poll, replayed request by request as they send them (docs/clients.md): discovery with no
 * `query`, a device-token login, DSM.Info, the internal Guest list and pwr_ctl (POSTs carrying
 * every parameter in query and body, `mimeType` in the body); hass-synovmm's public Guest list,
 * its Entry.Request compound of public get, internal usb_list and get_setting, and Cluster
 * get_guest; over HTTPS with `verify_ssl: false`.
 */
import { Agent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { GUESTS } from "../fixture-ids";
import { useEmulator } from "../harness";
import { form, send } from "../support/dsm7";

describe("Home Assistant, over HTTPS", () => {
  const t = useEmulator({ httpsPort: 0, timeScale: "instant" });
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  afterAll(() => agent.close());
  const base = () => `${t.emu.httpsUrl}/webapi`;

  async function login() {
    const info = await send(agent, `${base()}/query.cgi?api=SYNO.API.Info&version=1&method=query`);
    const apis = info.body.data as Record<string, { path: string; maxVersion: number }>;
    // The library refuses any API Info does not list: every one it will call must be there.
    for (const api of [
      "SYNO.API.Auth",
      "SYNO.DSM.Info",
      "SYNO.Virtualization.Guest",
      "SYNO.Virtualization.Guest.Action",
      "SYNO.Entry.Request",
      "SYNO.Virtualization.Cluster",
    ])
      expect(apis[api], api).toBeDefined();
    const res = await send(
      agent,
      `${base()}/entry.cgi?account=admin&passwd=synology&enable_device_token=yes&device_name=homeassistant&api=SYNO.API.Auth&version=7&method=login`,
    );
    const data = res.body.data as { sid: string; synotoken: string };
    await send(
      agent,
      `${base()}/entry.cgi?api=SYNO.DSM.Info&version=2&method=getinfo&_sid=${data.sid}&SynoToken=${data.synotoken}`,
    );
    return { ...data, apis };
  }

  /** The library's POST: the same parameters in the query and the body, `mimeType` in the body only. */
  const post = (params: Record<string, string>) =>
    send(agent, `${base()}/entry.cgi?${new URLSearchParams(params)}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form({ ...params, mimeType: "application/json" }),
    });

  it("py-synologydsm-api: internal Guest list (the nine keys it reads) and pwr_ctl", async () => {
    const { sid, synotoken, apis } = await login();
    const list = await send(
      agent,
      `${base()}/entry.cgi?api=SYNO.Virtualization.Guest&version=${apis["SYNO.Virtualization.Guest"]?.maxVersion}&method=list&_sid=${sid}&SynoToken=${synotoken}`,
    );
    const guests = list.body.data?.guests as Record<string, unknown>[];
    for (const g of guests)
      for (const key of [
        "autorun",
        "desc",
        "guest_id",
        "name",
        "status",
        "vcpu_usage",
        "ram_used",
        "vcpu_num",
        "vram_size",
      ])
        expect(g, key).toHaveProperty(key);
    const power = (action: string) =>
      post({
        guest_id: GUESTS.syno.id,
        action,
        api: "SYNO.Virtualization.Guest.Action",
        version: "1",
        method: "pwr_ctl",
        _sid: sid,
        SynoToken: synotoken,
      });
    expect((await power("poweron")).body).toEqual({ success: true });
    expect((await power("reboot")).body).toEqual({ success: true });
    expect((await power("shutdown")).body).toEqual({ success: true });
    expect((await power("shutdown")).body).toEqual({ error: { code: 903 }, success: false });
  });

  it("hass-synovmm: a poll of public list, the compound per guest, and Cluster get_guest", async () => {
    const { sid, synotoken } = await login();
    const listed = await post({
      api: "SYNO.Virtualization.API.Guest",
      version: "1",
      method: "list",
      _sid: sid,
      SynoToken: synotoken,
    });
    const ids = ((listed.body.data?.guests ?? []) as { guest_id: string }[]).map((g) => g.guest_id);
    expect(ids).toContain(GUESTS.syno.id);
    for (const id of ids.slice(0, 3)) {
      // Python's json.dumps, versions as numbers, no mode and no stop_when_error.
      const compound = `[{"api": "SYNO.Virtualization.API.Guest", "method": "get", "version": 1, "guest_id": "${id}"}, {"api": "SYNO.Virtualization.Guest", "method": "usb_list", "version": 1}, {"api": "SYNO.Virtualization.Guest", "method": "get_setting", "version": 1, "guest_id": "${id}"}]`;
      const res = await post({
        version: "2",
        compound,
        api: "SYNO.Entry.Request",
        method: "request",
        _sid: sid,
        SynoToken: synotoken,
      });
      const data = res.body.data as { has_fail: boolean; result: { data: Record<string, unknown> }[] };
      expect(data.has_fail).toBe(false);
      // What the integration merges, in order: it needs guest_name, and usb_list's usbs are a list.
      const infos: Record<string, unknown> = {};
      for (const r of data.result) {
        if (infos.usbs !== undefined) infos.usb_list = infos.usbs;
        Object.assign(infos, r.data);
      }
      expect(infos.guest_name).toEqual(expect.any(String));
      expect(infos.usb_list).toEqual([]);
    }
    const stats = await post({
      api: "SYNO.Virtualization.Cluster",
      version: "2",
      method: "get_guest",
      _sid: sid,
      SynoToken: synotoken,
    });
    const byId = new Map(
      ((stats.body.data?.guests ?? []) as { id: string; cpu_usage: number; ram_usage: number }[]).map((g) => [
        g.id,
        g,
      ]),
    );
    for (const id of ids)
      expect(byId.get(id), id).toMatchObject({
        cpu_usage: expect.any(Number),
        ram_usage: expect.any(Number),
      });
  });
});
