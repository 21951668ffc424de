/**
 * A self-signed X.509 v3 certificate (RFC 5280) for an ECDSA P-256 key, written as DER by hand.
 *
 * Why not a library: Node has no certificate maker, and the one used before (@peculiar/x509)
 * needs a `Reflect` metadata polyfill installed on the global object, a change of the consumer's
 * process that an emulator started inside a test runner must not make. The certificate is
 * small and fixed in shape: a few DER writers and Node's `crypto.sign` make it, and Node's own
 * `X509Certificate` and TLS client read it back in the tests (test/security/certificate.test.ts).
 */
import { createHash, createPublicKey, type KeyObject, sign } from "node:crypto";
import { isIP } from "node:net";

/** A name the certificate covers (subjectAltName). */
export interface AltName {
  readonly kind: "dns" | "ip";
  readonly value: string;
}

export interface SelfSignedRequest {
  /** An EC P-256 private key. */
  readonly key: KeyObject;
  /** A positive serial number of at most 16 bytes. */
  readonly serial: Buffer;
  /** The common name and organisation of the subject (and issuer: it signs itself). */
  readonly commonName: string;
  readonly organisation: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly names: readonly AltName[];
}

// --- DER: tag, length, value ---

function tlv(tag: number, value: Buffer): Buffer {
  const n = value.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, value]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (value: Buffer) => tlv(0x04, value);
const bits = (value: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), value]));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, "utf8"));
const bool = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0]));
/** A non-negative INTEGER: a leading zero keeps a high first bit from reading as negative. */
const integer = (value: Buffer) =>
  tlv(0x02, (value[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.of(0), value]) : value);
/** Context-specific tags: [n] EXPLICIT (constructed), [n] IMPLICIT primitive. */
const explicit = (n: number, value: Buffer) => tlv(0xa0 | n, value);
const implicit = (n: number, value: Buffer) => tlv(0x80 | n, value);

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, "ascii"))
    : tlv(0x18, Buffer.from(`${iso}Z`, "ascii"));
}

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organisation: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
} as const;

const extension = (id: string, critical: boolean, value: Buffer) =>
  sequence(oid(id), ...(critical ? [bool(true)] : []), octets(value));

function altName(name: AltName): Buffer {
  if (name.kind === "dns") return implicit(2, Buffer.from(name.value, "ascii"));
  return implicit(7, ipBytes(name.value));
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split(".").map(Number));
  // IPv6: expand `::` to the missing groups of zeros.
  const [head = "", tail] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, "0"), "hex")));
}

/** The certificate, PEM-encoded. */
export function selfSignedCertificate(request: SelfSignedRequest): string {
  const spki = createPublicKey(request.key).export({ type: "spki", format: "der" });
  // The subjectPublicKey BIT STRING's bytes: an uncompressed P-256 point, the last 65 bytes.
  const publicKeyBits = spki.subarray(spki.length - 65);
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const name = sequence(
    set(sequence(oid(OID.commonName), utf8(request.commonName))),
    set(sequence(oid(OID.organisation), utf8(request.organisation))),
  );
  const extensions = sequence(
    extension(OID.basicConstraints, true, sequence()),
    // digitalSignature only: bit 0, in a one-byte BIT STRING with 7 unused bits.
    extension(OID.keyUsage, true, bits(Buffer.from([0x80]), 7)),
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, sequence(...request.names.map(altName))),
    // Method 1 of RFC 5280 4.2.1.2: the SHA-1 of the public key's bits.
    extension(OID.subjectKeyIdentifier, false, octets(createHash("sha1").update(publicKeyBits).digest())),
  );
  const tbs = sequence(
    explicit(0, integer(Buffer.of(2))), // v3
    integer(request.serial),
    algorithm,
    name,
    sequence(time(request.notBefore), time(request.notAfter)),
    name,
    spki,
    explicit(3, extensions),
  );
  const signature = sign("sha256", tbs, { key: request.key, dsaEncoding: "der" });
  const der = sequence(tbs, algorithm, bits(signature));
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
