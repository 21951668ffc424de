/**
 * The dispatcher, read top to bottom: find the API (101/102), check the version (104), find the
 * method (103); then, in one transaction, apply what time made due (the tick), check the
 * session (119/106/105), consult the fault hooks, apply the cluster rules to changes
 * (500/501/600), parse the parameters (the family's bad-parameter code) and run the handler,
 * whose writes roll back alone when it fails. A read on an in-memory database needs no
 * transaction (Store.read). It knows nothing of HTTP: the HTTP layer (http.ts) gathers the
 * request and renders the answer.
 */
import { type ApiSpec, apiSpec, type Cgi, guardedByCluster, type MethodSpec } from "../../contract/apis";
import { BAD_PARAMETER } from "../../contract/errors";
import type { Clock } from "../clock";
import type { Config } from "../config";
import { clusterRefusal } from "../model/cluster";
import type { TaskFault } from "../model/context";
import type { Pace } from "../model/pace";
import { Refusal } from "../model/refusal";
import type { Tick } from "../model/tick";
import type { SessionRow } from "../store/accounts";
import type { Store } from "../store/index";
import { unquote } from "./codecs";
import type { DsmAnswer } from "./envelope";
import { DsmError, type DsmErrorDetail, ErrorAnswer } from "./errors";
import { MAX_BATCH_CALLS, MAX_BATCH_LOGINS } from "./limits";
import {
  type ApiOperations,
  BadParameters,
  type BatchContext,
  type CallContext,
  type CallerAccount,
  type Keys,
  type Operation,
  type OperationTable,
} from "./operation";
import { resolveSession, sessionCookie } from "./session";
import { type AnswerShape, shapeAnswer } from "./shape";
import type { Upload } from "./upload";

export interface DsmRequest {
  readonly cgi: Cgi;
  /** The API named by the path-info form `/webapi/entry.cgi/<API>`, if any. */
  readonly pathApi: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  /** The client's address ("unknown" without a socket). */
  readonly address: string;
  /** The file an upload method's call carried, as counted while it streamed. */
  readonly upload?: Upload | undefined;
  /** Set on a batch's elements: what the whole request has run so far (MAX_BATCH_*). */
  readonly batch?: BatchBudget | undefined;
  header(name: string): string | undefined;
}

/** What one request's batch has run, counted across all its elements. */
export interface BatchBudget {
  calls: number;
  logins: number;
}

export type { DsmAnswer } from "./envelope";

/** What the dispatcher works with; built once by the composition root (app.ts). */
export interface DispatchEnv {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: Config;
  readonly pace: Pace;
  readonly tick: Tick;
  readonly keys: Keys;
  readonly operations: OperationTable;
}

/** A call as the fault hooks see it (after the session check, so rules can match the account). */
export interface InterceptedCall {
  readonly api: string;
  readonly method: string;
  readonly version: number;
  readonly account: string | undefined;
  readonly params: Readonly<Record<string, string>>;
}

export type TransportFault =
  | { readonly type: "delay"; readonly ms: number }
  | { readonly type: "reset" }
  | { readonly type: "hang" }
  | { readonly type: "malformed" };

/** What a fault rule does to one call. */
export interface FaultVerdict {
  readonly ruleId: string;
  /** Answer this DSM error instead of running the operation. */
  readonly error?: { readonly code: number; readonly errors?: DsmErrorDetail };
  /** Do not run the operation (a transport fault standing for a request DSM never saw). */
  readonly skip?: boolean;
  readonly transport?: TransportFault;
  /** Arm the task the call starts (it is armed when its row is written, in the same transaction). */
  readonly taskFault?: TaskFault;
  /** Let the call run, then change what it answers (see shape.ts). */
  readonly shapes?: readonly AnswerShape[];
  /** A power transition the call starts never settles (a shutdown the guest ignores). */
  readonly holdTransition?: boolean;
}

export interface DispatchHooks {
  verdict?(call: InterceptedCall): FaultVerdict | undefined;
}

export interface Dispatched {
  readonly answer: DsmAnswer;
  readonly verdict: FaultVerdict | undefined;
}

/** A call routed to its operation (API, version and method found). */
interface Route {
  readonly apiName: string;
  readonly spec: ApiSpec;
  readonly api: ApiOperations<never>;
  readonly method: string;
  readonly methodSpec: MethodSpec;
  readonly operation: Operation;
  readonly version: number;
}

