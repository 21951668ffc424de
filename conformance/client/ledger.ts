/**
 * The run's ledger: every resource this run created (or asked to create), in creation order,
 * with what is known of it (name, id once a task or a list told it, task id). Cleanup walks it
 * in reverse; the safety guard asks it whether a target is this run's.
 */
import { randomBytes } from "node:crypto";
import { methodSpec, type ResourceKind } from "../../contract/apis";

export type { ResourceKind };

export interface LedgerEntry {
  readonly kind: ResourceKind;
  name: string;
  id: string | undefined;
  taskId: string | undefined;
  /** False once deleted (or once DSM refused to create it). */
  live: boolean;
}

/** A short random run id: names stay well under DSM's name length limits. */
export function newRunId(): string {
  return randomBytes(4).toString("hex");
}

export const RUN_PREFIX_BASE = "vmmconf";

export function runPrefix(runId: string): string {
  return `${RUN_PREFIX_BASE}-${runId}-`;
}

export class Ledger {
  readonly prefix: string;
  readonly #entries: LedgerEntry[] = [];
  readonly #tasks = new Set<string>();
  #counter = 0;

  constructor(readonly runId: string) {
    if (!/^[0-9a-z]{4,32}$/.test(runId))
      throw new Error(`run id ${runId} must be 4-32 lower-case letters or digits`);
    this.prefix = runPrefix(runId);
  }

  /** A fresh name in this run's prefix: `vmmconf-<run>-<n>-<label>`. */
  name(label: string): string {
    this.#counter += 1;
    return `${this.prefix}${this.#counter}-${label}`;
  }

  /** The description written on everything this run creates, so a human can trace it. */
  description(what = ""): string {
    return `vmm conformance run ${this.runId}${what === "" ? "" : `: ${what}`}`;
  }

  inPrefix(name: string): boolean {
    return name.startsWith(this.prefix);
  }

  add(kind: ResourceKind, name: string): LedgerEntry {
    const entry: LedgerEntry = { kind, name, id: undefined, taskId: undefined, live: true };
    this.#entries.push(entry);
    return entry;
  }

  /** Takes in a resource found in this run's prefix (sweep, or an answer that revealed its id). */
  adopt(kind: ResourceKind, name: string, id: string): LedgerEntry {
    if (!this.inPrefix(name)) throw new Error(`${name} is not in this run's prefix; it cannot be adopted`);
    const known = this.find(kind, { name });
    if (known !== undefined) {
      known.id = id;
      return known;
    }
    const entry = this.add(kind, name);
    entry.id = id;
    return entry;
  }

  addTask(taskId: string, entry?: LedgerEntry): void {
    this.#tasks.add(taskId);
    if (entry !== undefined) entry.taskId = taskId;
  }

  forgetTask(taskId: string): void {
    this.#tasks.delete(taskId);
  }

  ownsTask(taskId: string): boolean {
    return this.#tasks.has(taskId);
  }

  tasks(): string[] {
    return [...this.#tasks];
  }

  ownsId(kind: ResourceKind, id: string): boolean {
    return this.#entries.some((e) => e.kind === kind && e.id === id);
  }

  find(kind: ResourceKind, ref: { id?: string; name?: string }): LedgerEntry | undefined {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const e = this.#entries[i];
      if (e === undefined || e.kind !== kind || !e.live) continue;
      if ((ref.id !== undefined && e.id === ref.id) || (ref.name !== undefined && e.name === ref.name))
        return e;
    }
    return undefined;
  }

  byTask(taskId: string): LedgerEntry | undefined {
    return this.#entries.find((e) => e.taskId === taskId);
  }

  /** Live entries, newest first: the order cleanup must undo them in. */
  liveNewestFirst(): LedgerEntry[] {
    return this.#entries.filter((e) => e.live).reverse();
  }

  all(): readonly LedgerEntry[] {
    return this.#entries;
  }

  beforeSend(params: Params): void {
    beforeSend(this, params);
  }

  observe(params: Params, data: unknown): void {
    observe(this, params, data);
  }

  observeFailure(params: Params): void {
    observeFailure(this, params);
  }
}

type Params = Readonly<Record<string, string>>;

const record = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/*
 * What the ledger learns from the traffic itself, so no scenario can forget to tell it: a
 * create is noted before it is sent (a create whose answer is lost may still have happened),
 * and ids, renames, deletions and task ends are read from the answers. Which call creates,
 * changes, removes or reveals what is read from the spec, the table the emulator is built from.
 */

