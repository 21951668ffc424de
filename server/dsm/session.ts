/**
 * The session of a request: sid from `_sid` (query or body) or the `id` cookie. A cookie
 * session that was given a SynoToken also needs the token (`SynoToken` or `X-SYNO-TOKEN`),
 * as DSM's CSRF protection does; without it the sid is treated as not found (119).
 */
import type { SessionRow } from "../store/accounts";
import type { Store } from "../store/index";
import type { CallerAccount } from "./operation";

export interface SessionSource {
  readonly params: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  header(name: string): string | undefined;
}

export type ResolvedSession = { session: SessionRow; caller: CallerAccount } | 119 | 106;

export function resolveSession(
  store: Store,
  req: SessionSource,
  now: number,
  timeoutMs: number,
): ResolvedSession {
  const fromParam = req.params._sid;
  const sid = fromParam || req.cookies.id;
  if (!sid) return 119;
  const found = store.accounts.sessionWithAccount(sid);
  if (found === undefined) return 119;
  const { session } = found;
  if (now - session.last_seen > timeoutMs) {
    store.accounts.endSession(sid);
    return 106;
  }
  if (!fromParam && session.synotoken !== null) {
    const token = req.params.SynoToken || req.header("x-syno-token");
    if (token !== session.synotoken) return 119;
  }
  // Writing last_seen on every call would turn each read into a write; a second's grain is enough.
  if (now - session.last_seen >= 1000) store.accounts.touch(sid, now);
  return { session, caller: { name: session.account, isAdmin: found.isAdmin } };
}