export async function dispatch(
  env: DispatchEnv,
  req: DsmRequest,
  hooks: DispatchHooks = {},
): Promise<Dispatched> {
  const route = routeOf(env, req);
  if ("answer" in route) return route;
  const { operation } = route;
  if (req.batch !== undefined) {
    const refused = overBudget(req.batch, operation);
    if (refused !== undefined) return refused;
  }
  if (operation.batch !== undefined) return runBatch(env, req, hooks, route, operation.batch);
  if (operation.prepare === undefined) return runInTransaction(env, req, hooks, route, operation.call);
  // Work that waits (a key, a decryption, a password hash) runs before the transaction opens.
  const prepared = await operation.prepare({
    params: req.params,
    now: env.clock.now(),
    keys: env.keys,
    store: env.store,
    address: req.address,
    header: (name) => req.header(name),
  });
  const params = prepared.params ?? req.params;
  return runInTransaction(env, { ...req, params }, hooks, route, prepared.call);
}

/**
 * A batch's element that may not run (113): a batch in a batch, found by its operation whatever
 * its method's spelling (methods match without case); a call beyond MAX_BATCH_CALLS for the
 * whole request; a login (an operation with a costly prepare step) beyond MAX_BATCH_LOGINS.
 */
function overBudget(budget: BatchBudget, operation: Operation): Dispatched | undefined {
  const refused = { answer: { success: false, code: 113, cookies: [] }, verdict: undefined } as const;
  if (operation.batch !== undefined) return refused;
  if (++budget.calls > MAX_BATCH_CALLS) return refused;
  if (operation.prepare !== undefined && ++budget.logins > MAX_BATCH_LOGINS) return refused;
  return undefined;
}

/** 101 (no api/method/version), 102 (no such API here), 104 (version), 103 (method). */
function routeOf(env: DispatchEnv, req: DsmRequest): Route | Dispatched {
  const failed = (code: number): Dispatched => ({
    answer: { success: false, code, cookies: [] },
    verdict: undefined,
  });
  // Client quirk: where DSM reads JSON, a JSON-quoted api/method/version ("\"SYNO.X\"") is read too.
  const apiName = unquote(req.params.api) || req.pathApi;
  const method = unquote(req.params.method);
  const versionText = unquote(req.params.version);
  if (!apiName || !method || !versionText) return failed(101);

  const spec = apiSpec(apiName);
  if (spec === undefined || !spec.servedOn.includes(req.cgi)) return failed(102);

  const version = Number(versionText);
  if (!/^\d+$/.test(versionText) || version < spec.minVersion || version > spec.maxVersion)
    return failed(104);

  const api = env.operations[apiName as keyof OperationTable] as ApiOperations<never>;
  const found = findMethod(spec.methods, api.methods as Readonly<Record<string, Operation>>, method);
  if (found === undefined) return failed(103);
  const [name, methodSpec, operation] = found;
  const [min, max] = methodSpec.versions ?? [spec.minVersion, spec.maxVersion];
  if (version < min || version > max) return failed(104);
  return { apiName, spec, api, method: name, methodSpec, operation, version };
}

/** The handler of a routed call, bound to what its prepare step found (if it has one). */
type Handler = (ctx: CallContext) => unknown;

/** Builds the answers of one call: each failure carries the cookies the call has set so far. */
function answers() {
  const cookies: string[] = [];
  const fail = (code: number, errors?: DsmErrorDetail): DsmAnswer =>
    errors === undefined ? { success: false, code, cookies } : { success: false, code, errors, cookies };
  return { cookies, fail };
}
type Fail = ReturnType<typeof answers>["fail"];

/** One call in one transaction (a write transaction when it changes state or time made work due). */
function runInTransaction(
  env: DispatchEnv,
  req: DsmRequest,
  hooks: DispatchHooks,
  route: Route,
  handler: Handler,
): Dispatched {
  const { store, tick } = env;
  const now = env.clock.now();
  const writes = route.methodSpec.changes || tick.isDue(now);
  const call = { verdict: undefined as FaultVerdict | undefined };
  const run = (): DsmAnswer => {
    const opened = store.changes.stamp();
    tick.apply(now);
    return answerCall(env, req, hooks, route, handler, now, opened, call);
  };
  try {
    const answer = writes ? store.immediate(run) : store.read(run);
    return { answer: shaped(answer, call.verdict), verdict: call.verdict };
  } catch (err) {
    if (err instanceof Undone) return { answer: shaped(err.answer, call.verdict), verdict: call.verdict };
    throw err;
  } finally {
    tick.settle();
  }
}

