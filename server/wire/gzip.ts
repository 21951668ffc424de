/**
 * Content-Encoding: gzip, as DSM's nginx applies it to the WebAPI's JSON. DSM's answers come
 * from its CGIs without a length (`Transfer-Encoding: chunked`), so nginx's `gzip_min_length`
 * never applies: every JSON answer is gzipped when the request accepts gzip, down to a 40-byte
 * `{"error":{"code":408},"success":false}` (recorded in Home Assistant issue #148837), and
 * `Vary: Accept-Encoding` is on every answer that could be gzipped, asked or not (nginx's
 * `gzip_vary` is set before it reads `Accept-Encoding`).
 *
 * Cost, bounded three ways (docs/bench.md has the figures):
 * - Short answers (most of them: `{"success":true}`, errors, logins, one guest) are written as
 *   gzip's stored blocks: the same stream format, no compression work, a CRC and a copy, where
 *   zlib's own set-up costs more than a small answer's whole dispatch. What nginx would save on
 *   them is a few hundred bytes at most.
 * - Larger answers are compressed at level 1 (nginx's default `gzip_comp_level`), on the event
 *   loop up to `SYNC_MAX` (tens of microseconds), on libuv's thread pool above it, so a 5 MB
 *   Guest list never holds the loop.
 * - An answer kept between changes (a cached Guest list, `RawJson`) is compressed once.
 *
 * By design: the compressed bytes are not nginx's byte for byte (no two deflate settings agree,
 * and short answers are stored); clients only ever see the decompressed JSON.
 */
import * as zlib from "node:zlib";

/** Node 20.15 and later; before it, short answers are compressed like the rest. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** Answers up to this many bytes are stored, not compressed (see above). */
export const STORED_MAX = 1024;
/** Answers up to this many bytes are compressed on the event loop; larger ones on the thread pool. */
const SYNC_MAX = 64 * 1024;
const LEVEL = { level: 1 };

/**
 * Whether `Accept-Encoding` allows gzip, as nginx reads it: a `gzip` coding whose `q` is not
 * zero. `*` alone does not count (nginx does not read it as gzip either).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined || !header.toLowerCase().includes("gzip")) return false;
  // What clients send (`gzip`, `gzip, deflate, br`): no weights to read.
  if (!header.includes("q=")) return /(^|,)\s*gzip\s*(;|,|$)/i.test(header);
  for (const part of header.split(",")) {
    const [coding = "", ...params] = part.split(";");
    if (coding.trim().toLowerCase() !== "gzip") continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("q="));
    return q === undefined || Number.parseFloat(q.slice(2)) > 0;
  }
  return false;
}

/** `body` gzipped: at once when short, else compressed (off the event loop when large). */
export function gzipped(body: string | Uint8Array): Uint8Array | Promise<Uint8Array> {
  const length = typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.byteLength;
  if (length <= STORED_MAX && crc32 !== undefined) return stored(body, length, crc32);
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  if (length <= SYNC_MAX) return zlib.gzipSync(bytes, LEVEL);
  return new Promise((resolve, reject) => {
    zlib.gzip(bytes, LEVEL, (err, out) => (err === null ? resolve(out) : reject(err)));
  });
}

/** Gzip's fixed header: magic, deflate, no flags, no time, no extra flags, OS unknown (RFC 1952). */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);

/**
 * One gzip member holding `bytes` in a single final stored deflate block (RFC 1951 §3.2.4:
 * BFINAL=1, BTYPE=00, LEN, NLEN), then CRC-32 and length. Only for up to 65535 bytes.
 */
function stored(body: string | Uint8Array, n: number, crc: (data: Uint8Array) => number): Buffer {
  const out = Buffer.allocUnsafe(HEADER.length + 5 + n + 8);
  HEADER.copy(out, 0);
  let at = HEADER.length;
  out[at++] = 1;
  out.writeUInt16LE(n, at);
  out.writeUInt16LE(n ^ 0xffff, at + 2);
  at += 4;
  // The text is encoded straight into its place: one copy, no intermediate buffer.
  if (typeof body === "string") out.write(body, at, "utf8");
  else out.set(body, at);
  out.writeUInt32LE(crc(out.subarray(at, at + n)), at + n);
  out.writeUInt32LE(n, at + n + 4);
  return out;
}
