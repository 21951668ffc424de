/**
 * The operation registry's types. Each API is one entry keyed by its name, each method one
 * operation; `ApiMethods` is the literal list the compiler checks the registry against, so a
 * method without a handler does not compile. SYNO.API.Info is generated from the same registry.
 */
import type { z } from "zod";
import type { Clock } from "../clock";
import type { Config, Durations } from "../config";
import type { SessionRow } from "../store/auth";
import type { Store } from "../store/index";
import { DsmError, type DsmErrorCode } from "./errors";

export type CgiName = "query.cgi" | "auth.cgi" | "entry.cgi";

/** Every API and method the emulator answers. */
export interface ApiMethods {
  "SYNO.API.Info": "query";
  "SYNO.API.Auth": "login" | "logout";
  "SYNO.DSM.Info": "getinfo";
  "SYNO.Virtualization.API.Task.Info": "list" | "get" | "clear";
  "SYNO.Virtualization.API.Network": "list";
  "SYNO.Virtualization.API.Storage": "list";
  "SYNO.Virtualization.API.Host": "list";
  "SYNO.Virtualization.API.Guest": "list" | "get" | "set" | "delete" | "create";
  "SYNO.Virtualization.API.Guest.Action": "poweron" | "poweroff" | "shutdown";
  "SYNO.Virtualization.API.Guest.Image": "list" | "delete" | "create";
}
export type ApiName = keyof ApiMethods;

/** What the emulator's parts share; built once by the composition root (app.ts). */
export interface Services {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: Config;
  /** Applies everything due by `now` (task ends, power transitions, auto-clean). */
  readonly tick: (now: number) => void;
  /** How long simulated work takes at the current time scale (mutable: the control plane rescales). */
  readonly durations: Durations;
  /**
   * Consulted after the session check and before the operation runs; an answer it returns is
   * sent instead (the control plane's fault rules). Undefined: nothing intercepts.
   */
  interceptor?: (call: InterceptedCall) => DsmAnswerOverride | undefined;
}

export interface InterceptedCall {
  readonly api: string;
  readonly method: string;
  readonly version: number;
  readonly account: string | undefined;
  readonly params: Readonly<Record<string, string>>;
}

/** An answer produced instead of the operation's own (always a DSM error). */
export interface DsmAnswerOverride {
  readonly code: number;
  readonly errors?: Record<string, unknown> | unknown[];
}

/** The account behind a call's session: what handlers may know of it (never its secrets). */
export interface CallerAccount {
  readonly name: string;
  readonly isAdmin: boolean;
}

export interface CallContext {
  readonly services: Services;
  readonly now: number;
  readonly api: ApiName;
  readonly method: string;
  readonly version: number;
  readonly cgi: CgiName;
  /** Merged query and body parameters, as sent. */
  readonly params: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  /** Set when the operation needs or accepts a session and one was given. */
  readonly session: SessionRow | undefined;
  readonly account: CallerAccount | undefined;
  setCookie(name: string, value: string): void;
}

export type SessionRule = "none" | "optional" | "required";

export interface Operation {
  readonly session: SessionRule;
  /** Virtualization APIs are for administrators only: others get 105. */
  readonly adminOnly: boolean;
  /** Cluster rules (500, 501, 600) apply before the handler runs. */
  readonly mutating: boolean;
  /** Parses the parameters (a failure throws the API's bad-parameter code) and runs the handler. */
  run(ctx: CallContext): unknown;
}

export interface OperationSpec<S extends z.ZodType> {
  session: SessionRule;
  adminOnly?: boolean;
  mutating?: boolean;
  /** The code for unparseable parameters: 401 on entry.cgi APIs; the Auth API uses its own table. */
  badParamCode?: DsmErrorCode;
  params: S;
  /** Returns the answer's `data` (undefined: an empty success). Throws DsmError for failures. */
  handle(ctx: CallContext, params: z.output<S>): unknown;
}

export function operation<S extends z.ZodType>(spec: OperationSpec<S>): Operation {
  return {
    session: spec.session,
    adminOnly: spec.adminOnly ?? false,
    mutating: spec.mutating ?? false,
    run(ctx) {
      const parsed = spec.params.safeParse(ctx.params);
      if (!parsed.success) throw new DsmError(spec.badParamCode ?? 401);
      return spec.handle(ctx, parsed.data);
    },
  };
}

export interface ApiDefinition<M extends string> {
  /** Where SYNO.API.Info tells clients to call it. */
  readonly path: CgiName;
  /** Every CGI that answers it (DSM 7 still serves Auth on auth.cgi for old clients). */
  readonly servedOn: readonly CgiName[];
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly requestFormat?: "JSON";
  readonly methods: { readonly [K in M]: Operation };
}

export type Registry = { readonly [A in ApiName]: ApiDefinition<ApiMethods[A]> };

export function findApi(registry: Registry, name: string): ApiDefinition<string> | undefined {
  return Object.hasOwn(registry, name) ? registry[name as ApiName] : undefined;
}

/**
 * The operation for `method`. Client quirk: Home Assistant's old Synology integration queries
 * `method=Query` and DSM answers it, so a method whose name differs only in case is found too.
 */
export function findMethod(api: ApiDefinition<string>, method: string): Operation | undefined {
  const methods = api.methods as Record<string, Operation>;
  if (Object.hasOwn(methods, method)) return methods[method];
  const lower = method.toLowerCase();
  const name = Object.keys(methods).find((m) => m.toLowerCase() === lower);
  return name === undefined ? undefined : methods[name];
}
