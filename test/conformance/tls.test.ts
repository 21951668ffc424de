/**
 * TLS policies against a local HTTPS server with a self-signed certificate (generated once for
 * these tests, like a NAS's own): verify refuses it, a pinned fingerprint accepts exactly it,
 * insecure accepts anything. The certificate and key are test fixtures, never used elsewhere.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DsmClient } from "../../conformance/client/dsm-client";
import { DsmTransportError } from "../../conformance/client/errors";
import { createDispatcher, normaliseFingerprint } from "../../conformance/client/transport";

const cert = readFileSync(new URL("./fixtures/tls-test.crt", import.meta.url), "utf8");
const key = readFileSync(new URL("./fixtures/tls-test.key", import.meta.url), "utf8");
const fingerprint = new X509Certificate(cert).fingerprint256;

describe("TLS policies", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer({ cert, key }, (_req, res) => {
      res.writeHead(200, { "content-type": 'application/json; charset="UTF-8"' });
      res.end('{"data":{"SYNO.API.Info":{"path":"query.cgi","minVersion":1,"maxVersion":1}},"success":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const discover = (tls: ConstructorParameters<typeof DsmClient>[0]["tls"]) =>
    new DsmClient({ baseUrl: url, ...(tls === undefined ? {} : { tls }) }).discover();

  it("verifies by default, so a self-signed certificate is refused", async () => {
    await expect(discover(undefined)).rejects.toBeInstanceOf(DsmTransportError);
  });

  it("accepts the pinned certificate, whatever way the fingerprint is written", async () => {
    await expect(discover({ mode: "pinned", sha256: fingerprint })).resolves.toHaveProperty([
      "SYNO.API.Info",
    ]);
    await expect(
      discover({ mode: "pinned", sha256: normaliseFingerprint(fingerprint) }),
    ).resolves.toBeDefined();
  });

  it("refuses another certificate than the pinned one before sending the request", async () => {
    const wrong = "00".repeat(32);
    await expect(discover({ mode: "pinned", sha256: wrong })).rejects.toThrow(/does not match the pin/);
  });

  it("refuses a pin that is not a SHA-256 fingerprint", () => {
    expect(() => createDispatcher({ mode: "pinned", sha256: "AB:CD" }, 1000)).toThrow(/64 hex/);
  });

  it("accepts anything when insecure was chosen explicitly", async () => {
    await expect(discover({ mode: "insecure" })).resolves.toBeDefined();
  });
});