/** Inside the transaction, step by step: session, fault hooks, cluster rules, the handler. */
function answerCall(
  env: DispatchEnv,
  req: DsmRequest,
  hooks: DispatchHooks,
  route: Route,
  handler: Handler,
  now: number,
  opened: number,
  call: { verdict: FaultVerdict | undefined },
): DsmAnswer {
  const { cookies, fail } = answers();
  const caller = callerOf(env, req, route, now);
  if (typeof caller === "number") return fail(caller);

  const verdict = hooks.verdict?.({
    api: route.apiName,
    method: req.params.method ?? route.method,
    version: route.version,
    account: caller.caller?.name,
    params: req.params,
  });
  call.verdict = verdict;
  if (verdict?.error !== undefined) return fail(verdict.error.code, verdict.error.errors);
  // The code is never sent: the transport fault replaces the whole answer.
  if (verdict?.skip === true) return fail(100);

  if (guardedByCluster(route.methodSpec)) {
    const refusal = clusterRefusal(env.store);
    if (refusal !== undefined) return fail(codeOf(route.api, refusal));
  }

  const ctx = callContext(env, req, route, now, caller, verdict, cookies);
  // DSM hands a browser's session cookie back on its entry.cgi answers, so a cookie client's
  // session stays fresh in its jar: DSM 7.1 was recorded doing so without max-age, DSM 7.2
  // (Home Assistant issue #148837) with the login's attributes, max-age included, as here.
  if (caller.byCookie && caller.session !== undefined && req.cgi === "entry.cgi")
    cookies.push(sessionCookie(caller.session.sid, now));
  return runHandler(env.store, route, handler, ctx, opened, { cookies, fail });
}

/** Who calls: the session (119/106 when one is required and missing), 105 for a non-admin on an admin API. */
interface Caller {
  readonly session: SessionRow | undefined;
  readonly caller: CallerAccount | undefined;
  readonly byCookie: boolean;
}

function callerOf(env: DispatchEnv, req: DsmRequest, route: Route, now: number): Caller | number {
  const { methodSpec, spec } = route;
  const none: Caller = { session: undefined, caller: undefined, byCookie: false };
  if (methodSpec.session === "none") return none;
  const { store, config } = env;
  const resolved = resolveSession(store, req, now, config.sessionTimeout * 1000, config.sessionExpiredCode);
  if (typeof resolved === "number") return methodSpec.session === "required" ? resolved : none;
  if (spec.admin && !resolved.caller.isAdmin) return 105;
  return resolved;
}

function callContext(
  env: DispatchEnv,
  req: DsmRequest,
  route: Route,
  now: number,
  { session, caller }: Caller,
  verdict: FaultVerdict | undefined,
  cookies: string[],
): CallContext {
  return {
    store: env.store,
    now,
    pace: env.pace,
    account: caller?.name,
    taskFault: verdict?.taskFault,
    holdTransition: verdict?.holdTransition === true,
    config: env.config,
    keys: env.keys,
    address: req.address,
    upload: req.upload,
    api: route.apiName as CallContext["api"],
    method: route.method,
    version: route.version,
    cgi: req.cgi,
    params: req.params,
    cookies: req.cookies,
    session,
    caller,
    header: (h) => req.header(h),
    setCookie: (cookie) => cookies.push(cookie),
  };
}

/**
 * Runs the handler. A refused change leaves nothing behind: when the call wrote before it (the
 * tick, the session's last use), the change runs in a savepoint that rolls back alone;
 * otherwise a refusal that wrote rolls the whole transaction back (a savepoint costs two
 * statements).
 */
