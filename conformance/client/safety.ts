/**
 * Safety tiers, enforced by the client on every call before anything is sent.
 *
 * - `readonly`: lists, gets, discovery, login/logout.
 * - `owned`: create (names must carry the run prefix), then change, power and delete only what
 *   this run's ledger holds: ids it created, or names in its own prefix (the prefix carries a
 *   random run id, so no pre-existing resource can bear it).
 * - `disruptive`: anything, including pre-existing guests and images.
 *
 * A call that names no target at all (the "missing guest_id and guest_name" probe) is allowed
 * at `owned`: DSM cannot act on nothing. Unknown APIs/methods are refused unless their name is
 * a deliberate probe (it contains PROBE_MARKER), which DSM cannot implement.
 */
import { Ledger, type ResourceKind } from "./ledger";

export type Tier = "readonly" | "owned" | "disruptive";
export const TIERS: readonly Tier[] = ["readonly", "owned", "disruptive"];
const RANK: Record<Tier, number> = { readonly: 0, owned: 1, disruptive: 2 };

/** Put into an API or method name to probe 102/103: no DSM will ever implement it. */
export const PROBE_MARKER = "ConformanceProbe";

type Rule =
  | { readonly kind: "read" }
  | { readonly kind: "create"; readonly resource: ResourceKind; readonly nameParam: string }
  | { readonly kind: "change"; readonly resource: ResourceKind | "task" };

const read: Rule = { kind: "read" };
const guestChange: Rule = { kind: "change", resource: "guest" };

/** Every API/method of the guide (and the DSM ones the kit calls), classified. */
export const OPERATION_RULES: Readonly<Record<string, Readonly<Record<string, Rule>>>> = {
  "SYNO.API.Info": { query: read },
  "SYNO.API.Auth": { login: read, logout: read },
  "SYNO.DSM.Info": { getinfo: read },
  "SYNO.Virtualization.API.Task.Info": { list: read, get: read, clear: { kind: "change", resource: "task" } },
  "SYNO.Virtualization.API.Network": { list: read },
  "SYNO.Virtualization.API.Storage": { list: read },
  "SYNO.Virtualization.API.Host": { list: read },
  "SYNO.Virtualization.API.Guest": {
    list: read,
    get: read,
    create: { kind: "create", resource: "guest", nameParam: "guest_name" },
    set: guestChange,
    delete: guestChange,
  },
  "SYNO.Virtualization.API.Guest.Action": {
    poweron: guestChange,
    poweroff: guestChange,
    shutdown: guestChange,
  },
  "SYNO.Virtualization.API.Guest.Image": {
    list: read,
    create: { kind: "create", resource: "image", nameParam: "image_name" },
    delete: { kind: "change", resource: "image" },
  },
};

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

export function ruleFor(api: string | undefined, method: string | undefined): Rule | undefined {
  if (api === undefined || method === undefined) return read; // the 101 probe: DSM cannot dispatch it
  const rule = OPERATION_RULES[api]?.[method];
  if (rule !== undefined) return rule;
  if (api.includes(PROBE_MARKER) || method.includes(PROBE_MARKER)) return read;
  // A known API at an unknown method, or an API the kit does not know: nobody can say what it does.
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
    const rule = ruleFor(api, method);
    const a = api ?? "?";
    const m = method ?? "?";
    if (rule === undefined) throw new SafetyRefusal(a, m, "an API or method the kit cannot classify");
    if (rule.kind === "read" || this.tier === "disruptive") return;
    if (this.tier === "readonly")
      throw new SafetyRefusal(a, m, "the readonly tier allows lists and gets only");
    if (rule.kind === "create") {
      const name = params[rule.nameParam];
      if (!empty(name) && !this.ledger.inPrefix(name)) {
        throw new SafetyRefusal(
          a,
          m,
          `${rule.nameParam} must start with the run prefix ${this.ledger.prefix}`,
        );
      }
      return;
    }
    if (rule.resource === "task") {
      const id = params.task_id ?? params.taskid;
      if (!empty(id) && !this.ledger.ownsTask(id))
        throw new SafetyRefusal(a, m, `task ${id} is not this run's`);
      return;
    }
    const idKey = `${rule.resource}_id`;
    const nameKey = `${rule.resource}_name`;
    const id = params[idKey];
    const name = params[nameKey];
    if (!empty(id) && !this.ledger.ownsId(rule.resource, id)) {
      throw new SafetyRefusal(a, m, `${idKey} ${id} is not in this run's ledger`);
    }
    if (!empty(name) && !this.ledger.inPrefix(name)) {
      throw new SafetyRefusal(a, m, `${nameKey} ${name} is not in this run's prefix`);
    }
    const newName = params.new_guest_name;
    if (!empty(newName) && !this.ledger.inPrefix(newName)) {
      throw new SafetyRefusal(a, m, `new_guest_name must start with the run prefix ${this.ledger.prefix}`);
    }
  }
}

export { Ledger };
