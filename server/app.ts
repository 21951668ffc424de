/**
 * The composition root: builds the store, clock, tick and registry into one Hono app.
 * No module-level state: every call gets its own emulator, so tests can run many side by side.
 */
import { Hono } from "hono";
import { registry } from "./api/registry";
import type { Clock } from "./clock";
import { type Config, durationsFor } from "./config";
import { dsmResponse, errorBody } from "./dsm/envelope";
import { webApiRoutes } from "./dsm/http";
import type { Services } from "./dsm/registry";
import { createTick } from "./engine/tick";
import type { Db } from "./store/db";
import { Store } from "./store/index";

export interface AppOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly config: Config;
  /** Where faults and request lines go (default: stderr). */
  readonly log?: (line: string) => void;
}

export interface App {
  readonly hono: Hono;
  readonly services: Services;
  /** A `fetch` handler, for socket-less use (`app.fetch(new Request(...))`). */
  readonly fetch: (request: Request) => Response | Promise<Response>;
}

export function createApp(options: AppOptions): App {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const store = new Store(options.db);
  const services: Services = {
    store,
    clock: options.clock,
    config: options.config,
    tick: createTick(store, options.config.sessionTimeout * 1000),
    durations: durationsFor(options.config.timeScale),
  };
  const hono = new Hono();
  hono.route("/", webApiRoutes(services, registry, { log }));
  // Outside the CGIs DSM serves HTML; the emulator keeps to its envelope so clients fail clearly.
  hono.notFound(() => dsmResponse(errorBody(102), 404));
  hono.onError((err) => {
    log(`unexpected fault: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return dsmResponse(errorBody(100), 200);
  });
  return { hono, services, fetch: (request) => hono.fetch(request) };
}
