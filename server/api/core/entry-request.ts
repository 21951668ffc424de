/**
 * SYNO.Entry.Request `request`: a batch. `compound` is a JSON array of calls
 * (`{api, method, version, ...params}`); each runs through the dispatcher as a call of its own
 * (session, version and method checks, its own transaction, the fault rules) and answers its own
 * envelope in `result`, in order; `has_fail` tells whether any failed. With `stop_when_error`
 * the batch stops at the first failure (the calls after it are not run and not listed).
 *
 * Client quirks: hass-synovmm sends neither `mode` nor `stop_when_error` and needs `has_fail` to
 * be exactly `false`; values inside `compound` are JSON (numbers, booleans, arrays), read as DSM
 * reads the same values sent as parameters (a string as it is, anything else as its JSON text).
 * By design: `mode=parallel` is answered in sequence; a `compound` that is not an array of
 * objects answers 113 (invalid compound request), and so does a batch inside a batch.
 */
import { z } from "zod";
import { bool, parseJson, text } from "../../wire/codecs";
import { DsmError } from "../../wire/errors";
import { type ApiOperations, BadParameters, batchOp } from "../../wire/operation";

/** More calls than this in one batch is not a client but an attack on memory. */
const MAX_CALLS = 256;

const params = z.object({ compound: text(), mode: text(), stop_when_error: bool(false) });

export const entryRequestApi: ApiOperations<"SYNO.Entry.Request"> = {
  methods: {
    request: batchOp(async (ctx) => {
      const parsed = params.safeParse(ctx.params);
      if (!parsed.success) throw new BadParameters();
      const calls = readCompound(parsed.data.compound);
      const result: unknown[] = [];
      let hasFail = false;
      for (const call of calls) {
        const answer = await ctx.dispatch(call);
        const head = { api: call.api ?? "", method: call.method ?? "", version: Number(call.version) };
        result.push(
          answer.success
            ? { ...head, data: answer.data, success: true }
            : {
                ...head,
                error:
                  answer.errors === undefined
                    ? { code: answer.code }
                    : { code: answer.code, errors: answer.errors },
                success: false,
              },
        );
        if (!answer.success) {
          hasFail = true;
          if (parsed.data.stop_when_error) break;
        }
      }
      return { has_fail: hasFail, result };
    }),
  },
};

function readCompound(text: string | undefined): Record<string, string>[] {
  let compound: unknown;
  try {
    compound = parseJson(text ?? "");
  } catch {
    throw new DsmError(113);
  }
  if (!Array.isArray(compound) || compound.length > MAX_CALLS) throw new DsmError(113);
  return compound.map((element) => {
    if (typeof element !== "object" || element === null || Array.isArray(element)) throw new DsmError(113);
    const call: Record<string, string> = {};
    for (const [k, v] of Object.entries(element)) call[k] = typeof v === "string" ? v : JSON.stringify(v);
    return call;
  });
}
