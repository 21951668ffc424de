/**
 * What one row of the operation table is, and what it gets to work with. The table itself is
 * typed from the spec (contract/apis.ts): `Operations<A>` has exactly the methods the spec gives
 * API `A`, so a method without a handler, or a handler the spec does not know, does not compile.
 * Whether a call needs a session, is for administrators, or changes state is read from the
 * spec by the dispatcher; a row holds only its parameter schema and its handler.
 */
import { z } from "zod";
import type { ApiName, Cgi, MethodOf } from "../../contract/apis";
import type { Config } from "../config";
import type { ModelContext } from "../model/context";
import type { Reason } from "../model/refusal";
import type { LoginKeyHolder } from "../security/login-encryption";
import type { NoiseResponderKey } from "../security/noise";
import type { SessionRow } from "../store/accounts";
import type { Store } from "../store/index";
import type { Upload } from "./upload";

/** The emulator's keys: the Noise responder's static key (UIConfig) and the RSA login key (Encryption). */
export interface Keys {
  readonly noise: NoiseResponderKey;
  readonly login: LoginKeyHolder;
}

/** The account behind a call's session: what handlers may know of it (never its secrets). */
export interface CallerAccount {
  readonly name: string;
  readonly isAdmin: boolean;
}

export interface CallContext extends ModelContext {
  readonly config: Config;
  readonly keys: Keys;
  /** The client's address (auto-block counts failed logins per address). */
  readonly address: string;
  /** The file an upload method's call carried (counted, hashed, not kept). */
  readonly upload: Upload | undefined;
  readonly api: ApiName;
  readonly method: string;
  readonly version: number;
  readonly cgi: Cgi;
  /** Merged query and body parameters, as sent. */
  readonly params: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  /** Set when the operation needs or accepts a session and one was given. */
  readonly session: SessionRow | undefined;
  readonly caller: CallerAccount | undefined;
  header(name: string): string | undefined;
  /** Adds a `Set-Cookie` header to the answer (the whole value: `name=value;attributes`). */
  setCookie(cookie: string): void;
}

/**
 * What `prepare` sees: the raw call, before any transaction opens. It may read the store (each
 * read on its own), never write it: `call` runs later, in the call's transaction, and checks
 * again whatever it relies on.
 */
export interface PrepareInput {
  readonly params: Readonly<Record<string, string>>;
  readonly now: number;
  readonly keys: Keys;
  readonly store: Store;
  /** The client's address. */
  readonly address: string;
  /** A request header (lower-case name). */
  header(name: string): string | undefined;
}

/** What `prepare` answers: parameters to use instead of the sent ones, and a value for `run`. */
export interface Prepared<V> {
  readonly params?: Readonly<Record<string, string>>;
  readonly value: V;
}

/** A call after its `prepare`: the parameters to use, and the handler bound to what was prepared. */
export interface PreparedCall {
  readonly params: Readonly<Record<string, string>> | undefined;
  call(ctx: CallContext): unknown;
}

/** What a batch operation gets: the call's context and a way to run one inner call. */
export interface BatchContext {
  readonly params: Readonly<Record<string, string>>;
  /** Runs one inner call through the dispatcher (with the outer call's session) and answers its answer. */
  dispatch(params: Readonly<Record<string, string>>): Promise<InnerAnswer>;
}

export type InnerAnswer =
  | { readonly success: true; readonly data: unknown }
  | { readonly success: false; readonly code: number; readonly errors?: unknown };

/** Thrown when the parameters do not parse: the dispatcher answers the family's bad-parameter code. */
export class BadParameters extends Error {
  override name = "BadParameters";
}

/**
 * One method's row, of one of three kinds: a plain call (parse, run); a call with a step that
 * waits before the transaction (a key being made, a decryption, a password hash off the event
 * loop), which runs after routing and before the session check and answers the call to run; or
 * a batch (SYNO.Entry.Request), which runs outside a transaction, each inner call in its own.
 */
export type Operation =
  | { readonly call: (ctx: CallContext) => unknown; readonly prepare?: never; readonly batch?: never }
  | {
      readonly prepare: (input: PrepareInput) => Promise<PreparedCall>;
      readonly call?: never;
      readonly batch?: never;
    }
  | {
      readonly batch: (ctx: BatchContext) => Promise<unknown>;
      readonly call?: never;
      readonly prepare?: never;
    };

