/**
 * The dashboard in a real browser: Debian's headless Chromium driven by playwright-core against
 * an in-process emulator (port 0, :memory:, a virtual clock). Nothing sleeps: every check waits
 * for a DOM condition. Skipped only when no Chromium is installed outside CI; in CI (.ci/run
 * installs it) a missing browser fails the file instead.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rawRequest, startTestEmulator, type TestEmulator } from "../harness";
import { CHROMIUM, chromiumInstalled, launchChromium } from "./browser";

const required = process.env.CI !== undefined || process.env.VMM_REQUIRE_BROWSER === "1";
const installed = chromiumInstalled();
if (!installed && !required)
  process.stderr.write(
    `test/dashboard/page.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );

const TOKEN = "page-test-token-4f1d";
const STORAGE_1 = "Synology - VM Storage 1";

interface Opened {
  readonly page: Page;
  /** Console errors, page errors and dialogs seen so far. */
  readonly problems: string[];
}

describe.skipIf(!installed && !required)("the dashboard in headless Chromium", () => {
  let browser: Browser;
  let emu: TestEmulator;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!installed)
      throw new Error(`Chromium is required here (CI) but missing at ${CHROMIUM}; .ci/run installs it`);
    [browser, emu] = await Promise.all([launchChromium(), startTestEmulator()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await emu?.close();
  });
  beforeEach(async () => {
    await emu.admin.reset({ faults: true, journal: true });
    await emu.admin.setClock({ time_scale: "realtime" });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function open(
    target: TestEmulator = emu,
    options: BrowserContextOptions = {},
    path = "/",
  ): Promise<Opened> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    contexts.push(context);
    context.setDefaultTimeout(5_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("dialog", (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${target.url}${path}`);
    return { page, problems };
  }

  const guestRow = (page: Page, name: string) =>
    page.locator("#live-guests tr", {
      has: page.locator(".guest-name", { hasText: new RegExp(`^${name}$`) }),
    });

  // Polls the DOM until the journal shows n rows (a string predicate would need eval, which the CSP forbids).
  const journalRows = (page: Page, n: number) =>
    expect.poll(() => page.locator("#live-journal tr[data-seq]").count(), { timeout: 5_000 }).toBe(n);

  /** Advances the virtual clock with the page's own form (a control-plane call). */
  const advance = async (page: Page, seconds: number) => {
    await page.getByLabel("Advance by (seconds)").fill(String(seconds));
    await page.getByRole("button", { name: "Advance", exact: true }).click();
  };

  const createGuest = async (name: string) => {
    const sid = await emu.login();
    const res = await emu.vmm(sid, "Guest", "create", {
      guest_name: name,
      storage_name: STORAGE_1,
      vdisks: JSON.stringify([{ create_type: 0, vdisk_size: 1024 }]),
      vnics: JSON.stringify([{ network_id: "" }]),
    });
    expect(res.body.success, res.text).toBe(true);
  };

  it("loads without console errors and shows the fixture's guests, hosts, storages and cluster", async () => {
    const { page, problems } = await open();
    await page.locator("#live-journal").waitFor();
    // The script ran: live updates on, action forms enabled.
    await page.locator("#live-updates").waitFor();
    expect(await page.getByRole("button", { name: "Add rule" }).isEnabled()).toBe(true);
    expect(await guestRow(page, "win10").getByRole("button", { name: "Power on" }).isEnabled()).toBe(true);
    for (const name of [
      "win10",
      "syno",
      "ubuntu-web",
      "legacy-ide",
      "lab-router",
      "db-reserved",
      "archive",
      "big-memory",
      "many-cpu",
    ])
      expect(await guestRow(page, name).count(), name).toBe(1);
    expect(await guestRow(page, "ubuntu-web").locator(".guest-status").textContent()).toBe("running");
    expect(await page.locator("#live-hosts .card").count()).toBe(3);
    expect(await page.locator("#live-hosts meter").count()).toBe(6);
    expect(await page.locator("#live-storages").textContent()).toContain("crashed");
    expect(await page.locator("#live-cluster").textContent()).toContain("VMM Pro");
    expect(problems).toEqual([]);
  });

  it("a power button, pressed from the keyboard, changes the guest's status in the page; the buttons follow the state", async () => {
    const { page, problems } = await open();
    const syno = guestRow(page, "syno");
    const power = (name: string) => syno.getByRole("button", { name, exact: true });
    // Shut down: only Power on does something.
    await expect.poll(() => power("Power on").isEnabled()).toBe(true);
    expect(await power("Shut down").isDisabled()).toBe(true);
    expect(await power("Power off").isDisabled()).toBe(true);
    await power("Power on").focus();
    await page.keyboard.press("Enter");
    await syno.locator(".guest-status", { hasText: "booting" }).waitFor();
    await page.locator("#status", { hasText: "Power on syno: done." }).waitFor();
    // Booting: it can be powered off, not on again, not shut down yet.
    await expect.poll(() => power("Power on").isDisabled()).toBe(true);
    expect(await power("Power off").isEnabled()).toBe(true);
    expect(await power("Shut down").isDisabled()).toBe(true);
    await advance(page, 3); // the boot takes 3 s on the virtual clock
    await syno.locator(".guest-status", { hasText: "running" }).waitFor();
    expect(await syno.locator("td[data-label=Host]").textContent()).toBe("Synology");
    await expect.poll(() => power("Shut down").isEnabled()).toBe(true);
    // A running guest's Power on is never offered (DSM would answer 904).
    expect(await guestRow(page, "ubuntu-web").getByRole("button", { name: "Power on" }).isDisabled()).toBe(
      true,
    );
    // The model's refusal is shown, with DSM's code.
    await guestRow(page, "many-cpu").getByRole("button", { name: "Power on" }).click();
    await page.locator("#status", { hasText: "refused (409). DSM error 9" }).waitFor();
    // A 409 is the browser's "failed to load resource"; nothing else may have gone wrong.
    expect(problems.filter((p) => !p.includes("409"))).toEqual([]);
  });

  it("shows images, networks, accounts and how to connect (URLs, HTTPS pin, the login)", async () => {
    const pinned = await startTestEmulator({ httpsPort: 0 });
    try {
      const { page, problems } = await open(pinned);
      await page.locator("#live-images .image-name", { hasText: "final" }).first().waitFor();
      expect(await page.locator("#live-images tr[data-image]").count()).toBeGreaterThan(0);
      await page.locator("#live-networks .network-name", { hasText: "Default VM Network" }).waitFor();
      await page.locator("#live-accounts .account-name", { hasText: /^admin$/ }).waitFor();
      expect(await page.locator("#live-accounts").textContent()).not.toContain("synology-pass");
      expect(await page.locator("#live-connect .connect-url").textContent()).toBe(`${pinned.url}/webapi/`);
      expect(await page.locator("#live-connect .connect-https").textContent()).toBe(
        `${pinned.httpsUrl}/webapi/`,
      );
      expect(await page.locator("#live-connect .connect-pin").textContent()).toBe(pinned.fingerprint);
      expect(await page.locator("#live-connect .connect-login").textContent()).toContain(
        '"passwd=$PASSWORD"',
      );
      expect(problems).toEqual([]);
    } finally {
      await pinned.close();
    }
  });

  it("a journal entry unfolds to its whole exchange, and copies its request as curl without secrets", async () => {
    const { page, problems } = await open();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: emu.url });
    const sid = await emu.login();
    await emu.vmm(sid, "Guest", "get", { guest_name: "win10" });
    const row = page
      .locator("#live-journal tr[data-seq]", { hasText: "SYNO.Virtualization.API.Guest" })
      .first();
    await row.waitFor();
    await row.locator("summary").click();
    await expect.poll(() => row.locator("details").getAttribute("open")).toBe("");
    expect(await row.locator(".response-body").textContent()).toContain('"guest_name":"win10"');
    expect(await row.locator(".response-headers").textContent()).toContain("Content-Type: application/json");
    await row.getByRole("button", { name: "Copy as curl" }).click();
    await page.locator("#status", { hasText: "Copied the request as curl" }).waitFor();
    const copied = String(await page.evaluate("navigator.clipboard.readText()"));
    expect(copied).toBe(await row.locator(".copy-curl").getAttribute("data-curl"));
    expect(copied).toContain(`curl -s '${emu.url}/webapi/entry.cgi'`);
    expect(copied).toContain("--data-urlencode 'guest_name=win10'");
    expect(copied).toContain('--data-urlencode "_sid=$SID"');
    expect(copied).not.toContain(sid);
    // A live refresh (the next call lands in the journal) keeps the unfolded exchange open.
    await emu.vmm(sid, "Host", "list");
    await page.locator("#live-journal tr[data-seq]", { hasText: "SYNO.Virtualization.API.Host" }).waitFor();
    expect(await row.locator("details").getAttribute("open")).toBe("");
    expect(problems).toEqual([]);
  });

  it("a task's progress bar moves when the virtual clock is advanced from the page", async () => {
    await createGuest("progress-demo"); // the clock stands still: the task is at 0 %
    const { page, problems } = await open();
    const task = page.locator("#live-tasks tr[data-task]", { hasText: "progress-demo" });
    await task.locator('progress[value="0"]').waitFor();
    await advance(page, 2);
    await task.locator('progress[value="40"]').waitFor(); // 2 s of the 5 s a guest create takes
    expect(await task.locator(".progress-text").textContent()).toBe("40 %");
    expect(await task.locator(".badge").textContent()).toBe("running");
    await advance(page, 3);
    await task.locator(".badge", { hasText: "finished" }).waitFor();
    expect(await task.locator("progress").getAttribute("value")).toBe("100");
    expect(await guestRow(page, "progress-demo").locator(".guest-status").textContent()).toBe("shutdown");
    expect(problems).toEqual([]);
  });

  it("a DSM call made from outside (as curl sends it) appears in the journal; missing APIs are highlighted", async () => {
    const { page, problems } = await open();
    const missing = await rawRequest(
      emu.url,
      "GET",
      "/webapi/entry.cgi?api=SYNO.Virtualization.API.Guest.Snapshot&version=1&method=list&guest_name=win10",
      { headers: { "user-agent": "curl/8.5.0", accept: "*/*" } },
    );
    expect(missing.status).toBe(200);
    // A login: its password must appear redacted.
    await rawRequest(
      emu.url,
      "GET",
      "/webapi/auth.cgi?api=SYNO.API.Auth&version=3&method=login&account=admin&passwd=synology&format=sid",
    );
    const row = page.locator("#live-journal tr.unimplemented", {
      hasText: "SYNO.Virtualization.API.Guest.Snapshot",
    });
    await row.waitFor();
    expect(await row.textContent()).toContain("error 102");
    expect(await row.locator(".badge", { hasText: "not emulated" }).count()).toBe(1);
    expect(await row.textContent()).toContain("guest_name=win10");
    await page
      .locator("#live-unimplemented", { hasText: "SYNO.Virtualization.API.Guest.Snapshot" })
      .waitFor();
    const login = page.locator("#live-journal tr", { hasText: "SYNO.API.Auth" });
    await login.waitFor();
    expect(await login.textContent()).toContain("passwd=***");
    expect(await page.content()).not.toContain("passwd=synology");
    expect(problems).toEqual([]);
  });

  it("the journal filters narrow the view by API and by error, and keep the filter in the address", async () => {
    const sid = await emu.login();
    await emu.vmm(sid, "Guest", "list");
    await emu.vmm(sid, "Guest.Action", "poweron", { guest_name: "ubuntu-web" }); // 904
    await emu.vmm(sid, "Guest.Snapshot", "list"); // 102
    const { page, problems } = await open();
    const rows = page.locator("#live-journal tr[data-seq]");
    await page.getByLabel("API contains").fill("guest.action");
    await journalRows(page, 1);
    expect(await rows.first().textContent()).toContain("error 904");
    expect(page.url()).toContain("api=guest.action");
    await page.getByLabel("API contains").fill("");
    await page.getByLabel("Show").selectOption("unimplemented");
    await journalRows(page, 1);
    await page.locator("#live-journal tr.unimplemented[data-seq]").waitFor();
    await page.getByLabel("Show").selectOption("error");
    await journalRows(page, 2);
    await page.getByLabel("Error code").fill("999");
    await page.locator("#live-journal", { hasText: "No call matches the filter." }).waitFor();
    expect(problems).toEqual([]);
  });

  it("fault rules, the time scale, snapshots and reset work from the page's forms", async () => {
    const { page, problems } = await open();
    // A rule the control plane refuses: its message, naming the field, is shown.
    await page.getByLabel("API", { exact: true }).fill("SYNO.DSM.Info");
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.locator("#status", { hasText: "refused (400)" }).waitFor();
    expect(await page.locator("#status").textContent()).toContain("code");
    await page.getByLabel("Code", { exact: true }).fill("402");
    await page.getByLabel("Times").fill("2");
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.locator("#live-faults .rule", { hasText: "SYNO.DSM.Info" }).waitFor();
    expect(await emu.admin.faults()).toMatchObject([
      { match: { api: "SYNO.DSM.Info" }, action: { type: "error", code: 402 }, times: 2 },
    ]);
    await page.locator("#live-faults .rule").getByRole("button", { name: "Remove" }).click();
    await page.locator("#live-faults", { hasText: "No fault rules" }).waitFor();

    await page.getByLabel("Time scale").selectOption("instant");
    await page.getByRole("button", { name: "Set scale" }).click();
    await page.locator("#live-clock .clock-scale", { hasText: "instant" }).waitFor();
    await page.getByLabel("Time scale").selectOption("realtime");
    await page.getByRole("button", { name: "Set scale" }).click();
    await page.locator("#live-clock .clock-scale", { hasText: "realtime" }).waitFor();

    await page.getByLabel("Snapshot name").fill("clean");
    await page.getByRole("button", { name: "Take snapshot" }).click();
    await page.locator("#live-snapshots li", { hasText: "clean" }).waitFor();
    await guestRow(page, "syno").getByRole("button", { name: "Power on" }).click();
    await guestRow(page, "syno").locator(".guest-status", { hasText: "booting" }).waitFor();
    await page.locator("#live-snapshots li").getByRole("button", { name: "Restore" }).click();
    await guestRow(page, "syno").locator(".guest-status", { hasText: "shutdown" }).waitFor();
    await guestRow(page, "ubuntu-web").getByRole("button", { name: "Power off" }).click();
    await guestRow(page, "ubuntu-web").locator(".guest-status", { hasText: "shutdown" }).waitFor();
    await page.getByRole("button", { name: "Reset to the fixture" }).click();
    await guestRow(page, "ubuntu-web").locator(".guest-status", { hasText: "running" }).waitFor();
    await page.locator("#live-snapshots li").getByRole("button", { name: "Delete" }).click();
    await page.locator("#live-snapshots", { hasText: "No snapshots." }).waitFor();
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
  });

  it("escapes a guest named <img src=x onerror=alert(1)>, in the first view and in live updates", async () => {
    const name = "<img src=x onerror=alert(1)>";
    const { page, problems } = await open();
    await createGuest(name); // after the page loaded: it arrives through a live refresh
    await page.locator("#live-guests .guest-name", { hasText: name }).waitFor();
    await page.locator("#live-journal .params", { hasText: name }).waitFor();
    expect(await page.locator("img").count()).toBe(0);
    await page.reload();
    await page.locator("#live-guests .guest-name", { hasText: name }).waitFor();
    expect(await page.locator("img").count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("reads without JavaScript (actions disabled, filter still works) and fits a phone's width", async () => {
    const plain = await open(emu, { javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    expect(await guestRow(plain.page, "win10").count()).toBe(1);
    // Every action needs the script, so without it every action button is disabled.
    expect(await plain.page.getByRole("button", { name: "Add rule" }).isDisabled()).toBe(true);
    const power = plain.page.locator("#live-guests button");
    expect(await power.count()).toBe(27);
    for (const button of await power.all()) expect(await button.isDisabled()).toBe(true);
    await emu.get("query.cgi", { api: "SYNO.API.Info", version: "1", method: "query" });
    await emu.vmm(await emu.login(), "Guest.Snapshot", "list");
    await plain.page.getByLabel("Show").selectOption("unimplemented");
    await plain.page.getByRole("button", { name: "Filter" }).click();
    await plain.page.waitForURL(/outcome=unimplemented/);
    expect(await plain.page.locator("#live-journal tr[data-seq]").count()).toBe(1);

    const phone = await open(emu, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await phone.page.locator("#live-updates").waitFor();
    const overflow = await phone.page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    // Tables become one labelled card per row: the Status label is drawn beside the value.
    const label = await phone.page.evaluate(
      `getComputedStyle(document.querySelector("#live-guests td[data-label=Status]"), "::before").content`,
    );
    expect(label).toBe('"Status"');
    expect([...plain.problems, ...phone.problems]).toEqual([]);
  });

  describe("with an admin token", () => {
    let locked: TestEmulator;
    beforeAll(async () => {
      locked = await startTestEmulator({ adminToken: TOKEN });
    });
    afterAll(() => locked?.close());

    it("shows nothing of the cluster before the token, fails actions cleanly, and unlocks with the token", async () => {
      const { page, problems } = await open(locked);
      await page.locator("#live-guests .locked").waitFor();
      expect(await page.content()).not.toContain("ubuntu-web");
      await page.getByRole("button", { name: "Reset to the fixture" }).click();
      await page.locator("#status", { hasText: "needs its admin token (401)" }).waitFor();

      await page.getByLabel("Admin token").fill("not-the-token");
      await page.getByRole("button", { name: "Use token" }).click();
      await page.locator("#token-state", { hasText: "Token refused." }).waitFor();
      expect(await page.content()).not.toContain("ubuntu-web");

      await page.getByLabel("Admin token").fill(TOKEN);
      await page.getByRole("button", { name: "Use token" }).click();
      await guestRow(page, "ubuntu-web").waitFor();
      await guestRow(page, "syno").getByRole("button", { name: "Power on" }).click();
      await guestRow(page, "syno").locator(".guest-status", { hasText: "booting" }).waitFor();
      // The token is kept for the tab, never written into the page.
      expect(await page.content()).not.toContain(TOKEN);

      await page.getByRole("button", { name: "Forget token" }).click();
      await page.locator("#live-guests .locked").waitFor();
      expect(await page.content()).not.toContain("ubuntu-web");
      // The only errors are the browser's reports of the refused (401) calls.
      expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
      expect(problems.length).toBeGreaterThan(0);
    });
  });
});
