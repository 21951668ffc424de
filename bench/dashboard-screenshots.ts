/**
 * Takes the README's screenshots of the dashboard (docs/dashboard-desktop.png, 1280 px wide,
 * and docs/dashboard-narrow.png, 390 px wide) against the default fixture, after a few DSM calls
 * so that every section has something to show: a running task, an error, a call the emulator
 * does not implement, a fault rule's answer, a snapshot. Time is virtual, so every run shows
 * the same instant.
 *
 *   npx tsx bench/dashboard-screenshots.ts
 */
import { fileURLToPath } from "node:url";
import { VirtualClock } from "../server/clock";
import { startEmulator } from "../server/emulator";
import { launchChromium } from "../test/dashboard/browser";
import { getJson, login, vmm } from "../test/support/client";

const DOCS = fileURLToPath(new URL("../docs/", import.meta.url));
const VMM = "SYNO.Virtualization.API";

const clock = new VirtualClock(Date.UTC(2026, 0, 12, 9, 30, 0));
const emu = await startEmulator({ clock, db: ":memory:", port: 0, timeScale: "realtime", log: () => {} });

try {
  const sid = await login(emu.url);
  const call = (api: string, method: string, params: Record<string, string> = {}) =>
    vmm(emu.url, sid, api, method, params);

  await getJson(
    `${emu.url}/webapi/entry.cgi?${new URLSearchParams({ api: "SYNO.DSM.Info", version: "2", method: "getinfo", _sid: sid })}`,
  );
  await call("Host", "list");
  await call("Guest", "list", { additional: "true" });
  await call("Guest.Action", "poweron", { guest_name: "syno" });
  await call("Guest.Action", "poweron", { guest_name: "ubuntu-web" }); // 904: already running
  await call("Guest.Action", "poweron", { guest_name: "big-memory" }); // 900: no host fits
  await call("Guest.Snapshot", "list", { guest_name: "win10" }); // 102: not emulated
  await call("Guest", "reboot", { guest_name: "win10" }); // 103: no such method
  await emu.admin.addFault({
    match: { api: `${VMM}.Guest`, method: "delete", target: "win10" },
    action: { type: "error", code: 402 },
    times: 1,
  });
  await call("Guest", "delete", { guest_name: "win10" }); // the rule answers 402
  await call("Guest", "create", {
    guest_name: "web-2",
    storage_name: "Synology - VM Storage 1",
    vdisks: JSON.stringify([{ create_type: 0, vdisk_size: 20480 }]),
    vnics: JSON.stringify([{ network_id: "" }]),
  });
  await emu.admin.createSnapshot("before-upgrade");
  await emu.admin.addFault({ match: { method: "create" }, action: { type: "task_stuck", at_progress: 80 } });
  clock.advance(2_000); // the create task is at 40 %; syno is still booting (3 s)
  await call("Task.Info", "list");

  const browser = await launchChromium();
  try {
    // The desktop shot is the whole page; the narrow one is one phone screen from the guests on,
    // where the tables have become cards (the whole page would be a 9,000 px strip).
    for (const [name, width, height, from] of [
      ["desktop", 1280, 800, undefined],
      ["narrow", 390, 844, "#guests"],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
      await page.goto(emu.url);
      // The script's first refresh has enabled the buttons.
      await page.locator("#live-guests button:not([disabled])").first().waitFor();
      if (from !== undefined) await page.locator(from).evaluate((el) => el.scrollIntoView());
      const path = `${DOCS}dashboard-${name}.png`;
      await page.screenshot({ path, fullPage: from === undefined });
      await page.close();
      process.stdout.write(`wrote ${path}\n`);
    }
  } finally {
    await browser.close();
  }
} finally {
  await emu.close();
}
