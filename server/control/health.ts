/**
 * What a harness asks first: is the emulator up, which version, for how long, and how much it
 * holds (`GET /__admin/health`); and which control-plane routes there are (`GET /__admin`, as
 * WireMock's and LocalStack's admin roots list theirs). `GET /health` outside the control plane
 * answers the first part only (no counts), whether or not the control plane is served.
 *
 * Uptime is the process's wall time since the app was built, not the emulated clock (which a
 * test may have moved by days).
 */
import { packageVersion } from "../config";
import type { Store } from "../store/index";

export interface Liveness {
  status: "ok";
  version: string;
  uptime_seconds: number;
}

/** The liveness of an app built at `startedAt` (a `performance.now()` reading). */
export function liveness(startedAt: number): Liveness {
  return {
    status: "ok",
    version: packageVersion(),
    uptime_seconds: Math.round((performance.now() - startedAt) / 1000),
  };
}

/** Counts of what the emulated NAS holds, cheap enough to poll. */
export function counts(store: Store, journal: number, faults: number) {
  return {
    hosts: store.inventory.hosts().length,
    storages: store.inventory.storages().length,
    guests: store.guests.list().length,
    tasks: store.tasks.all().length,
    sessions: store.accounts.sessionCount(),
    journal,
    faults,
  };
}

/** The routes of a Hono app as `METHOD /path` lines, middleware and the catch-all left out. */
export function routeIndex(routes: readonly { method: string; path: string }[], prefix: string): string[] {
  const seen = new Set<string>();
  for (const { method, path } of routes) {
    if (method === "ALL" || path.endsWith("*")) continue;
    seen.add(`${method} ${prefix}${path === "/" ? "" : path}`);
  }
  return [...seen];
}
