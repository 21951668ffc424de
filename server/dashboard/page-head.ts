/** The head both dashboard documents share: character set, viewport, title, icon, stylesheet. */
import type { AssetUrls } from "./assets";
import { type Html, html } from "./html";

export function documentHead(assets: AssetUrls, title: string, extra: Html | string = ""): Html {
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${extra}<title>${title}</title>
<link rel="icon" href="${assets.icon}" type="image/svg+xml">
<link rel="stylesheet" href="${assets.css}">
</head>`;
}
