/**
 * The self-signed TLS certificate of the emulator's HTTPS port, as DSM serves HTTPS on 5001 with
 * a self-signed certificate out of the box.
 *
 * By design:
 * - The key is ECDSA P-256, where DSM's default certificate is RSA 2048: generating it takes a few
 *   milliseconds instead of about 150 (tests start many emulators), and every client seen
 *   (Go's crypto/tls, Python's urllib3/OpenSSL, Node) either skips verification or pins the
 *   SHA-256 fingerprint, so none depends on the key type.
 * - It is valid from a day before `now` (a guest or container whose clock lags still accepts it)
 *   for 365 days, and is reused while it stays valid for at least another day.
 * - Names: DNS `localhost`, IP `127.0.0.1` and `::1` always, plus the caller's host names.
 *
 * Gaps: DSM issues its default certificate from its own "Synology Inc. CA"; ours is a single
 * self-signed leaf (subject CN=localhost), so a client that wants the CA to be separate from the
 * server certificate would notice. None of the known clients does.
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPair,
  type KeyObject,
  X509Certificate as NodeX509,
  randomBytes,
} from "node:crypto";
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { selfSignedCertificate } from "./self-signed";

const generateKeyPairAsync = promisify(generateKeyPair);

/** The certificate's file name beside a file database. */
export const CERT_FILE = "tls-cert.pem";
const KEY_FILE = "tls-key.pem";
const DAY_MS = 86_400_000;
const LIFETIME_MS = 365 * DAY_MS;
const DEFAULT_NAMES = ["localhost", "127.0.0.1", "::1"];

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  /** Upper-case hex pairs joined by colons, exactly as Node's `X509Certificate.fingerprint256`. */
  fingerprint256: string;
  /**
   * The public-key pin, `sha256//<base64 of the SHA-256 of the DER SubjectPublicKeyInfo>`: what
   * `curl --pinnedpubkey` takes (and HPKP's pin-sha256 after the `//`).
   */
  publicKeyPin: string;
  notAfter: Date;
  /** `loaded` is a user's own pair (`loadCertificate`). */
  source: "generated" | "reused" | "loaded";
}

export type CertificateErrorReason =
  | "invalid-host-name"
  | "unreadable"
  | "invalid-certificate"
  | "invalid-key"
  | "key-mismatch";

/** A certificate or key that cannot be used, or a host name that cannot go into one. */
export class CertificateError extends Error {
  constructor(
    readonly reason: CertificateErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "CertificateError";
  }
}

export interface EnsureCertificateOptions {
  /** The folder of the file database; without it (an in-memory database) nothing is written. */
  dir?: string | undefined;
  /** Extra names clients use to reach the emulator: DNS names or IP literals (`[::1]` too). */
  hostNames: string[];
  now: Date;
}

/**
 * The certificate for the HTTPS port: the pair kept in `dir` when it is still good for every
 * wanted name and for at least another day, otherwise a new pair (written to `dir` when given).
 */
export async function ensureCertificate(options: EnsureCertificateOptions): Promise<TlsMaterial> {
  const names = wantedNames(options.hostNames);
  if (options.dir === undefined) return generate(names, options.now);
  const certPath = join(options.dir, CERT_FILE);
  const keyPath = join(options.dir, KEY_FILE);
  const kept = await readPair(certPath, keyPath);
  if (kept !== undefined && isReusable(kept.cert, names, options.now)) {
    await tightenKeyMode(keyPath);
    return material(kept.certPem, kept.keyPem, kept.cert, "reused");
  }
  const fresh = await generate(names, options.now);
  await mkdir(options.dir, { recursive: true });
  // The certificate first: a crash between the two writes leaves a mismatched pair, which the
  // next start detects and replaces, never a new key beside a certificate that still parses.
  await writeAtomically(certPath, fresh.certPem, 0o644);
  await writeAtomically(keyPath, fresh.keyPem, 0o600);
  return fresh;
}

/**
 * A user's own certificate and key (`--tls-cert`/`--tls-key`): both must parse and belong
 * together. The certificate file may hold a chain; the first certificate is the server's.
 * An expired certificate is still returned (with its `notAfter`): serving it is the user's choice.
 */
export async function loadCertificate(certPath: string, keyPath: string): Promise<TlsMaterial> {
  const certPem = await readText(certPath);
  const keyPem = await readText(keyPath);
  const cert = parseCertificate(certPem);
  if (cert === undefined)
    throw new CertificateError("invalid-certificate", `${certPath} holds no certificate`);
  const key = parseKey(keyPem);
  if (key === undefined) {
    throw new CertificateError("invalid-key", `${keyPath} holds no unencrypted private key`);
  }
  if (!cert.checkPrivateKey(key)) {
    throw new CertificateError("key-mismatch", `${keyPath} is not the key of the certificate in ${certPath}`);
  }
  return material(certPem, keyPem, cert, "loaded");
}