function runHandler(
  store: Store,
  route: Route,
  handler: Handler,
  ctx: CallContext,
  opened: number,
  { cookies, fail }: { cookies: string[]; fail: Fail },
): DsmAnswer {
  const { methodSpec, api, spec } = route;
  const savepoint = methodSpec.changes && store.changes.stamp() !== opened;
  const before = store.changes.stamp();
  try {
    const data = savepoint ? store.immediate(() => handler(ctx)) : handler(ctx);
    if (data instanceof ErrorAnswer) return fail(data.code, data.errors);
    return { success: true, data, cookies };
  } catch (err) {
    const refused = refusalAnswer(err, api, spec, fail);
    if (refused === undefined) throw err;
    if (methodSpec.changes && !savepoint && store.changes.stamp() !== before) throw new Undone(refused);
    return refused;
  }
}

function shaped(answer: DsmAnswer, verdict: FaultVerdict | undefined): DsmAnswer {
  return verdict?.shapes === undefined ? answer : shapeAnswer(answer, verdict.shapes);
}

/** A refused change that wrote: thrown to roll the call's transaction back, then answered. */
class Undone extends Error {
  constructor(readonly answer: DsmAnswer) {
    super("refused change undone");
  }
}

/** The answer to a handler's refusal (a DSM code, the model's reason, bad parameters), if it is one. */
function refusalAnswer(
  err: unknown,
  api: ApiOperations<never>,
  spec: ApiSpec,
  fail: (code: number, errors?: DsmErrorDetail) => DsmAnswer,
): DsmAnswer | undefined {
  if (err instanceof DsmError) return fail(err.code, err.errors);
  if (err instanceof Refusal) return fail(codeOf(api, err.reason));
  if (err instanceof BadParameters) return fail(BAD_PARAMETER[spec.errors]);
  return undefined;
}

/**
 * A batch (SYNO.Entry.Request): each inner call goes through this dispatcher as a call of its
 * own, with the outer call's session (its `_sid`, `SynoToken`, cookies and headers), the same
 * fault hooks and its own transaction. A batch inside a batch is refused (113), and so are the
 * elements beyond the request's budget (overBudget).
 */
async function runBatch(
  env: DispatchEnv,
  req: DsmRequest,
  hooks: DispatchHooks,
  route: Route,
  batch: (ctx: BatchContext) => Promise<unknown>,
): Promise<Dispatched> {
  const cookies: string[] = [];
  const inherited: Record<string, string> = {};
  for (const key of ["_sid", "SynoToken"]) {
    const value = req.params[key];
    if (value !== undefined) inherited[key] = value;
  }
  const budget: BatchBudget = req.batch ?? { calls: 0, logins: 0 };
  const ctx: BatchContext = {
    params: req.params,
    async dispatch(params) {
      const inner = await dispatch(
        env,
        { ...req, pathApi: undefined, params: { ...inherited, ...params }, batch: budget },
        hooks,
      );
      cookies.push(...inner.answer.cookies);
      const { answer } = inner;
      return answer.success
        ? { success: true, data: answer.data }
        : answer.errors === undefined
          ? { success: false, code: answer.code }
          : { success: false, code: answer.code, errors: answer.errors };
    },
  };
  try {
    const data = await batch(ctx);
    return { answer: { success: true, data, cookies }, verdict: undefined };
  } catch (err) {
    if (err instanceof DsmError)
      return { answer: { success: false, code: err.code, cookies }, verdict: undefined };
    if (err instanceof BadParameters)
      return {
        answer: { success: false, code: BAD_PARAMETER[route.spec.errors], cookies },
        verdict: undefined,
      };
    throw err;
  }
}

function codeOf(api: ApiOperations<never>, reason: Refusal["reason"]): number {
  // An API without a refusal table never reaches the model's rules; if it did, that is a bug.
  if (api.refusals === undefined) throw new Error(`refusal ${reason} on an API without a refusal table`);
  return api.refusals[reason];
}

/**
 * The method named `method`. Client quirk: Home Assistant's old Synology integration queries
 * `method=Query` and DSM answers it, so a method whose name differs only in case is found too.
 */
function findMethod(
  specs: Readonly<Record<string, MethodSpec>>,
  operations: Readonly<Record<string, Operation>>,
  method: string,
): [name: string, spec: MethodSpec, operation: Operation] | undefined {
  const name = Object.hasOwn(specs, method)
    ? method
    : Object.keys(specs).find((m) => m.toLowerCase() === method.toLowerCase());
  if (name === undefined) return undefined;
  const spec = specs[name];
  const operation = operations[name];
  return spec === undefined || operation === undefined ? undefined : [name, spec, operation];
}
