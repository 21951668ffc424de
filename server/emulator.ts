/**
 * Starting an emulator: open (or create and seed) its database, build the app, listen.
 * Used by the CLI and in-process by tests and client libraries (`startEmulator`).
 */

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { type App, createApp } from "./app";
import { type Clock, parseClockSnapshot, SwitchableClock } from "./clock";
import { type Config, configSchema } from "./config";
import { AdminClient } from "./control/client";
import { type Fixture, loadFixtureFile, parseFixture, withAccounts } from "./fixture";
import { type Listening, listenHttp, listenHttps } from "./http-server";
import { CERT_FILE, ensureCertificate, loadCertificate, type TlsMaterial } from "./security/certificate";
import { imageOf } from "./store/database-images";
import { type Db, openDatabase } from "./store/db";
import { Store } from "./store/index";
import { SeededImages } from "./store/seeded-images";
import { userCacheDir } from "./user-cache";
import { DEFAULT_LIMITS, type WireLimits } from "./wire/limits";
import type { Keys } from "./wire/operation";
import { prepareUploadDir } from "./wire/upload";

export interface EmulatorOptions extends Partial<Config> {
  /** A clock to drive time (tests pass a VirtualClock); default: real time, switchable later. */
  readonly clock?: Clock;
  /** A fixture object instead of the `fixture` file. */
  readonly fixtureData?: Fixture;
  readonly log?: (line: string) => void;
  /** The Noise and RSA login keys (default: a new Noise key and the process's RSA key, made on first use). */
  readonly keys?: Keys;
  /** Time limits of connections and bodies (default: wire/limits.ts's); tests pass short ones. */
  readonly limits?: Partial<WireLimits>;
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
  /** The public-key pin, `sha256//<base64>`, as `curl --pinnedpubkey` takes it. */
  readonly publicKeyPin: string | undefined;
  /** The HTTPS certificate (PEM), for clients that verify it (`ca`). */
  readonly certificate: string | undefined;
  /** Where that PEM is on disk (beside a file database, or `--tls-cert`); undefined in memory. */
  readonly certificateFile: string | undefined;
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
export function openState(config: Config, clock: Clock, fixtureData?: Fixture): OpenedState {
  return seedIfNew(openStore(config, fixtureData), clock);
}

interface OpenedState {
  db: Db;
  store: Store;
  fixture: Fixture;
  baseline: Buffer | undefined;
}

function openStore(config: Config, fixtureData?: Fixture): Omit<OpenedState, "baseline"> {
  const fixture = fixtureOf(config, fixtureData);
  if (config.db !== ":memory:") mkdirSync(dirname(config.db), { recursive: true, mode: 0o700 });
  const db = openDatabase(config.db);
  return { db, store: new Store(db), fixture };
}

function fixtureOf(config: Config, fixtureData?: Fixture): Fixture {
  // An in-process fixture is validated like a file, so a bad one names its field.
  return withAccounts(
    fixtureData === undefined ? loadFixtureFile(config.fixture) : parseFixture(fixtureData, "fixtureData"),
    config.accounts,
  );
}

/** The seeded images of this process, and of earlier ones through the user's cache folder. */
const seededImages = new SeededImages(userCacheDir);

/**
 * An in-memory database seeded from the fixture: a copy of the image an earlier emulator of this
 * process (or an earlier one) kept for the same fixture, or seeded now (its passwords hashed off the event loop) and
 * kept for the next one; either way stamped with this emulator's clock.
 */
async function openMemoryState(config: Config, clock: Clock, fixtureData?: Fixture): Promise<OpenedState> {
  const fixture = fixtureOf(config, fixtureData);
  const image = seededImages.get(fixture);
  const db = openDatabase(image ?? ":memory:");
  const store = new Store(db);
  if (image === undefined) {
    await store.preparePasswords(fixture, true);
    store.seedUnstamped(fixture);
    seededImages.keep(fixture, imageOf(db));
  }
  store.stamp(clock.now());
  return { db, store, fixture, baseline: imageOf(db) };
}

function seedIfNew(opened: Omit<OpenedState, "baseline">, clock: Clock): OpenedState {
  const { db, store, fixture } = opened;
  if (!store.isEmpty()) return { ...opened, baseline: undefined };
  store.seed(fixture, clock.now());
  return { ...opened, baseline: imageOf(db) };
}

/**
 * Starts an emulator. In-process it listens on a free HTTP port with in-memory state unless told
 * otherwise, and serves HTTPS only when `httpsPort` is given (a certificate costs time that most
 * tests do not need); the CLI's defaults are DSM's, 5000 and 5001.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { clock: givenClock, fixtureData, log, keys, limits: givenLimits, ...rest } = options;
  const config = configSchema.parse({ port: 0, db: ":memory:", httpsPort: "off", ...rest });
  const limits: WireLimits = { ...DEFAULT_LIMITS, ...givenLimits };
  // A folder that cannot take a file fails the start, not the first upload.
  if (config.uploadDir !== undefined) prepareUploadDir(config.uploadDir);
  const clock = givenClock ?? new SwitchableClock("real");
  // The certificate (read or made) and the fixture's password hashes (on the thread pool, every
  // processor at once: nothing is answered yet) are worked on side by side: each is a good part
  // of a start's time.
  const tlsPending = config.httpsPort === "off" ? undefined : tlsMaterial(config);
  tlsPending?.catch(() => {}); // awaited below; a failure is thrown there, not left unhandled
  const { db, store, fixture, baseline } = await openStarting(config, clock, fixtureData);
  const tls = await tlsPending;
  // A file database keeps the clock it was dated by: resume it, or tasks and sessions stall.
  const saved = parseClockSnapshot(store.system.get().clock);
  if (saved !== undefined && clock instanceof SwitchableClock) clock.restore(saved);
  const app = createApp({ db, store, clock, config, log, fixture, baseline, keys, limits });
  const servers: Listening[] = [await listenHttp(app.fetch, config.host, config.port, limits)];
  if (tls !== undefined && config.httpsPort !== "off")
    servers.push(await listenHttps(app.fetch, config.host, config.httpsPort, tls, limits));
  const [http, https] = servers;
  if (http === undefined) throw new Error("no HTTP server");
  const base = (scheme: string, port: number) => `${scheme}://${urlHost(config.host)}:${port}`;
  const url = base("http", http.port);
  app.controlPlane.setConnection({
    url,
    httpsUrl: https === undefined ? undefined : base("https", https.port),
    fingerprint: tls?.fingerprint256,
  });
  let closed = false;
  return {
    url,
    port: http.port,
    httpsUrl: https === undefined ? undefined : base("https", https.port),
    httpsPort: https?.port,
    fingerprint: tls?.fingerprint256,
    publicKeyPin: tls?.publicKeyPin,
    certificate: tls?.certPem,
    certificateFile: tls === undefined ? undefined : certificateFile(config, tls),
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

async function openStarting(config: Config, clock: Clock, fixtureData?: Fixture): Promise<OpenedState> {
  if (config.db === ":memory:") return openMemoryState(config, clock, fixtureData);
  const opened = openStore(config, fixtureData);
  if (opened.store.isEmpty()) await opened.store.preparePasswords(opened.fixture, true);
  return seedIfNew(opened, clock);
}

/** The certificate for HTTPS: the user's pair, or a self-signed one kept beside a file database. */
async function tlsMaterial(config: Config): Promise<TlsMaterial> {
  if (config.tlsCert !== undefined || config.tlsKey !== undefined) {
    if (config.tlsCert === undefined || config.tlsKey === undefined)
      throw new Error("--tls-cert and --tls-key go together");
    return loadCertificate(config.tlsCert, config.tlsKey);
  }
  const hostNames = certificateNames(config);
  // Real time: TLS clients judge a certificate's validity by their own clock, not the emulator's.
  const now = new Date();
  if (config.db !== ":memory:") return ensureCertificate({ dir: dirname(config.db), hostNames, now });
  // An in-memory emulator keeps its pair in the user's cache folder, per set of names: making one
  // costs a few milliseconds, a start from the cache none.
  return ensureCertificate({ dir: certificateCache(hostNames), hostNames, now }).catch(() =>
    ensureCertificate({ dir: undefined, hostNames, now }),
  );
}

/** `<user cache>/tls-<names>`, or nothing when the cache is off. */
function certificateCache(hostNames: readonly string[]): string | undefined {
  const base = userCacheDir();
  if (base === undefined) return undefined;
  const names = createHash("sha256")
    .update([...hostNames].sort().join("\n"))
    .digest("hex")
    .slice(0, 12);
  return join(base, `tls-${names}`);
}

/** The served certificate's PEM file: the user's, beside a file database, or in the cache folder. */
function certificateFile(config: Config, tls: TlsMaterial): string | undefined {
  if (config.tlsCert !== undefined) return config.tlsCert;
  if (config.db !== ":memory:") return join(dirname(config.db), CERT_FILE);
  const cache = certificateCache(certificateNames(config));
  if (cache === undefined) return undefined;
  // Only when the cache holds this very certificate (writing it may have failed: it is made in memory then).
  const file = join(cache, CERT_FILE);
  return readFileSafely(file) === tls.certPem ? file : undefined;
}

function readFileSafely(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The names beside localhost a self-signed certificate covers: the machine's or the given host. */
function certificateNames(config: Config): string[] {
  // A wildcard address is reached under the machine's name; a named host under that name.
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  const names = wildcard ? [hostname()] : [config.host];
  return names.filter((n) => n !== "localhost" && n !== "127.0.0.1" && n !== "::1");
}

const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);