interface WantedName {
  kind: "dns" | "ip";
  value: string;
}

function wantedNames(hostNames: string[]): WantedName[] {
  const names = new Map<string, WantedName>();
  for (const raw of [...DEFAULT_NAMES, ...hostNames]) {
    const name = normaliseHostName(raw);
    names.set(`${name.kind}:${name.value}`, name);
  }
  return [...names.values()];
}

// A label of letters, digits, hyphens and underscores (container names have them); no wildcard,
// since the emulator is reached by concrete names.
const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function normaliseHostName(raw: string): WantedName {
  const trimmed = raw.trim().toLowerCase();
  const unbracketed = trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1) : trimmed;
  if (isIP(unbracketed) !== 0) return { kind: "ip", value: unbracketed };
  const dns = trimmed.endsWith(".") ? trimmed.slice(0, -1) : trimmed;
  if (!DNS_NAME.test(dns)) {
    throw new CertificateError(
      "invalid-host-name",
      `${JSON.stringify(raw)} is neither a DNS name nor an IP address`,
    );
  }
  return { kind: "dns", value: dns };
}

function isReusable(cert: NodeX509, names: WantedName[], now: Date): boolean {
  const validFrom = Date.parse(cert.validFrom);
  const validTo = Date.parse(cert.validTo);
  if (!(validFrom <= now.getTime()) || !(validTo > now.getTime() + DAY_MS)) return false;
  // Node's own matching (the one its TLS client applies), so "covers" means what a client checks.
  return names.every((name) =>
    name.kind === "ip"
      ? cert.checkIP(name.value) !== undefined
      : cert.checkHost(name.value, { subject: "never" }) !== undefined,
  );
}

async function readPair(
  certPath: string,
  keyPath: string,
): Promise<{ cert: NodeX509; certPem: string; keyPem: string } | undefined> {
  const certPem = await readFile(certPath, "utf8").catch(() => undefined);
  const keyPem = await readFile(keyPath, "utf8").catch(() => undefined);
  if (certPem === undefined || keyPem === undefined) return undefined;
  const cert = parseCertificate(certPem);
  const key = parseKey(keyPem);
  if (cert === undefined || key === undefined || !cert.checkPrivateKey(key)) return undefined;
  return { cert, certPem, keyPem };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new CertificateError("unreadable", `cannot read ${path}: ${(error as Error).message}`);
  }
}

function parseCertificate(pem: string): NodeX509 | undefined {
  try {
    return new NodeX509(pem);
  } catch {
    return undefined;
  }
}

function parseKey(pem: string): KeyObject | undefined {
  try {
    return createPrivateKey(pem);
  } catch {
    // Also an encrypted key: the emulator has no way to ask for its passphrase.
    return undefined;
  }
}

function material(
  certPem: string,
  keyPem: string,
  cert: NodeX509,
  source: TlsMaterial["source"],
): TlsMaterial {
  const spki = cert.publicKey.export({ type: "spki", format: "der" });
  return {
    certPem,
    keyPem,
    fingerprint256: cert.fingerprint256,
    publicKeyPin: `sha256//${createHash("sha256").update(spki).digest("base64")}`,
    notAfter: new Date(cert.validTo),
    source,
  };
}

async function generate(names: WantedName[], now: Date): Promise<TlsMaterial> {
  const { privateKey } = await generateKeyPairAsync("ec", { namedCurve: "P-256" });
  const serial = randomBytes(16);
  // Positive, and its first byte non-zero so that DER's shortest form is all 16 bytes (RFC 5280).
  serial[0] = 0x40 | ((serial[0] ?? 0) & 0x3f);
  const certPem = selfSignedCertificate({
    key: privateKey,
    serial,
    commonName: "localhost",
    organisation: "Synology VMM emulator",
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + LIFETIME_MS),
    names,
  });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return material(certPem, keyPem, new NodeX509(certPem), "generated");
}

// A new file renamed over the old one: readers never see half a key, and the key file gets its
// mode at creation, even when an older file with looser permissions was there.
async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}

async function tightenKeyMode(keyPath: string): Promise<void> {
  if (process.platform === "win32") return;
  const { mode } = await stat(keyPath);
  if ((mode & 0o077) !== 0) await chmod(keyPath, 0o600);
}
