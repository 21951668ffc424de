/**
 * What a web page in a browser can send to the control plane, and that none of it changes
 * state: a form or text/plain post (the requests a page may send cross-site without a
 * preflight), anything a browser marks as another site's (`Sec-Fetch-Site`, `Origin`).
 */
import { describe, expect, it } from "vitest";
import { useEmulator } from "../harness";

describe("the control plane refuses what a foreign web page can send", () => {
  const t = useEmulator({}, { login: false, each: true });

  const hostStatus = async () =>
    (await t.emu.admin.state()).hosts.find((h) => h.host_name === "Synology-2")?.status;
  const patchHost = (headers: Record<string, string>, body = '{"status":"inaccessible"}') =>
    fetch(`${t.emu.url}/__admin/hosts/Synology-2`, { method: "PATCH", headers, body });

  it("a form post, a text/plain post and a multipart post answer 415 and change nothing", async () => {
    for (const type of [
      "application/x-www-form-urlencoded",
      "text/plain;charset=UTF-8",
      "multipart/form-data; boundary=x",
    ]) {
      const res = await patchHost({ "content-type": type });
      expect(res.status, type).toBe(415);
    }
    expect(await hostStatus()).toBe("running");
  });

  it("a request another site's page sends answers 403, with JSON too, and changes nothing", async () => {
    const cross = await patchHost({ "content-type": "application/json", "sec-fetch-site": "cross-site" });
    expect(cross.status).toBe(403);
    const origin = await patchHost({ "content-type": "application/json", origin: "http://evil.example" });
    expect(origin.status).toBe(403);
    const opaque = await fetch(`${t.emu.url}/__admin/reset`, { method: "POST", headers: { origin: "null" } });
    expect(opaque.status).toBe(403);
    expect(await hostStatus()).toBe("running");
  });

  it("reading the state from another site's page answers 403", async () => {
    const res = await fetch(`${t.emu.url}/__admin/state`, { headers: { "sec-fetch-site": "cross-site" } });
    expect(res.status).toBe(403);
  });

  it("the same site's JSON, or a tool that sends no browser headers, is served", async () => {
    const same = await patchHost({
      "content-type": "application/json",
      "sec-fetch-site": "same-origin",
      origin: t.emu.url,
    });
    expect(same.status).toBe(200);
    expect(await hostStatus()).toBe("inaccessible");
    const tool = await fetch(`${t.emu.url}/__admin/reset`, { method: "POST" });
    expect(tool.status).toBe(200);
    expect(await hostStatus()).toBe("running");
  });
});
