/**
 * The dashboard over HTTP, without a browser: `/` answers HTML in every configuration, the
 * headers that keep a foreign page out, the live endpoint's protection and bounds, and that
 * nothing secret is ever rendered.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JOURNAL_LIMIT } from "../../server/dashboard/live";
import { GUESTS, IMAGES } from "../fixture-ids";
import { rawRequest, startTestEmulator, type TestEmulator } from "../harness";

const TOKEN = "dashboard-s3cret-token";

interface Live {
  now: string;
  sections: Record<string, string>;
}

async function live(emu: TestEmulator, query = "", headers: Record<string, string> = {}) {
  const res = await fetch(`${emu.url}/dashboard/live${query}`, { headers });
  const text = await res.text();
  return { res, text, body: res.ok ? (JSON.parse(text) as Live) : undefined };
}

describe("the dashboard at /", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.admin.reset({ faults: true, journal: true }));

  it("answers 200 text/html with the fixture's guests, without JavaScript", async () => {
    const res = await fetch(`${emu.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    for (const name of ["win10", "syno", "ubuntu-web", "big-memory", "many-cpu"])
      expect(page).toContain(name);
    expect(page).toContain("VMM Pro");
  });

  it("shows the ISO image mounted in a guest's CD-ROM slot by its name", async () => {
    const sid = await emu.login();
    const mounted = await emu.get("entry.cgi", {
      api: "SYNO.Virtualization.Guest",
      version: "1",
      method: "set",
      _sid: sid,
      guest_id: GUESTS.syno.id,
      iso_images: JSON.stringify([IMAGES.iso.id, "unmounted"]),
    });
    expect(mounted.body.success).toBe(true);
    const guests = (await live(emu)).body?.sections.guests ?? "";
    const row = guests.slice(guests.indexOf(">syno<"));
    expect(row.slice(0, row.indexOf("</tr>"))).toContain(IMAGES.iso.name);
  });

  it("HEAD / answers like GET without a body (container health checks)", async () => {
    const res = await rawRequest(emu.url, "HEAD", "/");
    expect(res.status).toBe(200);
    expect(res.contentType).toBe("text/html; charset=utf-8");
    expect(res.text).toBe("");
  });

  it("sends a same-origin-only CSP, no framing, no referrer and no caching of the page", async () => {
    const res = await fetch(`${emu.url}/`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("serves its script and style under content-hashed names, cached for good; other names 404", async () => {
    const page = await (await fetch(`${emu.url}/`)).text();
    const js = /src="(\/dashboard\/assets\/dashboard\.[0-9a-f]{12}\.js)"/.exec(page)?.[1];
    const css = /href="(\/dashboard\/assets\/dashboard\.[0-9a-f]{12}\.css)"/.exec(page)?.[1];
    expect(js).toBeDefined();
    expect(css).toBeDefined();
    for (const [path, type] of [
      [js, "text/javascript; charset=utf-8"],
      [css, "text/css; charset=utf-8"],
    ]) {
      const res = await fetch(`${emu.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
    expect((await fetch(`${emu.url}/dashboard/assets/dashboard.000000000000.js`)).status).toBe(404);
  });

  it("leaves the DSM paths' headers alone (no dashboard header leaks onto /webapi)", async () => {
    const res = await fetch(`${emu.url}/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query`);
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(res.headers.get("x-frame-options")).toBeNull();
    expect((await fetch(`${emu.url}/index.html`)).status).toBe(404);
  });

  it("GET /dashboard/live answers every section rendered, and changes nothing", async () => {
    const before = await emu.admin.state();
    const { res, body } = await live(emu);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(Object.keys(body?.sections ?? {}).sort()).toEqual(
      [
        "accounts",
        "clock",
        "cluster",
        "connect",
        "faults",
        "guests",
        "hosts",
        "images",
        "journal",
        "networks",
        "snapshots",
        "storages",
        "tasks",
        "unimplemented",
      ].sort(),
    );
    expect(body?.sections.guests).toContain("ubuntu-web");
    expect(body?.now).toBe(new Date(emu.clock.now()).toISOString());
    expect(await emu.admin.state()).toEqual(before);
  });

  it(`sends at most the newest ${JOURNAL_LIMIT} journal entries, newest first`, async () => {
    const calls = Array.from({ length: JOURNAL_LIMIT + 30 }, () =>
      emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" }),
    );
    await Promise.all(calls);
    const journal = (await live(emu)).body?.sections.journal ?? "";
    const seqs = [...journal.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1]));
    expect(seqs).toHaveLength(JOURNAL_LIMIT);
    expect(seqs[0]).toBeGreaterThan(seqs[seqs.length - 1] ?? 0);
  });

  it("filters the journal by API (any part, any case) and by outcome, also in the server-rendered page", async () => {
    const sid = await emu.login();
    await emu.vmm(sid, "Guest", "list");
    await emu.vmm(sid, "Guest.Action", "poweron", { guest_name: "ubuntu-web" }); // 904
    await emu.vmm(sid, "Guest.Snapshot", "list"); // 102
    const rows = (html: string) => [...html.matchAll(/<tr class="([^"]*)" data-seq/g)].map((m) => m[1]);
    const byApi = (await live(emu, "?api=guest.action")).body?.sections.journal ?? "";
    expect(rows(byApi)).toEqual(["error"]);
    expect(byApi).toContain("error 904");
    const errors = (await live(emu, "?outcome=error")).body?.sections.journal ?? "";
    expect(rows(errors)).toEqual(["error unimplemented", "error"]);
    const missing = (await live(emu, "?outcome=unimplemented")).body?.sections.journal ?? "";
    expect(rows(missing)).toEqual(["error unimplemented"]);
    expect((await live(emu, "?code=904")).body?.sections.journal).toContain("904");
    const page = await (await fetch(`${emu.url}/?api=Snapshot`)).text();
    expect(page).toContain('value="Snapshot"');
    expect(rows(page)).toEqual(["error unimplemented"]);
  });

  it("shows passwords and sids redacted, never as sent", async () => {
    const sid = await emu.login("admin", "synology");
    await emu.vmm(sid, "Guest", "list");
    const { text } = await live(emu);
    const page = await (await fetch(`${emu.url}/`)).text();
    for (const out of [text, page]) {
      expect(out).toContain("passwd=***");
      expect(out).not.toContain("passwd=synology");
      expect(out).not.toContain(sid);
    }
  });

  it("refuses a cross-site read of /dashboard/live with 403", async () => {
    const foreign: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "http://evil.example" },
      { origin: "null" },
    ];
    for (const headers of foreign) {
      const { res, text } = await live(emu, "", headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(text).not.toContain("win10");
    }
    expect((await live(emu, "", { "sec-fetch-site": "same-origin" })).res.status).toBe(200);
    expect((await live(emu, "", { origin: emu.url })).res.status).toBe(200);
  });

  it("escapes a client's markup everywhere it is shown", async () => {
    const sid = await emu.login();
    const name = `<img src=x onerror=alert(1)>"'&`;
    await emu.vmm(sid, "Guest", "create", {
      guest_name: name,
      storage_name: "Synology - VM Storage 1",
      vdisks: JSON.stringify([{ create_type: 0, vdisk_size: 1024 }]),
      vnics: JSON.stringify([{ network_id: "" }]),
    });
    const page = await (await fetch(`${emu.url}/`)).text();
    const { body } = await live(emu);
    for (const out of [page, `${body?.sections.guests}${body?.sections.journal}`]) {
      expect(out).not.toContain("<img");
      expect(out).toContain("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;");
    }
  });
});

describe("the dashboard with an admin token", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ adminToken: TOKEN });
  });
  afterAll(() => emu.close());

  it("serves / with no state and never the token", async () => {
    const res = await fetch(`${emu.url}/`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toContain(TOKEN);
    expect(page).not.toContain("ubuntu-web");
    expect(page).toContain('data-auth="token"');
    expect(page).toContain("needs its admin token");
  });

  it("/dashboard/live needs the bearer token (401 without it or with another)", async () => {
    expect((await live(emu)).res.status).toBe(401);
    expect((await live(emu, "", { authorization: "Bearer wrong" })).res.status).toBe(401);
    expect((await live(emu, "", { authorization: TOKEN })).res.status).toBe(401);
    const ok = await live(emu, "", { authorization: `Bearer ${TOKEN}` });
    expect(ok.res.status).toBe(200);
    expect(ok.body?.sections.guests).toContain("ubuntu-web");
    expect(ok.text).not.toContain(TOKEN);
  });
});

describe("the dashboard with the control plane off (--admin false)", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ admin: false });
  });
  afterAll(() => emu.close());

  it("GET / answers 200 text/html: the state and the journal, read-only, with no script and no actions", async () => {
    await emu.login();
    const res = await fetch(`${emu.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    expect(page).toContain("--admin false");
    expect(page).toContain("read-only");
    expect(page).toContain("ubuntu-web");
    expect(page).toContain("SYNO.API.Auth");
    expect(page).not.toContain("synology"); // the login's password, redacted in the journal
    expect(page).not.toContain("<script");
    // No control-plane action: the journal's "Copy as curl" buttons stay, inert without the script.
    expect(page).not.toContain('class="action"');
    expect(page).not.toContain('data-path="/__admin');
  });

  it("has no live endpoint and no power endpoint", async () => {
    const res = await fetch(`${emu.url}/dashboard/live`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 102 }, success: false });
    const power = await fetch(`${emu.url}/__admin/guests/syno/power`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "poweron" }),
    });
    expect(power.status).toBe(404);
  });
});
