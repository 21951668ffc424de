/**
 * The dispatcher, read top to bottom: find the API (101/102), check the version (104), find the
 * method (103); then, in one transaction, apply what time made due (the tick), check the
 * session (119/106/105), consult the fault hooks, apply the cluster rules to changes
 * (500/501/600), parse the parameters (the family's bad-parameter code) and run the handler,
 * whose writes roll back alone when it fails. It knows nothing of HTTP: the HTTP layer
 * (http.ts) gathers the request and renders the answer.
 */
import { apiSpec, type Cgi, guardedByCluster, type MethodSpec } from "../../spec/apis";
import { BAD_PARAMETER } from "../../spec/errors";
import type { Clock } from "../clock";
import type { Config } from "../config";
import { clusterRefusal } from "../model/cluster";
import type { TaskFault } from "../model/context";
import type { Pace } from "../model/pace";
import { Refusal } from "../model/refusal";
import type { Tick } from "../model/tick";
import type { SessionRow } from "../store/accounts";
import type { Store } from "../store/index";
import { DsmError, type DsmErrorDetail, ErrorAnswer } from "./errors";
import {
  type ApiOperations,
  BadParameters,
  type CallContext,
  type CallerAccount,
  type Operation,
  type OperationTable,
} from "./operation";
import { resolveSession } from "./session";

export interface DsmRequest {
  readonly cgi: Cgi;
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

/** What the dispatcher works with; built once by the composition root (app.ts). */
export interface DispatchEnv {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: Config;
  readonly pace: Pace;
  readonly tick: Tick;
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
}

export interface DispatchHooks {
  verdict?(call: InterceptedCall): FaultVerdict | undefined;
}

export interface Dispatched {
  readonly answer: DsmAnswer;
  readonly verdict: FaultVerdict | undefined;
}

export function dispatch(env: DispatchEnv, req: DsmRequest, hooks: DispatchHooks = {}): Dispatched {
  const cookies: string[] = [];
  const fail = (code: number, errors?: DsmErrorDetail): DsmAnswer =>
    errors === undefined ? { success: false, code, cookies } : { success: false, code, errors, cookies };
  const answered = (answer: DsmAnswer): Dispatched => ({ answer, verdict: undefined });

  const apiName = req.params.api || req.pathApi;
  const method = req.params.method;
  const versionText = req.params.version;
  if (!apiName || !method || !versionText) return answered(fail(101));

  const spec = apiSpec(apiName);
  if (spec === undefined || !spec.servedOn.includes(req.cgi)) return answered(fail(102));

  const version = Number(versionText);
  if (!/^\d+$/.test(versionText) || version < spec.minVersion || version > spec.maxVersion)
    return answered(fail(104));

  const api = env.operations[apiName as keyof OperationTable] as ApiOperations<never>;
  const found = findMethod(spec.methods, api.methods as Readonly<Record<string, Operation>>, method);
  if (found === undefined) return answered(fail(103));
  const [name, methodSpec, operation] = found;

  const { store, tick } = env;
  const now = env.clock.now();
  const writes = methodSpec.changes || tick.isDue(now);
  let verdict: FaultVerdict | undefined;
  const run = (): DsmAnswer => {
    tick.apply(now);
    let session: SessionRow | undefined;
    let caller: CallerAccount | undefined;
    if (methodSpec.session !== "none") {
      const resolved = resolveSession(store, req, now, env.config.sessionTimeout * 1000);
      if (typeof resolved === "number") {
        if (methodSpec.session === "required") return fail(resolved);
      } else {
        session = resolved.session;
        caller = resolved.caller;
      }
      if (spec.admin && caller !== undefined && !caller.isAdmin) return fail(105);
    }

    verdict = hooks.verdict?.({ api: apiName, method, version, account: caller?.name, params: req.params });
    if (verdict?.error !== undefined) return fail(verdict.error.code, verdict.error.errors);
    // The code is never sent: the transport fault replaces the whole answer.
    if (verdict?.skip === true) return fail(100);

    if (guardedByCluster(methodSpec)) {
      const refusal = clusterRefusal(store);
      if (refusal !== undefined) return fail(codeOf(api, refusal));
    }

    const ctx: CallContext = {
      store,
      now,
      pace: env.pace,
      account: caller?.name,
      taskFault: verdict?.taskFault,
      config: env.config,
      api: apiName as CallContext["api"],
      method: name,
      version,
      cgi: req.cgi,
      params: req.params,
      cookies: req.cookies,
      session,
      caller,
      header: (h) => req.header(h),
      setCookie: (cookie, value) => cookies.push(`${cookie}=${value}; path=/; HttpOnly`),
    };
    try {
      // A change runs in a savepoint, so a refused change leaves nothing behind.
      const data = methodSpec.changes ? store.immediate(() => operation.call(ctx)) : operation.call(ctx);
      if (data instanceof ErrorAnswer) return fail(data.code, data.errors);
      return { success: true, data, cookies };
    } catch (err) {
      if (err instanceof DsmError) return fail(err.code, err.errors);
      if (err instanceof Refusal) return fail(codeOf(api, err.reason));
      if (err instanceof BadParameters) return fail(BAD_PARAMETER[spec.errors]);
      throw err;
    }
  };
  try {
    const answer = writes ? store.immediate(run) : store.deferred(run);
    return { answer, verdict };
  } finally {
    tick.settle();
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