const safetyFor = (p: Params) =>
  p.api === undefined || p.method === undefined ? undefined : methodSpec(p.api, p.method)?.safety;

/**
 * The calls of a batch (SYNO.Entry.Request's `compound`), each with its parameters as DSM reads
 * them (a JSON value that is not a string stands as its JSON text). Not a JSON array: no calls.
 */
export function batchCalls(p: Params): Record<string, string>[] {
  let compound: unknown;
  try {
    compound = JSON.parse(p.compound ?? "");
  } catch {
    return [];
  }
  if (!Array.isArray(compound)) return [];
  return compound.map((element) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(record(element)))
      out[k] = typeof v === "string" ? v : JSON.stringify(v);
    return out;
  });
}

export function beforeSend(ledger: Ledger, p: Params): void {
  const safety = safetyFor(p);
  if (safety?.class === "batch") {
    for (const call of batchCalls(p)) beforeSend(ledger, call);
    return;
  }
  if (safety?.class !== "creates") return;
  const name = str(p[safety.resource.nameParam]);
  if (name !== undefined && ledger.inPrefix(name)) ledger.add(safety.resource.kind, name);
}

export function observe(ledger: Ledger, p: Params, data: unknown): void {
  const safety = safetyFor(p);
  if (safety === undefined) return;
  const d = record(data);
  if (safety.class === "batch") {
    const results = Array.isArray(d.result) ? d.result : [];
    batchCalls(p).forEach((call, i) => {
      const r = record(results[i]);
      if (r.success === true) observe(ledger, call, r.data);
      else if (r.success === false) observeFailure(ledger, call);
    });
    return;
  }
  if (safety.class === "task") {
    const taskId = str(p.task_id) ?? str(p.taskid);
    if (taskId !== undefined) ledger.forgetTask(taskId);
    return;
  }
  if (safety.class === "read" && safety.task === true) {
    const taskId = str(p.task_id) ?? str(p.taskid);
    if (taskId === undefined) return;
    const info = record(d.task_info);
    const entry = ledger.byTask(taskId);
    const made = str(info.guest_id) ?? str(info.image_id);
    if (entry !== undefined && made !== undefined) entry.id = made;
    // DSM drops an auto-clean task once its finished state has been read.
    if (d.finish === true && info.auto_clean_task === true) ledger.forgetTask(taskId);
    return;
  }
  if (safety.resource === undefined) return;
  const { kind, idParam, nameParam, renameParams, listKey, itemId, itemName } = safety.resource;
  const name = str(p[nameParam]);
  if (safety.class === "creates") {
    const taskId = str(d.task_id);
    const pending = name === undefined ? undefined : ledger.find(kind, { name });
    if (taskId !== undefined && pending !== undefined) ledger.addTask(taskId, pending);
    return;
  }
  if (safety.class === "changes") {
    const entry = ledger.find(kind, { id: str(p[idParam]), name });
    if (entry === undefined) return;
    if (safety.removes === true) entry.live = false;
    const renamed = (renameParams ?? []).map((r) => str(p[r])).find((v) => v !== undefined);
    if (renamed !== undefined) entry.name = renamed;
    return;
  }
  // A read: a list under its key, or the object itself.
  const listed = Array.isArray(d[listKey]) ? (d[listKey] as unknown[]) : [d];
  for (const item of listed) {
    const r = record(item);
    const itemNameValue = str(r[itemName]);
    const itemIdValue = str(r[itemId]);
    if (itemNameValue !== undefined && itemIdValue !== undefined && ledger.inPrefix(itemNameValue)) {
      ledger.adopt(kind, itemNameValue, itemIdValue);
    }
  }
}

export function observeFailure(ledger: Ledger, p: Params): void {
  const safety = safetyFor(p);
  if (safety?.class === "batch") {
    for (const call of batchCalls(p)) observeFailure(ledger, call);
    return;
  }
  if (safety?.class !== "creates") return;
  const name = str(p[safety.resource.nameParam]);
  if (name === undefined) return;
  const entry = ledger.find(safety.resource.kind, { name });
  // DSM checks before answering: a refused create made nothing (the residue scan would say otherwise).
  if (entry !== undefined && entry.id === undefined && entry.taskId === undefined) entry.live = false;
}
