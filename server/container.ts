/**
 * The emulator in a container, for test suites that want it out of process (another Node
 * version, a real network hop, the image CI runs): builds the image from the Dockerfile this
 * package ships (with the sources it builds from) and starts it with Testcontainers.
 *
 *   import { startEmulatorContainer } from "synology-vmm-emulator/container";
 *   const dsm = await startEmulatorContainer({ env: { VMM_EMULATOR_ACCOUNTS: "terraform:Syn0logy:admin" } });
 *   // dsm.url, dsm.httpsUrl, dsm.admin.reset(), ...
 *   await dsm.stop();
 *
 * `testcontainers` is an optional peer dependency (`npm install -D testcontainers@11`): the
 * emulator itself never needs it. Version 11 is the line that runs on Node 20 (12 needs Node 22).
 * Only what this module uses of it is typed here, so that the package type-checks without it.
 *
 * Gaps: no test here runs it (no Docker engine on the development machines);
 * test/packaging/container.test.ts checks its wiring against a stand-in of the library and that
 * the package holds everything the Dockerfile copies.
 */
import { PROJECT_ROOT } from "./config";
import { AdminClient } from "./control/client";

/** The version of `testcontainers` this helper is written against (see package.json's peerDependencies). */
export const TESTCONTAINERS_RANGE = "^11.9.0";

interface StartedContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
}
interface ContainerToStart {
  withEnvironment(env: Record<string, string>): ContainerToStart;
  withExposedPorts(...ports: number[]): ContainerToStart;
  withWaitStrategy(strategy: unknown): ContainerToStart;
  start(): Promise<StartedContainer>;
}
/** The part of the `testcontainers` module this helper calls. */
export interface TestcontainersModule {
  readonly GenericContainer: {
    fromDockerfile(
      context: string,
      dockerfile?: string,
    ): { build(image?: string): Promise<ContainerToStart> };
  };
  readonly Wait: { forHttp(path: string, port: number): unknown };
}

export interface ContainerOptions {
  /** More environment for the container (`VMM_EMULATOR_*`: accounts, time scale, admin token...). */
  readonly env?: Readonly<Record<string, string>>;
  /** The image's name (default `synology-vmm-emulator:<version>`); Docker's layer cache makes a rebuild quick. */
  readonly image?: string;
  /** The library, for tests and for a copy of it the caller already loaded (default: `import("testcontainers")`). */
  readonly testcontainers?: TestcontainersModule;
}

export interface EmulatorContainer {
  /** `http://<host>:<mapped 5000>` */
  readonly url: string;
  /** `https://<host>:<mapped 5001>` (self-signed: skip the check, or pin it) */
  readonly httpsUrl: string;
  /** The control plane's client, with the admin token when `env` gives one. */
  readonly admin: AdminClient;
  readonly container: StartedContainer;
  stop(): Promise<void>;
}

const HTTP_PORT = 5000;
const HTTPS_PORT = 5001;

/** Builds the image from this package's folder and starts it; resolves once `GET /health` answers. */
export async function startEmulatorContainer(options: ContainerOptions = {}): Promise<EmulatorContainer> {
  const tc = options.testcontainers ?? (await loadTestcontainers());
  const env: Record<string, string> = { VMM_EMULATOR_TIME_SCALE: "instant", ...options.env };
  const image = await tc.GenericContainer.fromDockerfile(PROJECT_ROOT, "Dockerfile").build(options.image);
  const container = await image
    .withEnvironment(env)
    .withExposedPorts(HTTP_PORT, HTTPS_PORT)
    .withWaitStrategy(tc.Wait.forHttp("/health", HTTP_PORT))
    .start();
  const host = container.getHost();
  const base = (scheme: string, port: number) =>
    `${scheme}://${host.includes(":") ? `[${host}]` : host}:${container.getMappedPort(port)}`;
  const url = base("http", HTTP_PORT);
  return {
    url,
    httpsUrl: base("https", HTTPS_PORT),
    admin: new AdminClient(url, { token: env.VMM_EMULATOR_ADMIN_TOKEN }),
    container,
    stop: async () => {
      await container.stop();
    },
  };
}

async function loadTestcontainers(): Promise<TestcontainersModule> {
  // A variable, so that TypeScript does not look for the optional peer's types.
  const name = "testcontainers";
  try {
    return (await import(name)) as TestcontainersModule;
  } catch (err) {
    throw new Error(
      `startEmulatorContainer needs the testcontainers package (npm install -D testcontainers@${TESTCONTAINERS_RANGE}): ${(err as Error).message}`,
    );
  }
}
