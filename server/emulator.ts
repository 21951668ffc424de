/**
 * Starting an emulator: open (or create and seed) its database, build the app, listen.
 * Used by the CLI and in-process by tests and client libraries (`startEmulator`).
 */

import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import type { Duplex } from "node:stream";
import { serve } from "@hono/node-server";
import { AdminClient } from "./admin/client";
import { type App, createApp } from "./app";
import { type Clock, SwitchableClock } from "./clock";
import { type Config, configSchema } from "./config";
import { DSM_HEADERS, errorBody } from "./dsm/envelope";
import { SERVER_OPTIONS } from "./dsm/limits";
import { type Fixture, loadFixtureFile, parseFixture } from "./fixture";
import { type Db, openDatabase } from "./store/db";
import { Store } from "./store/index";

export interface EmulatorOptions extends Partial<Config> {
  /** A clock to drive time (tests pass a VirtualClock); default: real time, switchable later. */
  readonly clock?: Clock;
  /** A fixture object instead of the `fixture` file. */
  readonly fixtureData?: Fixture;
  readonly log?: (line: string) => void;
}

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:5000` (DSM paths live under `/webapi/`). */
  readonly url: string;
  readonly port: number;
  readonly app: App;
  readonly db: Db;
  /** A typed client of the control plane (`/__admin`), with the admin token when one is set. */
  readonly admin: AdminClient;
  close(): Promise<void>;
}

/**
 * Opens the database and seeds it from the fixture when it is new (an existing file is reused).
 * `baseline` is the freshly seeded image, which the control plane's reset restores.
 */
export function openState(
  config: Config,
  clock: Clock,
  fixtureData?: Fixture,
): { db: Db; store: Store; fixture: Fixture; baseline: Buffer | undefined } {
  if (config.db !== ":memory:") mkdirSync(dirname(config.db), { recursive: true });
  // An in-process fixture is validated like a file, so a bad one names its field.
  const fixture =
    fixtureData === undefined ? loadFixtureFile(config.fixture) : parseFixture(fixtureData, "fixtureData");
  const db = openDatabase(config.db);
  const store = new Store(db);
  if (!store.isEmpty()) return { db, store, fixture, baseline: undefined };
  store.seed(fixture, clock.now());
  return { db, store, fixture, baseline: db.serialize() };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { clock: givenClock, fixtureData, log, ...rest } = options;
  const config = configSchema.parse({ port: 0, db: ":memory:", ...rest });
  const clock = givenClock ?? new SwitchableClock("real");
  const { db, store, fixture, baseline } = openState(config, clock, fixtureData);
  const app = createApp({ db, store, clock, config, log, fixture, baseline });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      // Header size and slow-client timeouts: see server/limits.ts.
      { fetch: app.fetch, hostname: config.host, port: config.port, serverOptions: SERVER_OPTIONS },
      () => resolve(s),
    );
    s.once("error", reject);
  });
  // Node answers requests it cannot parse (headers over the limit, bad request lines) itself,
  // with a bare status line; DSM clients expect the envelope, so write it here.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const reason = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" }[
      status
    ];
    const body = errorBody(101);
    const head = Object.entries(DSM_HEADERS)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n${head}` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  let closed = false;
  const url = `http://${host}:${port}`;
  return {
    url,
    port,
    app,
    db,
    admin: new AdminClient(url, { token: config.adminToken }),
    close: async () => {
      if (closed) return;
      closed = true;
      // Lets go of answers held by delay and hang fault rules.
      app.controlPlane.shutdown();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open until they idle out.
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
      db.close();
    },
  };
}
