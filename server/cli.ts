/**
 * `npm start`: runs the emulator until SIGINT/SIGTERM. Prints one JSON line once listening
 * (`{"event":"listening","url":...,"admin":...,"pid":...}`) so scripts and CI can wait for it.
 */
import { parseConfig } from "./config";
import { startEmulator } from "./emulator";
import { processLoginKey } from "./security/login-encryption";

async function main(): Promise<void> {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const emulator = await startEmulator(config);
  // Made now, off the request path, so the first encrypted login does not wait for it.
  processLoginKey();
  if (config.admin && config.adminToken === undefined && !isLoopback(config.host)) {
    // Anyone who can reach the port could then reset or reshape the emulated NAS.
    process.stderr.write(
      `warning: the control plane (/__admin) is open to anyone reaching ${config.host}; set --admin-token or --admin false\n`,
    );
  }
  process.stdout.write(
    `${JSON.stringify({
      event: "listening",
      url: emulator.url,
      ...(emulator.httpsUrl === undefined
        ? {}
        : { https: emulator.httpsUrl, fingerprint: emulator.fingerprint }),
      admin: config.admin ? `${emulator.url}/__admin` : null,
      pid: process.pid,
      db: config.db,
      fixture: config.fixture,
    })}\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => {
        process.stdout.write(`${JSON.stringify({ event: "stopped", signal })}\n`);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

main().catch((err: unknown) => {
  process.stderr.write(`cannot start the emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
