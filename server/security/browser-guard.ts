/**
 * What keeps a web page in a browser from reaching the control plane and the dashboard, and the
 * headers every dashboard answer carries.
 *
 * By design: the control plane and the dashboard's live endpoint take the bearer token when one
 * is set and refuse requests a browser marks as coming from another site (`Sec-Fetch-Site`, or
 * an `Origin` naming another host); the control plane's changes also take only JSON, a content
 * type no page can send to another site without CORS's preflight, which nothing here answers.
 * The dashboard page itself holds nothing secret when a token is set, so any navigation may
 * load it.
 */
import { timingSafeEqual } from "node:crypto";

/** Same-origin script, style, fetch and icon only; no inline code, no framing, no plugins. */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CSP,
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** Whether `Authorization` carries exactly `Bearer <token>` (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  const given = Buffer.from(match?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Why a request must be refused as coming from another site, or undefined. Requests without
 * these headers (curl, old browsers) pass: they cannot be a foreign page's, or the token guards.
 */
export function foreignRequest(headers: {
  fetchSite: string | undefined;
  origin: string | undefined;
  host: string | undefined;
}): string | undefined {
  const site = headers.fetchSite?.toLowerCase();
  if (site !== undefined && site !== "same-origin" && site !== "none")
    return `refused: a ${site} request (Sec-Fetch-Site) may not reach the emulator`;
  if (headers.origin !== undefined && headers.origin !== "null") {
    let host: string;
    try {
      host = new URL(headers.origin).host;
    } catch {
      return "refused: an unreadable Origin";
    }
    if (host !== headers.host) return `refused: a request from ${headers.origin} may not reach the emulator`;
  } else if (headers.origin === "null") return "refused: a request from an opaque origin";
  return undefined;
}

/**
 * The authority (`host[:port]`) a request was sent to, from its URL: the Host header over
 * HTTP/1.1, `:authority` over HTTP/2, which has no Host header (browsers speak HTTP/2 on the
 * HTTPS port, so comparing `Origin` with a Host header would refuse every same-origin call).
 */
export function authorityOf(url: string): string {
  return new URL(url).host;
}

/** Whether a content type is JSON (`application/json`, with or without parameters). */
export function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? "");
}
