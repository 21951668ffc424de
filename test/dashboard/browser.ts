/**
 * Headless Chromium for the dashboard's tests and screenshots: Debian's /usr/bin/chromium driven
 * by playwright-core (no downloaded browser). Without the background-networking flags Chromium
 * keeps trying to reach Google's services, which fail on a closed network and slow it down.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

/**
 * A fresh browser: playwright gives every launch its own temporary profile. A launch normally
 * takes well under a second, but on a busy machine one was seen never to answer playwright's
 * handshake: each attempt gets `timeoutMs`, and a second attempt follows a timed-out first.
 */
export async function launchChromium(timeoutMs = 25_000): Promise<Browser> {
  const launch = () =>
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: timeoutMs });
  try {
    return await launch();
  } catch (err) {
    process.stderr.write(
      `Chromium did not start (${(err as Error).message.split("\n")[0]}); trying once more\n`,
    );
    return launch();
  }
}
