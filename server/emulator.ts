/**
 * Starting an emulator: open (or create and seed) its database, build the app, listen.
 * Used by the CLI and in-process by tests and client libraries (`startEmulator`).
 */

import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { serve } from "@hono/node-server";
import { AdminClient } from "./admin/client";
import { type App, createApp } from "./app";
import { type Clock, SwitchableClock } from "./clock";
import { type Config, configSchema } from "./config";
import { SERVER_OPTIONS } from "./limits";
import { type Db, isEmpty, openDatabase } from "./store/db";
import { type Fixture, loadFixtureFile } from "./store/fixture";
import { seedFixture } from "./store/seed";

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
): { db: Db; fixture: Fixture; baseline: Buffer | undefined } {
  if (config.db !== ":memory:") mkdirSync(dirname(config.db), { recursive: true });
  const fixture = fixtureData ?? loadFixtureFile(config.fixture);
  const db = openDatabase(config.db);
  if (!isEmpty(db)) return { db, fixture, baseline: undefined };
  seedFixture(db, fixture, clock.now());
  return { db, fixture, baseline: db.serialize() };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { clock: givenClock, fixtureData, log, ...rest } = options;
  const config = configSchema.parse({ port: 0, db: ":memory:", ...rest });
  const clock = givenClock ?? new SwitchableClock("real");
  const { db, fixture, baseline } = openState(config, clock, fixtureData);
  const app = createApp({ db, clock, config, log, fixture, baseline });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      // Header size and slow-client timeouts: see server/limits.ts.
      { fetch: app.fetch, hostname: config.host, port: config.port, serverOptions: SERVER_OPTIONS },
      () => resolve(s),
    );
    s.once("error", reject);
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
