/**
 * The HTTPS port's certificate, checked the way clients use it: a real TLS server on port 0 with
 * the material, and Node's own TLS/HTTPS/HTTP2 clients with verification on (the certificate as
 * the only trust anchor), reaching it by `localhost` and by `127.0.0.1`.
 */
import { createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createSecureServer, type Http2SecureServer, connect as http2Connect } from "node:http2";
import {
  createServer as createHttpsServer,
  type Server as HttpsServer,
  request as httpsRequest,
} from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PeerCertificate, connect as tlsConnect } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CertificateError,
  ensureCertificate,
  loadCertificate,
  type TlsMaterial,
} from "../../server/security/certificate";

const NOW = new Date(Date.UTC(2026, 10, 1, 9, 0, 0));
const DAY = 86_400_000;

const dirs: string[] = [];
const servers: Array<HttpsServer | Http2SecureServer> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "vmm-tls-"));
  dirs.push(dir);
  return dir;
}

async function serveHttps(material: TlsMaterial): Promise<number> {
  const server = createHttpsServer({ cert: material.certPem, key: material.keyPem }, (_req, res) => {
    res.end("ok");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** The server's certificate as a verifying TLS client sees it, or the verification error. */
function peerCertificate(port: number, ca: string, servername?: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, ca, rejectUnauthorized: true, servername }, () => {
      const peer = socket.getPeerCertificate();
      socket.end();
      resolve(peer);
    });
    socket.on("error", reject);
  });
}

function httpsGet(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, rejectUnauthorized: true }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a generated certificate", () => {
  let material: TlsMaterial;
  beforeAll(async () => {
    material = await ensureCertificate({ hostNames: ["nas.local", "192.0.2.7", "[2001:db8::5]"], now: NOW });
  });

  it("is made in memory when there is no folder (an in-memory database)", () => {
    expect(material.source).toBe("generated");
    expect(material.certPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(material.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(new X509Certificate(material.certPem).checkPrivateKey(createPrivateKey(material.keyPem))).toBe(
      true,
    );
  });

  it("reports the fingerprint as Node's X509Certificate.fingerprint256 (upper-case hex pairs)", () => {
    expect(material.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(material.fingerprint256).toBe(new X509Certificate(material.certPem).fingerprint256);
  });

  it("names localhost, 127.0.0.1, ::1 and each given host as DNS or IP", () => {
    const cert = new X509Certificate(material.certPem);
    expect(cert.subjectAltName?.split(", ")).toEqual([
      "DNS:localhost",
      "IP Address:127.0.0.1",
      "IP Address:0:0:0:0:0:0:0:1",
      "DNS:nas.local",
      "IP Address:192.0.2.7",
      "IP Address:2001:DB8:0:0:0:0:0:5",
    ]);
    expect(cert.checkHost("nas.local")).toBe("nas.local");
    expect(cert.checkIP("2001:db8::5")).toBe("2001:db8::5");
    expect(cert.ca).toBe(false);
  });

  it("is valid from a day before now for a year", () => {
    const cert = new X509Certificate(material.certPem);
    expect(Date.parse(cert.validFrom)).toBe(NOW.getTime() - DAY);
    expect(material.notAfter.getTime()).toBe(NOW.getTime() + 365 * DAY);
  });

  it("is verified by a TLS client trusting only it, by name (localhost) and by IP (127.0.0.1)", async () => {
    // Verification needs the current time inside the validity: use a certificate made now.
    const current = await ensureCertificate({ hostNames: [], now: new Date() });
    const port = await serveHttps(current);
    const byName = await peerCertificate(port, current.certPem, "localhost");
    expect(byName.fingerprint256).toBe(current.fingerprint256);
    expect(await httpsGet(`https://localhost:${port}/`, current.certPem)).toBe("ok");
    expect(await httpsGet(`https://127.0.0.1:${port}/`, current.certPem)).toBe("ok");
  });

  it("is refused for a name it does not cover, and by a client that does not trust it", async () => {
    const current = await ensureCertificate({ hostNames: [], now: new Date() });
    const port = await serveHttps(current);
    await expect(peerCertificate(port, current.certPem, "nas.example")).rejects.toThrow(/altnames/i);
    const other = await ensureCertificate({ hostNames: [], now: new Date() });
    await expect(peerCertificate(port, other.certPem, "localhost")).rejects.toThrow(/self.signed/i);
  });

  it("negotiates HTTP/2 through ALPN on a server that also accepts HTTP/1.1", async () => {
    const current = await ensureCertificate({ hostNames: [], now: new Date() });
    const server = createSecureServer(
      { cert: current.certPem, key: current.keyPem, allowHTTP1: true },
      (req, res) => {
        res.end(`HTTP/${req.httpVersion}`);
      },
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const session = http2Connect(`https://localhost:${port}`, {
      ca: current.certPem,
      rejectUnauthorized: true,
    });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        session.on("error", reject);
        const stream = session.request({ ":path": "/" });
        let text = "";
        stream.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        stream.on("end", () => resolve(text));
        stream.on("error", reject);
      });
      expect(session.alpnProtocol).toBe("h2");
      expect(body).toBe("HTTP/2.0");
      expect(await httpsGet(`https://127.0.0.1:${port}/`, current.certPem)).toBe("HTTP/1.1");
    } finally {
      session.close();
    }
  });

  it("refuses a host name that is neither a DNS name nor an IP address", async () => {
    for (const bad of ["", "nas local", "nas,evil", "*.nas.local", "a".repeat(64)]) {
      await expect(ensureCertificate({ hostNames: [bad], now: NOW })).rejects.toMatchObject({
        reason: "invalid-host-name",
      });
    }
  });
});

