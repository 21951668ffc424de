/**
 * The composition root: builds the store, clock, tick, registry and control plane into one
 * Hono app. No module-level state: every call gets its own emulator, so tests can run many
 * side by side.
 *
 * Socket-less use (Hono's own testing style):
 *
 *   const db = openDatabase(":memory:");
 *   seedFixture(db, loadFixtureFile(DEFAULT_FIXTURE), clock.now());
 *   const app = createApp({ db, clock, config: configSchema.parse({ db: ":memory:" }) });
 *   const res = await app.fetch(new Request("http://emulator/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query"));
 *   await app.fetch(new Request("http://emulator/__admin/reset", { method: "POST" }));
 */
import { Hono } from "hono";
import { ControlPlane } from "./admin/control-plane";
import { powerRoutes } from "./admin/power";
import { redactParams } from "./admin/redact";
import { ADMIN_PREFIX, adminRoutes } from "./admin/routes";
import { registry } from "./api/registry";
import type { Clock } from "./clock";
import { type Config, durationsFor } from "./config";
import { dashboardRoutes } from "./dashboard/routes";
import { dsmResponse, errorBody } from "./dsm/envelope";
import { type Exchange, webApiRoutes } from "./dsm/http";
import type { Services } from "./dsm/registry";
import { createTick } from "./engine/tick";
import type { Db } from "./store/db";
import type { Fixture } from "./store/fixture";
import { Store } from "./store/index";

export interface AppOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly config: Config;
  /** Where faults and request lines go (default: stderr). */
  readonly log?: (line: string) => void;
  /** The fixture the control plane's reset returns to (default: the file `config.fixture` names). */
  readonly fixture?: Fixture;
  /** An image (`db.serialize()`) of the database just seeded from `fixture`, so reset need not re-seed. */
  readonly baseline?: Buffer;
}

export interface App {
  readonly hono: Hono;
  readonly services: Services;
  /** The control plane, also served over HTTP under `/__admin` unless `config.admin` is false. */
  readonly controlPlane: ControlPlane;
  /** A `fetch` handler, for socket-less use (`app.fetch(new Request(...))`). */
  readonly fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
}

export function createApp(options: AppOptions): App {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { config } = options;
  const store = new Store(options.db);
  const services: Services = {
    store,
    clock: options.clock,
    config,
    tick: createTick(store, config.sessionTimeout * 1000),
    durations: durationsFor(config.timeScale),
  };
  const controlPlane = new ControlPlane({
    services,
    db: options.db,
    fixture: options.fixture,
    baseline: options.baseline,
  });
  const onAnswer = (exchange: Exchange) => {
    controlPlane.record(exchange);
    if (config.logRequests) log(requestLine(exchange));
  };
  const hono = new Hono();
  // TEMPORARY (dashboard branch): the guest power endpoint, before the control plane's catch-all.
  if (config.admin) hono.route(ADMIN_PREFIX, powerRoutes(services, config.adminToken));
  if (config.admin) hono.route(ADMIN_PREFIX, adminRoutes(controlPlane, config.adminToken, log));
  // The dashboard at `/` (DSM serves its web UI there); with the control plane off, a plain page.
  hono.route("/", dashboardRoutes(config.admin ? controlPlane : undefined, { token: config.adminToken }));
  hono.route(
    "/",
    webApiRoutes(services, registry, {
      log,
      onAnswer,
      faults: controlPlane.faultHook,
      shutdown: controlPlane.shutdownSignal,
    }),
  );
  // Outside the CGIs DSM serves HTML; the emulator keeps to its envelope so clients fail clearly.
  hono.notFound(() => dsmResponse(errorBody(102), 404));
  hono.onError((err) => {
    log(`unexpected fault: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return dsmResponse(errorBody(100), 200);
  });
  // The env carries Node's socket (@hono/node-server), which the reset fault rule destroys.
  return { hono, services, controlPlane, fetch: (request, env) => hono.fetch(request, env) };
}

/** One line per DSM call, secrets redacted: `entry.cgi SYNO.X.get v1 {...} -> error 401 (0.4 ms) [fault f1]`. */
function requestLine({ req, answer, faultRule, transport, durationMs }: Exchange): string {
  const api = req.params.api || req.pathApi || "?";
  const outcome = answer.success ? "ok" : `error ${answer.code}`;
  const fault =
    faultRule === undefined ? "" : ` [fault ${faultRule}${transport ? ` ${transport.type}` : ""}]`;
  return `${req.cgi} ${api}.${req.params.method ?? "?"} v${req.params.version ?? "?"} ${JSON.stringify(
    redactParams(req.params),
  )} -> ${outcome} (${durationMs.toFixed(1)} ms)${fault}`;
}
