/**
 * The dispatcher, read top to bottom: find the API (101/102), check the version (104), find the
 * method (103), check the session (119/106/105), apply cluster rules for changes, run the
 * operation (its parameters fail with 401), and hand back an answer. It knows nothing of HTTP:
 * the HTTP layer (http.ts) gathers the request and renders the answer.
 */
import type { SessionRow } from "../store/auth";
import { clusterRefusal } from "./cluster";
import { DsmError, type DsmErrorDetail } from "./errors";
import {
  type CallContext,
  type CallerAccount,
  type CgiName,
  findApi,
  findMethod,
  type Registry,
  type Services,
} from "./registry";

export interface DsmRequest {
  readonly cgi: CgiName;
  /** The API named by the path-info form `/webapi/entry.cgi/<API>`, if any. */
  readonly pathApi: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  header(name: string): string | undefined;
}

export type DsmAnswer =
  | { readonly success: true; readonly data: unknown; readonly cookies: readonly string[] }
  | {
      readonly success: false;
      readonly code: number;
      readonly errors?: DsmErrorDetail;
      readonly cookies: readonly string[];
    };

export function dispatch(services: Services, registry: Registry, req: DsmRequest): DsmAnswer {
  const cookies: string[] = [];
  const fail = (code: number, errors?: DsmErrorDetail): DsmAnswer =>
    errors === undefined ? { success: false, code, cookies } : { success: false, code, errors, cookies };

  const apiName = req.params.api || req.pathApi;
  const method = req.params.method;
  const versionText = req.params.version;
  if (!apiName || !method || !versionText) return fail(101);

  const api = findApi(registry, apiName);
  if (api === undefined || !api.servedOn.includes(req.cgi)) return fail(102);

  const version = Number(versionText);
  if (!/^\d+$/.test(versionText) || version < api.minVersion || version > api.maxVersion) return fail(104);

  const operation = findMethod(api, method);
  if (operation === undefined) return fail(103);

  const now = services.clock.now();
  services.tick(now);

  let session: SessionRow | undefined;
  let account: CallerAccount | undefined;
  if (operation.session !== "none") {
    const resolved = resolveSession(services, req, now);
    if (typeof resolved === "number") {
      if (operation.session === "required") return fail(resolved);
    } else {
      session = resolved.session;
      account = resolved.account;
    }
    if (operation.adminOnly && account !== undefined && !account.isAdmin) return fail(105);
  }

  const override = services.interceptor?.({
    api: apiName,
    method,
    version,
    account: account?.name,
    params: req.params,
  });
  if (override !== undefined) return fail(override.code, override.errors);

  if (operation.mutating) {
    const refusal = clusterRefusal(services.store);
    if (refusal !== undefined) return fail(refusal);
  }

  const ctx: CallContext = {
    services,
    now,
    api: apiName as CallContext["api"],
    method,
    version,
    cgi: req.cgi,
    params: req.params,
    cookies: req.cookies,
    session,
    account,
    setCookie: (name, value) => cookies.push(`${name}=${value}; path=/; HttpOnly`),
  };
  try {
    return { success: true, data: operation.run(ctx), cookies };
  } catch (err) {
    if (err instanceof DsmError) return fail(err.code, err.errors);
    throw err;
  }
}

/**
 * The session of a request: sid from `_sid` (query or body) or the `id` cookie. A cookie
 * session that was given a SynoToken also needs the token (`SynoToken` or `X-SYNO-TOKEN`),
 * as DSM's CSRF protection does; without it the sid is treated as not found (119).
 */
function resolveSession(
  services: Services,
  req: DsmRequest,
  now: number,
): { session: SessionRow; account: CallerAccount } | 119 | 106 {
  const { store, config } = services;
  const fromParam = req.params._sid;
  const sid = fromParam || req.cookies.id;
  if (!sid) return 119;
  const found = store.auth.sessionWithAccount(sid);
  if (found === undefined) return 119;
  const { session } = found;
  if (now - session.last_seen > config.sessionTimeout * 1000) {
    store.auth.endSession(sid);
    return 106;
  }
  if (!fromParam && session.synotoken !== null) {
    const token = req.params.SynoToken || req.header("x-syno-token");
    if (token !== session.synotoken) return 119;
  }
  // Writing last_seen on every call would turn each read into a write; a second's grain is enough.
  if (now - session.last_seen >= 1000) store.auth.touch(sid, now);
  return { session, account: { name: session.account, isAdmin: found.isAdmin } };
}