describe("a certificate kept beside a file database", () => {
  it("is written as tls-cert.pem and tls-key.pem, the key readable by its owner only", async () => {
    const dir = await freshDir();
    const made = await ensureCertificate({ dir, hostNames: ["nas.local"], now: NOW });
    expect(made.source).toBe("generated");
    expect(await readFile(join(dir, "tls-cert.pem"), "utf8")).toBe(made.certPem);
    expect(await readFile(join(dir, "tls-key.pem"), "utf8")).toBe(made.keyPem);
    if (process.platform !== "win32") {
      expect((await stat(join(dir, "tls-key.pem"))).mode & 0o777).toBe(0o600);
    }
  });

  it("is reused on the next start while valid and covering the names", async () => {
    const dir = await freshDir();
    const first = await ensureCertificate({ dir, hostNames: ["nas.local"], now: NOW });
    const again = await ensureCertificate({
      dir,
      hostNames: ["NAS.local"],
      now: new Date(NOW.getTime() + 100 * DAY),
    });
    expect(again.source).toBe("reused");
    expect(again.fingerprint256).toBe(first.fingerprint256);
    const fewer = await ensureCertificate({ dir, hostNames: [], now: NOW });
    expect(fewer.fingerprint256).toBe(first.fingerprint256);
  });

  it("is regenerated when expired or expiring within a day", async () => {
    const dir = await freshDir();
    const first = await ensureCertificate({ dir, hostNames: [], now: NOW });
    const nearEnd = new Date(first.notAfter.getTime() - DAY + 1000);
    const renewed = await ensureCertificate({ dir, hostNames: [], now: nearEnd });
    expect(renewed.source).toBe("generated");
    expect(renewed.fingerprint256).not.toBe(first.fingerprint256);
    expect(await readFile(join(dir, "tls-cert.pem"), "utf8")).toBe(renewed.certPem);
    const later = new Date(renewed.notAfter.getTime() + DAY);
    expect((await ensureCertificate({ dir, hostNames: [], now: later })).source).toBe("generated");
  });

  it("is regenerated when it is not yet valid (the clock went back)", async () => {
    const dir = await freshDir();
    await ensureCertificate({ dir, hostNames: [], now: NOW });
    const before = new Date(NOW.getTime() - 2 * DAY);
    expect((await ensureCertificate({ dir, hostNames: [], now: before })).source).toBe("generated");
  });

  it("is regenerated when a wanted name is missing", async () => {
    const dir = await freshDir();
    await ensureCertificate({ dir, hostNames: ["nas.local"], now: NOW });
    const more = await ensureCertificate({ dir, hostNames: ["nas.local", "10.1.2.3"], now: NOW });
    expect(more.source).toBe("generated");
    expect(new X509Certificate(more.certPem).checkIP("10.1.2.3")).toBe("10.1.2.3");
  });

  it("is regenerated when a file is garbage, missing, or the key is another one", async () => {
    const dir = await freshDir();
    await ensureCertificate({ dir, hostNames: [], now: NOW });
    await writeFile(join(dir, "tls-cert.pem"), "not a certificate");
    expect((await ensureCertificate({ dir, hostNames: [], now: NOW })).source).toBe("generated");
    await rm(join(dir, "tls-key.pem"));
    expect((await ensureCertificate({ dir, hostNames: [], now: NOW })).source).toBe("generated");
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    await writeFile(join(dir, "tls-key.pem"), other.export({ type: "pkcs8", format: "pem" }));
    const replaced = await ensureCertificate({ dir, hostNames: [], now: NOW });
    expect(replaced.source).toBe("generated");
    expect(new X509Certificate(replaced.certPem).checkPrivateKey(createPrivateKey(replaced.keyPem))).toBe(
      true,
    );
  });

  it.skipIf(process.platform === "win32")("tightens a kept key file that others could read", async () => {
    const dir = await freshDir();
    await ensureCertificate({ dir, hostNames: [], now: NOW });
    await chmod(join(dir, "tls-key.pem"), 0o644);
    expect((await ensureCertificate({ dir, hostNames: [], now: NOW })).source).toBe("reused");
    expect((await stat(join(dir, "tls-key.pem"))).mode & 0o777).toBe(0o600);
  });

  it.skipIf(process.platform === "win32")("overwrites a loose older key file with a 0600 one", async () => {
    const dir = await freshDir();
    await writeFile(join(dir, "tls-key.pem"), "garbage", { mode: 0o666 });
    await chmod(join(dir, "tls-key.pem"), 0o666);
    await ensureCertificate({ dir, hostNames: [], now: NOW });
    expect((await stat(join(dir, "tls-key.pem"))).mode & 0o777).toBe(0o600);
  });
});

