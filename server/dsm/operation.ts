/**
 * What one row of the operation table is, and what it gets to work with. The table itself is
 * typed from the spec (spec/apis.ts): `Operations<A>` has exactly the methods the spec gives
 * API `A`, so a method without a handler, or a handler the spec does not know, does not compile.
 * Whether a call needs a session, is for administrators, or changes state is read from the
 * spec by the dispatcher; a row holds only its parameter schema and its handler.
 */
import type { z } from "zod";
import type { ApiName, Cgi, MethodOf } from "../../spec/apis";
import type { Config } from "../config";
import type { ModelContext } from "../model/context";
import type { Reason } from "../model/refusal";
import type { SessionRow } from "../store/accounts";

/** The account behind a call's session: what handlers may know of it (never its secrets). */
export interface CallerAccount {
  readonly name: string;
  readonly isAdmin: boolean;
}

export interface CallContext extends ModelContext {
  readonly config: Config;
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
  setCookie(name: string, value: string): void;
}

/** Thrown when the parameters do not parse: the dispatcher answers the family's bad-parameter code. */
export class BadParameters extends Error {
  override name = "BadParameters";
}

export interface Operation {
  /** Parses the call's parameters (throwing BadParameters) and runs the handler. */
  call(ctx: CallContext): unknown;
}

/**
 * One row: a zod schema over the raw parameters (built from dsm/codecs.ts) and a handler that
 * returns the answer's `data` (undefined: an empty success), throws DsmError, lets the model's
 * Refusal through, or returns an ErrorAnswer for a change that stays applied.
 */
export function op<S extends z.ZodType>(row: {
  readonly params: S;
  readonly run: (ctx: CallContext, params: z.output<S>) => unknown;
}): Operation {
  return {
    call(ctx) {
      const parsed = row.params.safeParse(ctx.params);
      if (!parsed.success) throw new BadParameters();
      return row.run(ctx, parsed.data);
    },
  };
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
