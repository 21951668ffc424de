/**
 * Fault rules: provoke an answer DSM gives only under conditions the emulator cannot create
 * (or that a test should not have to), and transport faults DSM never gives on purpose.
 *
 * A rule matches on api, method, version, account and a target (the value of any id or name
 * parameter), then acts: a DSM error, a delay, a reset connection, a hang, a malformed body, or
 * arming the task a create call starts to fail or stick at a given progress.
 *
 * By design:
 * - Rules are consulted in creation order; the first one that acts wins, later ones are not
 *   consulted (their counters do not move). Answer-shaping rules (rename a key, change a code,
 *   a status, a header...) do not end the search: every one that acts adds its shape, in
 *   order, to the verdict of the rule that decides (or to a call that runs as usual).
 * - `skip` lets the first N matching calls through, then `times` bounds how many it acts on.
 * - Deterministic by default; with `probability` each matching call draws from the rule's own
 *   PRNG seeded with `seed`, so a run is repeatable.
 * - A task rule counts as acting only when the call did start a task.
 */

import { mulberry32 } from "../random";
import type { DsmAnswer, FaultVerdict, InterceptedCall } from "../wire/dispatcher";
import type { AnswerShape } from "../wire/shape";
import { type FaultRuleInput, SHAPING } from "./schemas";

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** Matching calls seen so far (those let through by `skip` included). */
  matched: number;
  /** Calls it acted on. */
  acted: number;
}

/**
 * Parameters whose value a rule's `target` is compared with: every parameter that names an
 * object, in either dialect (`guest_id`, `storage_names`, `image_repos`, `taskid`, `name`, ...).
 * A rule over names instead of a list, so a new API's parameters are covered without an edit.
 */
const TARGET_PARAM = /(_ids?|_names?|_repos)$|^(taskid|name)$/;

export class FaultRules {
  #rules: FaultRule[] = [];
  #next = 1;
  readonly #random = new Map<string, () => number>();

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { id: `f${this.#next++}`, ...input, matched: 0, acted: 0 };
    this.#rules.push(rule);
    if (rule.probability !== undefined) this.#random.set(rule.id, mulberry32(rule.seed ?? 1));
    return rule;
  }
  list(): FaultRule[] {
    return this.#rules.map((r) => ({ ...r }));
  }
  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.id !== id);
    this.#random.delete(id);
    return this.#rules.length < before;
  }
  clear(): void {
    this.#rules = [];
    this.#random.clear();
  }

  /** The verdict for one call, or undefined when no rule acts on it. */
  verdict(call: InterceptedCall): FaultVerdict | undefined {
    const shapes: AnswerShape[] = [];
    let shapedBy: string | undefined;
    for (const rule of this.#rules) {
      if (!matches(rule, call)) continue;
      rule.matched++;
      if (rule.matched <= (rule.skip ?? 0)) continue;
      if (rule.times !== undefined && rule.acted >= rule.times) continue;
      const draw = this.#random.get(rule.id);
      if (draw !== undefined && rule.probability !== undefined && draw() >= rule.probability) continue;
      const shape = shapeOf(rule.action);
      if (shape === undefined) {
        const decided = this.#act(rule);
        return shapes.length === 0 ? decided : { ...decided, shapes };
      }
      rule.acted++;
      shapes.push(shape);
      shapedBy ??= rule.id;
    }
    return shapedBy === undefined ? undefined : { ruleId: shapedBy, shapes };
  }

  /** Told what a call its verdict shaped answered: a task rule acts only if a task was started. */
  answered(ruleId: string, answer: DsmAnswer): void {
    const rule = this.#rules.find((r) => r.id === ruleId);
    const type = rule?.action.type;
    if (
      rule !== undefined &&
      (type === "task_fail" || type === "task_stuck") &&
      taskIdOf(answer) !== undefined
    )
      rule.acted++;
  }

  #act(rule: FaultRule): FaultVerdict {
    const { action } = rule;
    const ruleId = rule.id;
    switch (action.type) {
      case "error":
        rule.acted++;
        return {
          ruleId,
          error:
            action.errors === undefined
              ? { code: action.code }
              : { code: action.code, errors: action.errors },
        };
      case "delay":
        rule.acted++;
        return { ruleId, transport: { type: "delay", ms: action.ms } };
      case "reset":
      case "hang":
      case "malformed":
        rule.acted++;
        return { ruleId, skip: action.apply !== true, transport: { type: action.type } };
      case "hold_transition":
        rule.acted++;
        return { ruleId, holdTransition: true };
      case "task_fail":
      case "task_stuck": {
        const fault =
          action.type === "task_fail"
            ? { failAt: action.at_progress, code: action.code ?? 402, stuckAt: null }
            : { failAt: null, code: null, stuckAt: action.at_progress };
        return { ruleId, taskFault: fault };
      }
      default:
        // Shaping actions never get here (verdict adds them); answered as a plain run.
        return { ruleId };
    }
  }
}

/** The shape a shaping action stands for (its values came from JSON, so they are JSON). */
function shapeOf(action: FaultRule["action"]): AnswerShape | undefined {
  return (SHAPING as ReadonlySet<string>).has(action.type) ? (action as AnswerShape) : undefined;
}

function matches(rule: FaultRule, call: InterceptedCall): boolean {
  const { match } = rule;
  if (match.api !== undefined && match.api !== call.api) return false;
  if (match.method !== undefined && match.method !== call.method) return false;
  if (match.version !== undefined && match.version !== call.version) return false;
  if (match.account !== undefined && match.account !== call.account) return false;
  if (match.target !== undefined) {
    const target = match.target;
    return Object.entries(call.params).some(
      ([param, value]) => TARGET_PARAM.test(param) && valueNames(value, target),
    );
  }
  return true;
}

/** A parameter names the target as sent plain, JSON-quoted, or inside a JSON array. */
function valueNames(value: string, target: string): boolean {
  if (value === target) return true;
  if (!value.startsWith('"') && !value.startsWith("[")) return false;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed === target || (Array.isArray(parsed) && parsed.includes(target));
  } catch {
    return false;
  }
}

function taskIdOf(answer: DsmAnswer): string | undefined {
  if (!answer.success || typeof answer.data !== "object" || answer.data === null) return undefined;
  const id: unknown = (answer.data as { task_id?: unknown }).task_id;
  return typeof id === "string" ? id : undefined;
}
