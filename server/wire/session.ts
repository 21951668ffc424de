/**
 * The session of a request: sid from `_sid` (query or body) or the `id` cookie. A cookie
 * session that was given a SynoToken also needs the token (`SynoToken` or `X-SYNO-TOKEN`),
 * as DSM's CSRF protection does; without it the sid is treated as not found (119).
 *
 * By design (DSM's behaviour here is not documented, see docs/differences.md):
 * - an expired session answers `expiredCode` once (119 by default, as DSM 7 was seen to; 106 is
 *   the guide's), then 119: it is forgotten;
 * - a cookie session without a SynoToken (`format=cookie`, no `enable_syno_token`) is refused
 *   (119) on a request a browser marks as another site's (`Sec-Fetch-Site`, `Origin`), so a
 *   foreign page's form or link cannot use it; clients that are not browsers send neither;
 * - a session whose login answered a Noise handshake (N4S4's web login) checks the
 *   `X-SYNO-HASH` header a request carries: a bad or replayed one is treated as not found (119).
 *   A request without the header is accepted, as third-party notes say DSM does.
 */
import { foreignRequest } from "../security/browser-guard";
import { NoiseSession, type NoiseSessionState } from "../security/noise";
import type { SessionRow } from "../store/accounts";
import type { Store } from "../store/index";
import type { CallerAccount } from "./operation";

/** How long DSM's `id` cookie lives (its `max-age`). */
export const SESSION_COOKIE_SECONDS = 604_800;

/**
 * A cookie's `expires` date as DSM writes it, `seconds` after `now`: the Netscape form with
 * dashes (`Thu, 24-Jul-2025 01:50:48 GMT`, recorded in Home Assistant issue #148837).
 */
export function cookieExpires(now: number, seconds: number): string {
  const [day, date, month, year, time] = new Date(now + seconds * 1000).toUTCString().split(" ");
  return `${day} ${date}-${month}-${year} ${time} GMT`;
}

/**
 * The session cookie, on the login and again on later entry.cgi answers to a cookie session
 * (both recorded with the same attributes).
 */
export const sessionCookie = (sid: string, now: number): string =>
  `id=${sid};expires=${cookieExpires(now, SESSION_COOKIE_SECONDS)};max-age=${SESSION_COOKIE_SECONDS};path=/;HttpOnly`;
/**
 * Per account: the sessions and device tokens kept (the oldest go first). Per account, so that
 * a non-administrator logging in in a loop evicts only its own sessions.
 */
export const MAX_SESSIONS_PER_ACCOUNT = 256;
export const MAX_DEVICES_PER_ACCOUNT = 64;
/** Longest session or device name kept (a login's `session`, `device_name`). */
export const MAX_CLIENT_NAME = 128;

export interface SessionSource {
  readonly params: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  header(name: string): string | undefined;
}

export type ResolvedSession = { session: SessionRow; caller: CallerAccount; byCookie: boolean } | 119 | 106;

export function resolveSession(
  store: Store,
  req: SessionSource,
  now: number,
  timeoutMs: number,
  expiredCode: 119 | 106,
): ResolvedSession {
  const fromParam = req.params._sid;
  const sid = fromParam || req.cookies.id;
  if (!sid) return 119;
  const found = store.accounts.sessionWithAccount(sid);
  if (found === undefined) return 119;
  const { session } = found;
  if (now - session.last_seen > timeoutMs) {
    store.accounts.endSession(sid);
    return expiredCode;
  }
  if (!fromParam && session.synotoken !== null) {
    const token = req.params.SynoToken || req.header("x-syno-token");
    if (token !== session.synotoken) return 119;
  }
  // A cookie without a token is all a foreign page's form or link needs: what a browser marks
  // as another site's is not this session's.
  if (!fromParam && session.synotoken === null && crossSite(req)) return 119;
  if (session.noise_state !== null) {
    const hash = req.header("x-syno-hash");
    if (hash !== undefined) {
      const noise = new NoiseSession(JSON.parse(session.noise_state) as NoiseSessionState);
      if (!noise.verifyHash(hash).ok) return 119;
      store.accounts.setNoiseState(sid, JSON.stringify(noise.state()));
    }
  }
  // Writing last_seen on every call would turn each read into a write; a second's grain is enough.
  if (now - session.last_seen >= 1000) store.accounts.touch(sid, now);
  return { session, caller: { name: session.account, isAdmin: found.isAdmin }, byCookie: !fromParam };
}

/**
 * Whether the request names a session that exists and has not expired, changing nothing: asked
 * before an upload's file is kept (the full check, tokens and all, is the dispatcher's).
 */
export function sessionExists(
  store: Store,
  req: Pick<SessionSource, "params" | "cookies">,
  now: number,
  timeoutMs: number,
): boolean {
  const sid = req.params._sid || req.cookies.id;
  if (!sid) return false;
  const found = store.accounts.sessionWithAccount(sid);
  return found !== undefined && now - found.session.last_seen <= timeoutMs;
}

const crossSite = (req: SessionSource): boolean =>
  foreignRequest({
    fetchSite: req.header("sec-fetch-site"),
    origin: req.header("origin"),
    host: req.header("host"),
  }) !== undefined;
