/**
 * Helpers for the DSM 7 wire tests: calls over HTTPS (with the emulator's certificate trusted,
 * pinned, or not checked, as clients do), and the accounts the default fixture has for DSM 7's
 * login codes.
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { TLSSocket } from "node:tls";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Agent, buildConnector, type Dispatcher, request } from "undici";
import { LoginKeyHolder, loginKeyFrom } from "../../server/security/login-encryption";
import { newResponderKey } from "../../server/security/noise";
import type { Keys } from "../../server/wire/operation";

export const DSM7_ACCOUNTS = {
  /** password_state expired: 409. */
  expired: { account: "expired", passwd: "expired-pass" },
  /** password_state expired_locked: 408. */
  frozen: { account: "frozen", passwd: "frozen-pass" },
  /** password_state must_change: 410. */
  newhire: { account: "newhire", passwd: "newhire-pass" },
  /** locked: 411. */
  locked: { account: "lockedout", passwd: "lockedout-pass" },
  /** otp_enforced without a secret: 406. */
  enforced: { account: "enforced", passwd: "enforced-pass" },
} as const;

export type Trust = { ca: string } | { pin: string } | "insecure";

/** An undici dispatcher that trusts the emulator's certificate (`ca`), pins its fingerprint, or checks nothing. */
export function tlsAgent(trust: Trust): Agent {
  if (trust === "insecure") return new Agent({ connect: { rejectUnauthorized: false } });
  if ("ca" in trust) return new Agent({ connect: { ca: trust.ca } });
  // No session resumption: a resumed session shows no peer certificate to check.
  const base = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  return new Agent({
    connect: (options, callback) =>
      base(options, (err, socket) => {
        if (err !== null) return callback(err, null);
        const got = socket instanceof TLSSocket ? socket.getPeerCertificate().fingerprint256 : "";
        if (got !== trust.pin) {
          socket.destroy();
          return callback(new Error(`fingerprint ${got} is not the pinned ${trust.pin}`), null);
        }
        callback(null, socket);
      }),
  });
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: {
    success: boolean;
    data?: Record<string, unknown>;
    error?: { code: number; errors?: unknown };
  };
  readonly text: string;
}

/**
 * One request to `url` with `dispatcher` (method, headers and body exactly as given). A gzipped
 * answer is decompressed, as Go's and aiohttp's clients do (`headers` still say it was gzipped).
 */
export async function send(
  dispatcher: Dispatcher,
  url: string,
  init: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const res = await request(url, {
    dispatcher,
    method: init.method ?? "GET",
    ...(init.headers === undefined ? {} : { headers: init.headers }),
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const text = (res.headers["content-encoding"] === "gzip" ? gunzipSync(bytes) : bytes).toString("utf8");
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(text), text };
}

/** `Set-Cookie` values of an answer, as an array. */
export function setCookies(reply: { headers: Record<string, string | string[] | undefined> }): string[] {
  const raw = reply.headers["set-cookie"];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

/** A form body as clients encode it. */
export const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

/**
 * The emulator's keys for tests: a fixed 4096-bit RSA login key (test/fixtures/login-key.pem:
 * making one takes a second or two per process) and a new Noise key.
 */
export function testKeys(): Keys {
  const pem = readFileSync(fileURLToPath(new URL("../fixtures/login-key.pem", import.meta.url)), "utf8");
  const key = loginKeyFrom(createPrivateKey(pem));
  return { noise: newResponderKey(), login: new LoginKeyHolder(() => Promise.resolve(key)) };
}
