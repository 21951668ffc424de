/**
 * The page at `/` when the control plane is switched off (`--admin false`): it says what this
 * server is and why nothing else is shown. No state, no script, no actions: with the control
 * plane off nothing of it may leak through the dashboard.
 */
import type { AssetUrls } from "./assets";
import { type Html, html } from "./html";
import { documentHead } from "./page-head";

export function disabledPage(assets: AssetUrls): Html {
  return html`<!doctype html>
<html lang="en">
${documentHead(assets, "Synology VMM emulator")}
<body>
<header class="top"><h1>Synology VMM emulator</h1></header>
<main id="main">
<section class="panel">
<h2>The control plane is switched off</h2>
<p>This emulator was started with <code>--admin false</code>, so this page shows nothing of the emulated cluster and offers no actions.</p>
<p>The DSM WebAPI answers under <code>/webapi/</code> (<code>query.cgi</code>, <code>auth.cgi</code>, <code>entry.cgi</code>).</p>
</section>
</main>
</body>
</html>`;
}
