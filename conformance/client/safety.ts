/**
 * Safety tiers, enforced by the client on every call before anything is sent. Each call is
 * classified by the spec (contract/apis.ts), the same table the emulator is built from:
 *
 * - `readonly`: reads (lists, gets, discovery, login/logout).
 * - `owned`: creates (names must carry the run prefix), then changes, power and deletes only
 *   of what this run's ledger holds: ids it created, or names in its own prefix (the prefix
 *   carries a random run id, so no pre-existing resource can bear it); tasks it started.
 * - `disruptive`: anything, including pre-existing guests and images.
 *
 * A call that names no target at all (the "missing guest_id and guest_name" probe) is allowed
 * at `owned`: DSM cannot act on nothing. Unknown APIs/methods are refused unless their name is
 * a deliberate probe (it contains PROBE_MARKER), which DSM cannot implement.
 */
import { methodSpec, type Safety } from "../../contract/apis";
import { batchCalls, Ledger } from "./ledger";

export type Tier = "readonly" | "owned" | "disruptive";
const RANK: Record<Tier, number> = { readonly: 0, owned: 1, disruptive: 2 };

/** Put into an API or method name to probe 102/103: no DSM will ever implement it. */
export const PROBE_MARKER = "ConformanceProbe";

/** A call the guard refused; nothing was sent. */
export class SafetyRefusal extends Error {
  override name = "SafetyRefusal";
  constructor(
    readonly api: string,
    readonly method: string,
    reason: string,
  ) {
    super(`refused ${api}.${method} before sending: ${reason}`);
  }
}

const READ: Safety = { class: "read" };

/** How dangerous `api.method` is, or undefined when nobody can say (not in the spec, not a probe). */
export function safetyOf(api: string | undefined, method: string | undefined): Safety | undefined {
  if (api === undefined || method === undefined) return READ; // the 101 probe: DSM cannot dispatch it
  const spec = methodSpec(api, method);
  if (spec !== undefined) return spec.safety;
  if (api.includes(PROBE_MARKER) || method.includes(PROBE_MARKER)) return READ;
  return undefined;
}

const empty = (v: string | undefined): v is undefined => v === undefined || v === "";

export class SafetyGuard {
  constructor(
    readonly tier: Tier,
    readonly ledger: Ledger,
  ) {}

  allows(tier: Tier): boolean {
    return RANK[this.tier] >= RANK[tier];
  }

  /** Throws SafetyRefusal when the call is not allowed at this tier with this ledger. */
  check(api: string | undefined, method: string | undefined, params: Readonly<Record<string, string>>): void {
    const safety = safetyOf(api, method);
    const a = api ?? "?";
    const m = method ?? "?";
    if (safety === undefined) throw new SafetyRefusal(a, m, "an API or method the kit cannot classify");
    if (safety.class === "batch") {
      for (const call of batchCalls(params)) this.check(call.api, call.method, call);
      return;
    }
    if (safety.class === "read" || this.tier === "disruptive") return;
    if (this.tier === "readonly")
      throw new SafetyRefusal(a, m, "the readonly tier allows lists and gets only");
    if (safety.class === "creates") {
      const { nameParam } = safety.resource;
      const name = params[nameParam];
      if (!empty(name) && !this.ledger.inPrefix(name)) {
        throw new SafetyRefusal(a, m, `${nameParam} must start with the run prefix ${this.ledger.prefix}`);
      }
      return;
    }
    if (safety.class === "task") {
      const id = params.task_id ?? params.taskid;
      if (!empty(id) && !this.ledger.ownsTask(id))
        throw new SafetyRefusal(a, m, `task ${id} is not this run's`);
      return;
    }
    const { kind, idParam, nameParam, renameParams } = safety.resource;
    const id = params[idParam];
    const name = params[nameParam];
    if (!empty(id) && !this.ledger.ownsId(kind, id)) {
      throw new SafetyRefusal(a, m, `${idParam} ${id} is not in this run's ledger`);
    }
    if (!empty(name) && !this.ledger.inPrefix(name)) {
      throw new SafetyRefusal(a, m, `${nameParam} ${name} is not in this run's prefix`);
    }
    for (const renameParam of renameParams ?? []) {
      const newName = params[renameParam];
      if (!empty(newName) && !this.ledger.inPrefix(newName)) {
        throw new SafetyRefusal(a, m, `${renameParam} must start with the run prefix ${this.ledger.prefix}`);
      }
    }
  }
}

export { Ledger };
