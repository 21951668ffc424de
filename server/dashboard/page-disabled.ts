/**
 * The page at `/` when the control plane is switched off (`--admin false`): it says what this
 * server is and why nothing else is shown. No state, no script, no actions: with the control
 * plane off nothing of it may leak through the dashboard.
 */
import type { AssetUrls } from "./assets";
import { type Html, html } from "./html";

export function disabledPage(assets: AssetUrls): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Synology VMM emulator</title>
<link rel="icon" href="${assets.icon}" type="image/svg+xml">
<link rel="stylesheet" href="${assets.css}">
</head>
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
