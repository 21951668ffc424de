/**
 * Starting an emulator: open (or create and seed) its database, build the app, listen.
 * Used by the CLI and in-process by tests and client libraries (`startEmulator`).
 */

import { mkdirSync } from "node:fs";
import { createSecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { Duplex } from "node:stream";
import { serve } from "@hono/node-server";
import { AdminClient } from "./admin/client";
import { type App, createApp } from "./app";
import { type Clock, SwitchableClock } from "./clock";
import { type Config, configSchema } from "./config";
import { DSM_HEADERS, errorBody } from "./dsm/envelope";
import { MAX_HEADER_BYTES, SERVER_OPTIONS } from "./dsm/limits";
import type { Keys } from "./dsm/operation";
import { type Fixture, loadFixtureFile, parseFixture, withAccounts } from "./fixture";
import { ensureCertificate, loadCertificate, type TlsMaterial } from "./security/certificate";
import { type Db, openDatabase } from "./store/db";
import { Store } from "./store/index";

export interface EmulatorOptions extends Partial<Config> {
  /** A clock to drive time (tests pass a VirtualClock); default: real time, switchable later. */
  readonly clock?: Clock;
  /** A fixture object instead of the `fixture` file. */
  readonly fixtureData?: Fixture;
  readonly log?: (line: string) => void;
  /** The Noise and RSA login keys (default: a new Noise key and the process's RSA key, made on first use). */
  readonly keys?: Keys;
}

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:5000` (DSM paths live under `/webapi/`). */
  readonly url: string;
  readonly port: number;
  /** The HTTPS base URL (same app, same state), e.g. `https://127.0.0.1:5001`, when HTTPS is on. */
  readonly httpsUrl: string | undefined;
  readonly httpsPort: number | undefined;
  /** The HTTPS certificate's SHA-256 fingerprint (`AB:CD:...`), to pin or to trust. */
  readonly fingerprint: string | undefined;
  /** The HTTPS certificate (PEM), for clients that verify it (`ca`). */
  readonly certificate: string | undefined;
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
  const fixture = withAccounts(
    fixtureData === undefined ? loadFixtureFile(config.fixture) : parseFixture(fixtureData, "fixtureData"),
    config.accounts,
  );
  const db = openDatabase(config.db);
  const store = new Store(db);
  if (!store.isEmpty()) return { db, store, fixture, baseline: undefined };
  store.seed(fixture, clock.now());
  return { db, store, fixture, baseline: db.serialize() };
}

/**
 * Starts an emulator. In-process it listens on a free HTTP port with in-memory state unless told
 * otherwise, and serves HTTPS only when `httpsPort` is given (a certificate costs time that most
 * tests do not need); the CLI's defaults are DSM's, 5000 and 5001.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { clock: givenClock, fixtureData, log, keys, ...rest } = options;
  const config = configSchema.parse({ port: 0, db: ":memory:", httpsPort: "off", ...rest });
  const clock = givenClock ?? new SwitchableClock("real");
  const tls = config.httpsPort === "off" ? undefined : await tlsMaterial(config);
  const { db, store, fixture, baseline } = openState(config, clock, fixtureData);
  const app = createApp({ db, store, clock, config, log, fixture, baseline, keys });
  const servers: Listening[] = [
    await listen((handler) =>
      serve(
        // Header size and slow-client timeouts: see server/dsm/limits.ts.
        { fetch: app.fetch, hostname: config.host, port: config.port, serverOptions: SERVER_OPTIONS },
        handler,
      ),
    ),
  ];
  if (tls !== undefined && config.httpsPort !== "off") {
    const httpsPort = config.httpsPort;
    servers.push(
      await listen((handler) =>
        serve(
          {
            fetch: app.fetch,
            hostname: config.host,
            port: httpsPort,
            // HTTP/2 where the client offers it through ALPN (the Go client does), HTTP/1.1 always.
            createServer: createSecureServer,
            serverOptions: {
              cert: tls.certPem,
              key: tls.keyPem,
              allowHTTP1: true,
              handshakeTimeout: SERVER_OPTIONS.headersTimeout,
              settings: { maxHeaderListSize: MAX_HEADER_BYTES },
              maxSessionMemory: 16,
            },
          },
          handler,
        ),
      ),
    );
  }
  const [http, https] = servers;
  if (http === undefined) throw new Error("no HTTP server");
  const base = (scheme: string, port: number) => `${scheme}://${urlHost(config.host)}:${port}`;
  const url = base("http", http.port);
  let closed = false;
  return {
    url,
    port: http.port,
    httpsUrl: https === undefined ? undefined : base("https", https.port),
    httpsPort: https?.port,
    fingerprint: tls?.fingerprint256,
    certificate: tls?.certPem,
    app,
    db,
    admin: new AdminClient(url, { token: config.adminToken }),
    close: async () => {
      if (closed) return;
      closed = true;
      // Lets go of answers held by delay and hang fault rules.
      app.controlPlane.shutdown();
      await Promise.all(servers.map((s) => s.close()));
      db.close();
    },
  };
}

/** The certificate for HTTPS: the user's pair, or a self-signed one kept beside a file database. */
async function tlsMaterial(config: Config): Promise<TlsMaterial> {
  if (config.tlsCert !== undefined || config.tlsKey !== undefined) {
    if (config.tlsCert === undefined || config.tlsKey === undefined)
      throw new Error("--tls-cert and --tls-key go together");
    return loadCertificate(config.tlsCert, config.tlsKey);
  }
  // A wildcard address is reached under the machine's name; a named host under that name.
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  const names = wildcard ? [hostname()] : [config.host];
  return ensureCertificate({
    dir: config.db === ":memory:" ? undefined : dirname(config.db),
    hostNames: names.filter((n) => n !== "localhost" && n !== "127.0.0.1" && n !== "::1"),
    // Real time: TLS clients judge a certificate's validity by their own clock, not the emulator's.
    now: new Date(),
  });
}

interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts one server and answers its port and a close that ends every open connection too. */
async function listen(start: (handler: () => void) => ReturnType<typeof serve>): Promise<Listening> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = start(() => resolve(s));
    s.once("error", reject);
  });
  const sockets = new Set<Duplex>();
  server.on("connection", (socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", (socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // Node answers requests it cannot parse (headers over the limit, bad request lines) itself,
  // with a bare status line; DSM clients expect the envelope, so write it here.
  server.on("clientError", answerClientError);
  const { port: bound } = server.address() as AddressInfo;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (and HTTP/2 sessions) would hold close() open until they idle out.
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
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
}

const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);
