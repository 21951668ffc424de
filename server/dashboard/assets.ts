/**
 * The page's script, style sheet and icon: plain files beside this module, read once, served
 * under a name carrying a hash of their content. A changed file gets a new URL, so they can be
 * cached for good (`immutable`) while the HTML that names them is never cached.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

export interface AssetUrls {
  readonly js: string;
  readonly css: string;
  readonly icon: string;
}

export const ASSET_PREFIX = "/dashboard/assets/";

const FILES = [
  { key: "js", file: "dashboard.js", type: "text/javascript; charset=utf-8" },
  { key: "css", file: "dashboard.css", type: "text/css; charset=utf-8" },
  { key: "icon", file: "favicon.svg", type: "image/svg+xml" },
] as const;

// Read-only file contents, the same for every emulator in the process: caching them is safe.
let loaded: { urls: AssetUrls; byName: ReadonlyMap<string, Asset> } | undefined;

/** The assets by served name (`dashboard.<hash>.js`), and the URL of each. */
export function loadAssets(): { urls: AssetUrls; byName: ReadonlyMap<string, Asset> } {
  if (loaded !== undefined) return loaded;
  const byName = new Map<string, Asset>();
  const urls: Record<string, string> = {};
  for (const { key, file, type } of FILES) {
    const body = readFileSync(assetUrl(file));
    const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
    const dot = file.lastIndexOf(".");
    const name = `${file.slice(0, dot)}.${hash}${file.slice(dot)}`;
    byName.set(name, { body, type });
    urls[key] = `${ASSET_PREFIX}${name}`;
  }
  loaded = { urls: { js: urls.js ?? "", css: urls.css ?? "", icon: urls.icon ?? "" }, byName };
  return loaded;
}

/**
 * A file of the assets folder beside this module; in the command's bundle (dist/server/cli.js,
 * where every module's URL is the bundle's), the `dashboard/assets` folder beside the bundle.
 */
function assetUrl(file: string): URL {
  const beside = new URL(`./assets/${file}`, import.meta.url);
  return existsSync(beside) ? beside : new URL(`./dashboard/assets/${file}`, import.meta.url);
}