describe("a user's own certificate (--tls-cert / --tls-key)", () => {
  it("is loaded with its fingerprint when the key belongs to it", async () => {
    const dir = await freshDir();
    const made = await ensureCertificate({ dir, hostNames: [], now: NOW });
    const loaded = await loadCertificate(join(dir, "tls-cert.pem"), join(dir, "tls-key.pem"));
    expect(loaded).toMatchObject({
      source: "loaded",
      fingerprint256: made.fingerprint256,
      certPem: made.certPem,
    });
    expect(loaded.notAfter).toEqual(made.notAfter);
  });

  it("is refused with a typed error when unreadable, not a certificate, not a key, or not its key", async () => {
    const dir = await freshDir();
    const made = await ensureCertificate({ dir, hostNames: [], now: NOW });
    const cert = join(dir, "tls-cert.pem");
    const key = join(dir, "tls-key.pem");
    const reason = (promise: Promise<unknown>) =>
      promise.then(
        () => "loaded",
        (error: unknown) => (error instanceof CertificateError ? error.reason : `untyped: ${String(error)}`),
      );
    expect(await reason(loadCertificate(join(dir, "missing.pem"), key))).toBe("unreadable");
    await writeFile(join(dir, "junk.pem"), "junk");
    expect(await reason(loadCertificate(join(dir, "junk.pem"), key))).toBe("invalid-certificate");
    expect(await reason(loadCertificate(cert, join(dir, "junk.pem")))).toBe("invalid-key");
    expect(await reason(loadCertificate(cert, cert))).toBe("invalid-key");
    const encrypted = createPrivateKey(made.keyPem).export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "secret",
    });
    await writeFile(join(dir, "encrypted.pem"), encrypted);
    expect(await reason(loadCertificate(cert, join(dir, "encrypted.pem")))).toBe("invalid-key");
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    await writeFile(join(dir, "other.pem"), other.export({ type: "pkcs8", format: "pem" }));
    expect(await reason(loadCertificate(cert, join(dir, "other.pem")))).toBe("key-mismatch");
  });
});