/**
 * One row: a zod schema over the raw parameters (built from codecs.ts) and a handler that
 * returns the answer's `data` (undefined: an empty success), throws DsmError, lets the model's
 * Refusal through, or returns an ErrorAnswer for a change that stays applied.
 */
export function op<S extends z.ZodType>(row: {
  readonly params: S;
  readonly run: (ctx: CallContext, params: z.output<S>) => unknown;
}): Operation {
  const parse = parser(row.params);
  return { call: (ctx) => row.run(ctx, parse(ctx.params)) };
}

/**
 * A row with a step that waits before the transaction (`prepare`): `run` gets what it found,
 * typed by what `prepare` answers, and the parameters it chose to use.
 */
export function preparedOp<S extends z.ZodType, V>(row: {
  readonly params: S;
  readonly prepare: (input: PrepareInput) => Promise<Prepared<V>>;
  readonly run: (ctx: CallContext, params: z.output<S>, prepared: V) => unknown;
}): Operation {
  const parse = parser(row.params);
  return {
    prepare: async (input) => {
      const { params, value } = await row.prepare(input);
      return { params, call: (ctx) => row.run(ctx, parse(ctx.params), value) };
    },
  };
}

type Params = Readonly<Record<string, string>>;

function parseWith<S extends z.ZodType>(schema: S, params: Params): z.output<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new BadParameters();
  return parsed.data;
}

/** Parses kept per schema (a client polls with the same few parameter sets); more start afresh. */
const MAX_KEPT_PARSES = 64;
/** Values longer than this in all are parsed every time (a key must not hold a 4 MiB body). */
const MAX_KEY_CHARS = 1024;

/**
 * The schema's parse of a call's parameters. A plain object schema reads only its own keys, and
 * its codecs (codecs.ts) are pure functions of the values, so the same values parse to the same
 * output: a parse whose output is all scalars is kept by those values, and each call gets its
 * own shallow copy (a handler may not change another's parameters). Zod's parse of a fixed
 * shape was 3 to 6 µs of a Guest get or a poweron (bench/profile.ts); the copy is a fraction
 * of a microsecond. Failed parses are not kept.
 */
function parser<S extends z.ZodType>(schema: S): (params: Params) => z.output<S> {
  if (!(schema instanceof z.ZodObject) || schema.def.catchall !== undefined)
    return (params) => parseWith(schema, params);
  const keys = Object.keys(schema.shape);
  const kept = new Map<string, Readonly<Record<string, unknown>>>();
  return (params) => {
    let key = "";
    for (const k of keys) {
      const v = Object.hasOwn(params, k) ? params[k] : undefined;
      // Length-prefixed, so no value can pass for two.
      key += v === undefined ? "-" : `${v.length}:${v}`;
    }
    const hit = kept.get(key);
    if (hit !== undefined) return { ...hit } as z.output<S>;
    const data = parseWith(schema, params);
    if (key.length > MAX_KEY_CHARS || !isFlat(data)) return data;
    if (kept.size >= MAX_KEPT_PARSES) kept.clear();
    kept.set(key, { ...(data as Record<string, unknown>) });
    return data;
  };
}

/** An object whose values are all scalars (a shallow copy shares nothing with it). */
function isFlat(data: unknown): boolean {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return false;
  return Object.values(data).every((v) => v === null || (typeof v !== "object" && typeof v !== "function"));
}

/** A batch row: its handler runs inner calls through `ctx.dispatch`, each answering on its own. */
export function batchOp(run: (ctx: BatchContext) => Promise<unknown>): Operation {
  return { batch: run };
}

/** How an API answers each of the model's refusals (complete: the compiler checks every reason). */
export type RefusalCodes = { readonly [R in Reason]: number };

/** One API's rows. */
export interface ApiOperations<A extends ApiName> {
  /** Absent for APIs whose handlers never reach the model's rules. */
  readonly refusals?: RefusalCodes;
  readonly methods: { readonly [M in MethodOf<A>]: Operation };
}

/** The whole table: one entry per API of the spec. */
export type OperationTable = { readonly [A in ApiName]: ApiOperations<A> };
