/**
 * The composition root: builds the store, the pace of work, the tick, the dispatcher's
 * environment and the control plane into one Hono app. No module-level state: every call gets
 * its own emulator, so tests can run many side by side.
 *
 * Socket-less use (Hono's own testing style):
 *
 *   const config = configSchema.parse({ db: ":memory:" });
 *   const app = createApp({ ...openState(config, clock), clock, config });
 *   const res = await app.fetch(new Request("http://emulator/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query"));
 *   await app.fetch(new Request("http://emulator/__admin/reset", { method: "POST" }));
 */
import { Hono } from "hono";
import { OPERATIONS } from "./api/index";
import type { Clock } from "./clock";
import type { Config } from "./config";
import { ControlPlane } from "./control/control-plane";
import { liveness } from "./control/health";
import { MAX_JOURNAL_VALUE } from "./control/journal";
import { redactParams } from "./control/redact";
import { ADMIN_PREFIX, controlRoutes } from "./control/routes";
import { dashboardRoutes } from "./dashboard/routes";
import type { Fixture } from "./fixture";
import { Pace } from "./model/pace";
import { Tick } from "./model/tick";
import { hostCheck } from "./security/host-guard";
import { processLoginKey } from "./security/login-encryption";
import { newResponderKey } from "./security/noise";
import type { Db } from "./store/db";
import { Store } from "./store/index";
import type { DispatchEnv } from "./wire/dispatcher";
import { dsmResponse, errorBody } from "./wire/envelope";
import { clientLeft } from "./wire/errors";
import { type Exchange, headerOf, webApiRoutes } from "./wire/http";
import { bodyDeadline, DEFAULT_LIMITS, type WireLimits } from "./wire/limits";
import type { Keys } from "./wire/operation";
import { printable } from "./wire/printable";

export interface AppOptions {
  readonly db: Db;
  /** The store over `db`, when the caller already built one (startEmulator does). */
  readonly store?: Store | undefined;
  readonly clock: Clock;
  readonly config: Config;
  /** Where faults and request lines go (default: stderr). */
  readonly log?: ((line: string) => void) | undefined;
  /** The fixture the control plane's reset returns to (default: the file `config.fixture` names). */
  readonly fixture?: Fixture | undefined;
  /** An image (`imageOf(db)`) of the database just seeded from `fixture`, so reset need not re-seed. */
  readonly baseline?: Buffer | undefined;
  /** The Noise and RSA login keys (default: a new Noise key, and the process's RSA key). */
  readonly keys?: Keys | undefined;
  /** Body deadlines (default: wire/limits.ts's). */
  readonly limits?: WireLimits | undefined;
}

export interface App {
  readonly hono: Hono;
  readonly store: Store;
  readonly env: DispatchEnv;
  /** The control plane, also served over HTTP under `/__admin` unless `config.admin` is false. */
  readonly controlPlane: ControlPlane;
  /** A `fetch` handler, for socket-less use (`app.fetch(new Request(...))`). */
  readonly fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
}

