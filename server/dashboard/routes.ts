/**
 * The dashboard at `/`: one server-rendered page of the emulated cluster and of what clients did
 * to it, kept live by polling one endpoint, `GET /dashboard/live`, which answers every changing
 * section of the page, rendered, in one JSON object. Actions are made by the page's script
 * straight against the control plane (`/__admin`), with its token; this sub-app changes nothing.
 *
 * By design: every handler sets its own headers. A sub-app mounted at `/` must not use
 * middleware, which would apply to the DSM paths too (DSM's answers carry DSM's headers).
 * With the control plane off (`--admin false`, `readOnly`), `/` is a read-only page of the
 * state and journal, with no script and no actions, so a health check's `curl -f /` still succeeds.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { authorityOf, bearerMatches, foreignRequest, SECURITY_HEADERS } from "../security/browser-guard";
import { ASSET_PREFIX, loadAssets } from "./assets";
import type { Html } from "./html";
import { parseFilter, renderSections, SECTIONS } from "./live";
import { dashboardPage } from "./page";
import { disabledPage } from "./page-disabled";
import type { DashboardSource } from "./source";

export interface DashboardOptions {
  /** The control plane's admin token: the live endpoint then needs it as a bearer token too. */
  readonly token?: string;
  /** How often the page asks for fresh sections, in ms (default 1000). */
  readonly pollMs?: number;
  /** The control plane is off: `/` is a read-only page, without script or live endpoint. */
  readonly readOnly?: boolean;
}

export const LIVE_PATH = "/dashboard/live";

const NO_STORE = "no-store";
const IMMUTABLE = "public, max-age=31536000, immutable";

function answer(body: string | Buffer, type: string, cache: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": type, "Cache-Control": cache, ...SECURITY_HEADERS },
  });
}

function page(markup: Html): Response {
  return answer(markup.text, "text/html; charset=utf-8", NO_STORE);
}

function json(value: unknown, status = 200, extra: Record<string, string> = {}): Response {
  const res = answer(JSON.stringify(value), "application/json; charset=utf-8", NO_STORE, status);
  for (const [k, v] of Object.entries(extra)) res.headers.set(k, v);
  return res;
}

/** `source` is undefined when the control plane is switched off. */
export function dashboardRoutes(source: DashboardSource | undefined, options: DashboardOptions = {}): Hono {
  const app = new Hono();
  const { urls, byName } = loadAssets();
  const { token } = options;
  const pollMs = options.pollMs ?? 1000;

  app.get(`${ASSET_PREFIX}:name`, (c) => {
    const asset = byName.get(c.req.param("name"));
    return asset === undefined ? c.notFound() : answer(asset.body, asset.type, IMMUTABLE);
  });

  app.get("/", (c) => {
    if (source === undefined) return c.notFound();
    if (options.readOnly === true)
      return page(disabledPage(urls, renderSections(source, parseFilter(c.req.query()), "none")));
    // A browser never sends the token on navigation; a script or curl that does sees the state.
    const shown = token === undefined || bearerMatches(c.req.header("authorization"), token);
    const filter = parseFilter(c.req.query());
    return page(
      dashboardPage({
        assets: urls,
        sections: shown ? renderSections(source, filter, "disabled") : undefined,
        filter,
        tokenRequired: token !== undefined,
        pollMs,
      }),
    );
  });

  if (source === undefined || options.readOnly === true) return app;

  app.get(LIVE_PATH, (c) => {
    const refusal = foreign(c);
    if (refusal !== undefined) return json({ error: refusal }, 403);
    if (token !== undefined && !bearerMatches(c.req.header("authorization"), token))
      return json({ error: "this control plane needs Authorization: Bearer <admin token>" }, 401, {
        "WWW-Authenticate": 'Bearer realm="vmm-emulator-admin"',
      });
    const sections = renderSections(source, parseFilter(c.req.query()), "enabled");
    const out: Record<string, string> = {};
    for (const id of SECTIONS) out[id] = sections[id].text;
    return json({ now: source.clock().iso, sections: out });
  });
  return app;
}

function foreign(c: Context): string | undefined {
  return foreignRequest({
    fetchSite: c.req.header("sec-fetch-site"),
    origin: c.req.header("origin"),
    host: authorityOf(c.req.url),
  });
}
