/**
 * Comparing one recorded answer with its replay. Keys and types everywhere (timing-dependent
 * numbers by range too, see timing.ts); the values of stable fields where the run controls them.
 * A list of objects (guests, hosts, storages, networks, images, disks) is compared by what it
 * holds rather than by the fixture's names: the run's own objects (named `<run>-…`) one by one
 * and in full, the pre-existing ones by their count and the multiset of their statuses, and
 * their keys and types among those of one status. A NAS whose guests are named otherwise shows
 * no difference; one whose list, keys, types or status words differ does.
 */
import { diffShapes, NAME_KEYS, shapeOf } from "./normalise";

export interface CompareFields {
  /** Fields whose values are compared on the run's own objects. */
  readonly stable: ReadonlySet<string>;
  /** Whether the whole answer is about the run's own objects (else only `success` and `code`). */
  readonly owned: boolean;
}

const ALWAYS = new Set(["success", "code"]);

export function compareAnswers(recorded: unknown, replayed: unknown, fields: CompareFields): string[] {
  const out = new Set<string>();
  walk(recorded, replayed, fields.owned ? fields.stable : ALWAYS, fields.stable, "$", undefined, out);
  return [...out];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function walk(
  rec: unknown,
  rep: unknown,
  compared: ReadonlySet<string>,
  stable: ReadonlySet<string>,
  path: string,
  key: string | undefined,
  out: Set<string>,
): void {
  if (Array.isArray(rec) && Array.isArray(rep) && (isInventory(rec) || isInventory(rep))) {
    inventory(rec, rep, stable, path, out);
    return;
  }
  if (!(isObject(rec) && isObject(rep))) {
    for (const d of diffShapes(shapeOf(rec, key), shapeOf(rep, key), path)) out.add(d);
    const primitive = (v: unknown) => typeof v !== "object" || v === null;
    if (key !== undefined && compared.has(key) && primitive(rec) && primitive(rep)) {
      const [a, b] = [JSON.stringify(masked(rec)), JSON.stringify(masked(rep))];
      if (a !== b) out.add(`${path} recorded ${a}, replayed ${b}`);
    }
    return;
  }
  for (const k of new Set([...Object.keys(rec), ...Object.keys(rep)])) {
    if (!(k in rep)) out.add(`${path}.${k}: recorded, missing in replay`);
    else if (!(k in rec)) out.add(`${path}.${k}: not recorded, present in replay`);
    else walk(rec[k], rep[k], compared, stable, `${path}.${k}`, k, out);
  }
}

/**
 * A pre-existing object's masked name (`<guest_name:3>`) as its kind only: the number says in
 * which order the run first saw it, which depends on the inventory, not on the API.
 */
function masked(v: unknown): unknown {
  return typeof v === "string" ? v.replace(/^<([a-z_]+):\d+>$/, "<$1>") : v;
}

/** A list of objects that each have a status or a name: an inventory, not a value. */
function isInventory(list: readonly unknown[]): boolean {
  return (
    list.length > 0 &&
    list.every((e) => isObject(e) && ("status" in e || Object.keys(e).some((k) => NAME_KEYS.has(k))))
  );
}

/** The name of one of the run's own objects (normalised to `<run>-…`), if it is one. */
function ownName(e: unknown): string | undefined {
  if (!isObject(e)) return undefined;
  for (const [k, v] of Object.entries(e)) {
    if (NAME_KEYS.has(k) && typeof v === "string" && v.includes("<run>")) return v;
  }
  return undefined;
}

const statusOf = (e: unknown): string => (isObject(e) && typeof e.status === "string" ? e.status : "");

function split(list: readonly unknown[]) {
  const own = new Map<string, unknown>();
  const byStatus = new Map<string, unknown[]>();
  for (const e of list) {
    const name = ownName(e);
    if (name !== undefined) {
      own.set(name, e);
      continue;
    }
    const s = statusOf(e);
    byStatus.set(s, [...(byStatus.get(s) ?? []), e]);
  }
  return { own, byStatus };
}

/** `3 (running 1, shutdown 2)`: how many there are and what they are, names aside. */
function census(byStatus: ReadonlyMap<string, readonly unknown[]>): string {
  const total = [...byStatus.values()].reduce((n, l) => n + l.length, 0);
  const parts = [...byStatus]
    .filter(([s]) => s !== "")
    .map(([s, l]) => `${s} ${l.length}`)
    .sort();
  return parts.length === 0 ? String(total) : `${total} (${parts.join(", ")})`;
}

function inventory(
  rec: readonly unknown[],
  rep: readonly unknown[],
  stable: ReadonlySet<string>,
  path: string,
  out: Set<string>,
): void {
  const r = split(rec);
  const p = split(rep);
  for (const [name, a] of r.own) {
    const b = p.own.get(name);
    if (b === undefined) out.add(`${path}[${name}]: recorded, missing in replay`);
    else walk(a, b, stable, stable, `${path}[${name}]`, undefined, out);
  }
  for (const name of p.own.keys()) {
    if (!r.own.has(name)) out.add(`${path}[${name}]: not recorded, present in replay`);
  }
  const [a, b] = [census(r.byStatus), census(p.byStatus)];
  if (a !== b) out.add(`${path}: pre-existing objects recorded ${a}, replayed ${b}`);
  // Keys and types among objects of one status: a running guest may carry what an off one lacks.
  // With no status in common (a NAS saying `stopped`), among all of them: keys still count.
  const common = [...r.byStatus.keys()].filter((s) => p.byStatus.has(s));
  const groups: [unknown[], unknown[]][] =
    common.length > 0
      ? common.map((s) => [r.byStatus.get(s) ?? [], p.byStatus.get(s) ?? []])
      : [[[...r.byStatus.values()].flat(), [...p.byStatus.values()].flat()]];
  for (const [x, y] of groups) {
    for (const d of diffShapes(shapeOf(x), shapeOf(y), path)) out.add(d);
  }
}