export function createApp(options: AppOptions): App {
  const { config, clock } = options;
  const write = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // `--log-format json`: one object a line, with its wall-clock time (not the emulated clock's).
  const emit = (event: Record<string, unknown>, text: string) =>
    write(config.logFormat === "json" ? JSON.stringify({ time: new Date().toISOString(), ...event }) : text);
  const log = (line: string) => emit({ event: "log", message: line }, line);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const store = options.store ?? new Store(options.db);
  const pace = new Pace(config.timeScale);
  const tick = new Tick(store, config.sessionTimeout * 1000);
  // Both keys are made on first use: the Noise key (X25519, about a millisecond, most of a fresh
  // in-process start otherwise) when a client first asks for UIConfig or logs in with Noise; the
  // RSA key (about a second of a worker thread) likewise, and the CLI warms it at start.
  let noise: Keys["noise"] | undefined;
  const keys: Keys = options.keys ?? {
    get noise() {
      noise ??= newResponderKey();
      return noise;
    },
    get login() {
      return processLoginKey();
    },
  };
  const env: DispatchEnv = { store, clock, config, pace, tick, keys, operations: OPERATIONS };
  const controlPlane = new ControlPlane({
    store,
    clock,
    config,
    pace,
    tick,
    fixture: options.fixture,
    baseline: options.baseline,
  });
  const onAnswer = (exchange: Exchange) => {
    controlPlane.record(exchange);
    if (config.logRequests) emit(requestRecord(exchange), requestLine(exchange));
  };
  const hono = new Hono();
  const hostAllowed = hostCheck(config.host, config.allowedHosts);
  hono.use("*", async (c, next) => {
    // Node's own header (not Hono's `c.req.header()`, which builds a whole Headers object for
    // every request: 3 µs of a Host list's answer, measured by bench/profile.ts).
    const host = headerOf(c, "host") ?? new URL(c.req.url).host;
    if (hostAllowed(host)) return next();
    return refuseHost(c.req.path, host);
  });
  // Every request that is not a DSM call (those are logged with their API by onAnswer): the
  // control plane, the dashboard, unknown paths. The path only: a query may carry a secret.
  if (config.logRequests)
    hono.use("*", async (c, next) => {
      if (c.req.path.startsWith("/webapi/")) return next();
      const started = performance.now();
      await next();
      const ms = Number((performance.now() - started).toFixed(1));
      const path = printable(c.req.path);
      emit(
        { event: "http", method: c.req.method, path, status: c.res.status, ms },
        `${c.req.method} ${path} -> ${c.res.status} (${ms.toFixed(1)} ms)`,
      );
    });
  // Liveness for health checks and load balancers, whether or not the control plane is served.
  const startedAt = performance.now();
  hono.get("/health", () => Response.json(liveness(startedAt), { headers: { "Cache-Control": "no-store" } }));
  // A control-plane body has the same deadline as a DSM call's (wire/limits.ts).
  hono.use(
    `${ADMIN_PREFIX}/*`,
    bodyDeadline(limits.requestMs, () =>
      Response.json(
        { error: "the body did not arrive in time" },
        { status: 408, headers: { Connection: "close" } },
      ),
    ),
  );
  if (config.admin) hono.route(ADMIN_PREFIX, controlRoutes(controlPlane, config.adminToken, log));
  // The dashboard at `/` (DSM serves its web UI there); with the control plane off, read-only.
  hono.route("/", dashboardRoutes(controlPlane, { token: config.adminToken, readOnly: !config.admin }));
  hono.route(
    "/",
    webApiRoutes(env, {
      log,
      limits: {
        requestMs: limits.requestMs,
        upload: {
          maxBytes: config.maxUpload,
          hash: config.hashUploads,
          dir: config.uploadDir,
          idleMs: limits.uploadIdleMs,
        },
      },
      onAnswer,
      hooks: { verdict: (call) => controlPlane.faults.verdict(call) },
      shutdown: controlPlane.shutdownSignal,
    }),
  );
  // Outside the CGIs DSM serves HTML; the emulator keeps to its envelope so clients fail clearly.
  hono.notFound(() => dsmResponse(errorBody(102), 404));
  hono.onError((err) => {
    // The client left mid-body: its doing, not a fault (and nobody reads this answer).
    if (clientLeft(err)) return dsmResponse(errorBody(101), 400, new Headers({ Connection: "close" }));
    log(`unexpected fault: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return dsmResponse(errorBody(100), 200);
  });
  // The env carries Node's socket (@hono/node-server), which the reset fault rule destroys.
  return { hono, store, env, controlPlane, fetch: (request, e) => hono.fetch(request, e) };
}

/** A DSM call as a JSON log record, secrets redacted. */
function requestRecord({ req, answer, faultRule, transport, durationMs }: Exchange): Record<string, unknown> {
  return {
    event: "dsm",
    cgi: req.cgi,
    api: printable(req.params.api || req.pathApi || "?"),
    method: printable(req.params.method ?? "?"),
    version: printable(req.params.version ?? "?", 16),
    params: redactParams(req.params),
    success: answer.success,
    ...(answer.success ? {} : { code: answer.code }),
    ms: Number(durationMs.toFixed(1)),
    ...(faultRule === undefined ? {} : { fault: faultRule, transport: transport?.type }),
  };
}

/** One line per DSM call, secrets redacted: `entry.cgi SYNO.X.get v1 {...} -> error 401 (0.4 ms) [fault f1]`. */
function requestLine({ req, answer, faultRule, transport, durationMs }: Exchange): string {
  const api = req.params.api || req.pathApi || "?";
  const outcome = answer.success ? "ok" : `error ${answer.code}`;
  const fault =
    faultRule === undefined ? "" : ` [fault ${faultRule}${transport ? ` ${transport.type}` : ""}]`;
  return `${req.cgi} ${printable(api)}.${printable(req.params.method ?? "?")} v${printable(req.params.version ?? "?", 16)} ${JSON.stringify(
    // Cut as the journal cuts: a log line is not the place for a 4 MiB batch.
    redactParams(req.params, MAX_JOURNAL_VALUE),
  )} -> ${outcome} (${durationMs.toFixed(1)} ms)${fault}`;
}

/**
 * A request whose Host the emulator does not answer to (DNS rebinding): HTTP 403, in the DSM
 * envelope on DSM paths (code 105, permission denied, with the reason in `errors`), in the
 * control plane's JSON elsewhere.
 */
function refuseHost(path: string, host: string): Response {
  const reason = `Host ${JSON.stringify(host.slice(0, 200))} is not one this emulator answers to; add it with --allowed-hosts`;
  if (path.startsWith("/webapi/")) return dsmResponse(errorBody(105, { reason }), 403);
  return Response.json({ error: reason }, { status: 403 });
}
