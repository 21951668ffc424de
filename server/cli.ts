#!/usr/bin/env node
/**
 * The command line (`synology-vmm-emulator`, `vmm-emulator`, `npm start`): runs the emulator
 * until SIGINT/SIGTERM. Prints one JSON line once listening
 * (`{"event":"listening","url":...,"admin":...,"pid":...}`) so that scripts and CI can wait for
 * it, on stdout and in `--ready-file`.
 *
 * Exit codes: 0 stopped by SIGINT or SIGTERM (or after --help, --version); 1 could not start (a
 * fixture that does not validate, a database or certificate that cannot be opened, a port in
 * use) or could not close; 2 bad usage (an unknown option, a bad value, the control plane
 * beyond loopback without a token).
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { optionTable, packageVersion, parseConfig } from "./config";
import { type RunningEmulator, startEmulator } from "./emulator";
import { exportDatabase } from "./export-command";
import { processLoginKey, stopMakingLoginKey } from "./security/login-encryption";

const EXIT = { stopped: 0, failed: 1, usage: 2 } as const;

const version = packageVersion;

function help(): string {
  const options = optionTable().flatMap((o) => [
    `  ${o.flag} ${o.arg}`,
    `      ${o.env}; default: ${o.shownDefault}`,
    `      ${o.description}`,
  ]);
  return [
    `synology-vmm-emulator ${version()}: the Synology DSM Virtual Machine Manager WebAPI, emulated`,
    "",
    "usage: synology-vmm-emulator [options]   (or vmm-emulator; from a clone: npm start -- [options])",
    "       synology-vmm-emulator export [--db <path>] [--fixture <path>] > state.json",
    "           the database's state as a fixture (the passwords are the seeding fixture's)",
    "",
    "Every option is also an environment variable; the flag wins. --name=value works too.",
    "Booleans take true, false, 1 or 0, or stand alone: --admin is --admin true, --no-admin is --admin false.",
    "",
    ...options,
    "  --help, -h",
    "      This text.",
    "  --version, -V",
    "      The version.",
    "",
    'Once listening it prints one JSON line on stdout, {"event":"listening","url":...,"pid":...}',
    "with the HTTPS certificate's fingerprint, its public-key pin (curl --pinnedpubkey) and its",
    "PEM file (cacert: curl --cacert, NODE_EXTRA_CA_CERTS)",
    '(and in --ready-file), and {"event":"stopped",...} on SIGINT or SIGTERM.',
    `Exit codes: ${EXIT.stopped} stopped by SIGINT or SIGTERM; ${EXIT.failed} could not start (fixture, database,`,
    `certificate, port in use); ${EXIT.usage} bad usage (unknown option, bad value, the control plane`,
    "beyond loopback without --admin-token).",
  ].join("\n");
}

/** The ready line in a file, whole or not at all: a script polling for it never reads half of it. */
function writeReadyFile(path: string, line: string): void {
  writeFileSync(`${path}.tmp`, line);
  renameSync(`${path}.tmp`, path);
}

async function main(): Promise<void> {
  // A reader that went away (`--help | head`, `| grep -m1 listening`) is no reason to crash.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
  });
  const argv = process.argv.slice(2);
  if (argv[0] === "export") return exportCommand(argv.slice(1));
  if (argv.some((a) => a === "--help" || a === "-h")) {
    process.stdout.write(`${help()}\n`);
    return;
  }
  if (argv.some((a) => a === "--version" || a === "-V")) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(argv, process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(EXIT.usage);
  }
  const { readyFile } = config;
  // A file left by an earlier run must not look like this one's.
  if (readyFile !== undefined) rmSync(readyFile, { force: true });
  const emulator = await startEmulator(config);
  // Made now, off the request path, so the first encrypted login does not wait for it.
  processLoginKey();
  const pem = certificateFile(emulator);
  const line = `${JSON.stringify({
    event: "listening",
    url: emulator.url,
    ...(emulator.httpsUrl === undefined
      ? {}
      : {
          https: emulator.httpsUrl,
          fingerprint: emulator.fingerprint,
          pin: emulator.publicKeyPin,
          cacert: pem?.path,
        }),
    admin: config.admin ? `${emulator.url}/__admin` : null,
    pid: process.pid,
    db: config.db,
    fixture: config.fixture,
  })}\n`;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Whatever is still being prepared is dropped, not waited for (the login key's process).
    stopMakingLoginKey();
    emulator.close().then(
      () => {
        if (readyFile !== undefined) rmSync(readyFile, { force: true });
        pem?.remove();
        process.stdout.write(`${JSON.stringify({ event: "stopped", signal })}\n`);
        process.exit(EXIT.stopped);
      },
      () => process.exit(EXIT.failed),
    );
  };
  // Before the ready line: a script may signal the moment it reads it.
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  if (readyFile !== undefined) writeReadyFile(readyFile, line);
  process.stdout.write(line);
}

/**
 * The certificate's PEM file for `--cacert`: the one on disk, or (in memory: `--db :memory:`) a
 * copy in a private temporary folder, removed after a clean stop.
 */
function certificateFile(emulator: RunningEmulator): { path: string; remove: () => void } | undefined {
  if (emulator.certificate === undefined) return undefined;
  if (emulator.certificateFile !== undefined) return { path: emulator.certificateFile, remove: () => {} };
  const dir = mkdtempSync(join(tmpdir(), "vmm-emulator-"));
  const path = join(dir, "tls-cert.pem");
  writeFileSync(path, emulator.certificate, { mode: 0o644 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function exportCommand(argv: readonly string[]): void {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(argv, process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(EXIT.usage);
  }
  try {
    process.stdout.write(`${JSON.stringify(exportDatabase(config), null, 2)}\n`);
  } catch (err) {
    process.stderr.write(`cannot export: ${(err as Error).message}\n`);
    process.exit(EXIT.failed);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cannot start the emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(EXIT.failed);
});
