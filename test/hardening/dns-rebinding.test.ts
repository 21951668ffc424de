/**
 * DNS rebinding: a page on attacker.example re-pointed at 127.0.0.1 is same-origin with the
 * emulator, but every request it sends says `Host: attacker.example`. None may log in, read the
 * control plane or change anything; the names honest clients use are answered.
 */
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { useEmulator } from "../harness";

/** A request with a Host header of our choosing (fetch does not let a caller set it). */
function withHost(
  url: string,
  path: string,
  host: string,
  method = "GET",
): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const LOGIN =
  "/webapi/auth.cgi?api=SYNO.API.Auth&version=3&method=login&account=admin&passwd=synology&format=sid";

describe("a rebinding page's Host is refused everywhere", () => {
  const t = useEmulator({}, { login: false, each: true });

  it("cannot log in: 403 in the DSM envelope, code 105, and no session is opened", async () => {
    const res = await withHost(t.emu.url, LOGIN, "attacker.example:5000");
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ success: false, error: { code: 105 } });
    expect((await t.emu.admin.state()).sessions).toBe(0);
  });

  it("cannot read the control plane, reset it, or read the dashboard", async () => {
    expect((await withHost(t.emu.url, "/__admin/state", "attacker.example")).status).toBe(403);
    await t.emu.admin.updateHost("Synology-2", { status: "inaccessible" });
    expect((await withHost(t.emu.url, "/__admin/reset", "attacker.example", "POST")).status).toBe(403);
    expect((await t.emu.admin.state()).hosts.find((h) => h.host_name === "Synology-2")?.status).toBe(
      "inaccessible",
    );
    expect((await withHost(t.emu.url, "/dashboard/live", "rebind.attacker.example")).status).toBe(403);
  });

  it.each(["127.0.0.1:5000", "localhost:5000", "[::1]:5000", "dsm:5000", "nas.localhost", "192.168.1.20"])(
    "answers an honest client's Host %s",
    async (host) => {
      const res = await withHost(t.emu.url, LOGIN, host);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).success).toBe(true);
    },
  );
});

describe("--allowed-hosts", () => {
  const t = useEmulator({ allowedHosts: ["nas.example.com"] }, { login: false });

  it("adds names, and only those", async () => {
    expect((await withHost(t.emu.url, LOGIN, "NAS.example.com:5001")).status).toBe(200);
    expect((await withHost(t.emu.url, LOGIN, "other.example.com")).status).toBe(403);
  });
});
