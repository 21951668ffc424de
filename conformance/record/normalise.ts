/**
 * Normalising recorded answers so they can be stored and compared: ids become stable
 * references (`<id:3>`: the same id twice stays the same reference), task ids `<task:1>`;
 * MACs, sizes, timestamps, serials and the names of pre-existing objects are masked (a NAS's
 * inventory is its owner's business); secrets are scrubbed; the run prefix becomes `<run>-`.
 * Masking keeps each value's JSON type, so shape comparison still sees numbers as numbers, and
 * a size keeps its order of magnitude (302227 is 100000, 0 stays 0): the NAS's figures stay
 * private, but MB against bytes, or a size of 0, still shows.
 */
import { isSecretKey, REDACTED } from "../report/redact";
import { timingType } from "./timing";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TASK = /@[^/\s"]+\/virtualization_api_(?:guest|image)_create[0-9A-Fa-f]{16}/g;
const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;
const SIZE_KEYS = new Set([
  "size",
  "used",
  "vdisk_size",
  "free_cpu_core",
  "free_ram_size",
  "total_cpu_core",
  "total_ram_size",
  "ram",
  "temperature",
  "uptime",
]);
const TIME_KEYS = /^(time|date|.*_at|.*_time)$/;
export const NAME_KEYS: ReadonlySet<string> = new Set([
  "guest_name",
  "image_name",
  "storage_name",
  "network_name",
  "host_name",
  "new_guest_name",
  // The internal dialect's names (a guest's, a repo's) and the accounts a recording saw.
  "name",
  "account",
  "user",
  "username",
]);
const TEXT_KEYS = new Set(["description", "desc", "serial", "volume_path", "ds_file_path"]);

export interface NormaliserOptions {
  /** The run's prefix (`vmmconf-<id>-`) and id, replaced by `<run>`. */
  readonly runPrefix?: string;
  readonly runId?: string;
}

export class Normaliser {
  readonly #ids = new Map<string, string>();
  readonly #tasks = new Map<string, string>();
  readonly #names = new Map<string, string>();
  constructor(readonly options: NormaliserOptions = {}) {}

  #ref(map: Map<string, string>, kind: string, value: string): string {
    const key = value.toLowerCase();
    let ref = map.get(key);
    if (ref === undefined) {
      ref = `<${kind}:${map.size + 1}>`;
      map.set(key, ref);
    }
    return ref;
  }

  /** A string with ids, task ids and the run prefix replaced. */
  text(value: string): string {
    let out = value.replace(TASK, (t) => this.#ref(this.#tasks, "task", t));
    out = out.replace(UUID, (id) => this.#ref(this.#ids, "id", id));
    const { runPrefix, runId } = this.options;
    // The per-run counter in `<prefix><n>-<label>` depends on which scenarios ran: dropped.
    if (runPrefix !== undefined)
      out = out.replace(new RegExp(`${escapeRegExp(runPrefix)}(\\d+-)?`, "g"), "<run>-");
    if (runId !== undefined) out = out.split(runId).join("<run>");
    return out;
  }

  #ownName(value: string): boolean {
    return this.options.runPrefix !== undefined && value.startsWith(this.options.runPrefix);
  }

  /** One field's value, by its key. */
  field(key: string, value: unknown): unknown {
    if (isSecretKey(key)) return typeof value === "string" ? REDACTED : value;
    if (typeof value === "number" && SIZE_KEYS.has(key)) return magnitude(value);
    if (typeof value === "string") {
      if (MAC.test(value)) return "<mac>";
      if (TIME_KEYS.test(key)) return "<time>";
      if (NAME_KEYS.has(key) && !this.#ownName(value) && value !== "") {
        return this.#ref(this.#names, key.replace("new_", ""), value);
      }
      if (TEXT_KEYS.has(key) && !this.text(value).includes("<run>") && value !== "") return `<${key}>`;
      return this.text(value);
    }
    return this.value(value);
  }

  /** Any JSON value, recursively. */
  value(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (typeof value === "object" && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.field(k, v);
      return out;
    }
    if (typeof value === "string") return this.text(value);
    return value;
  }

  /** Request parameters: session parameters dropped, JSON-typed ones normalised inside. */
  params(params: Readonly<Record<string, string>>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) {
      if (k === "_sid" || k === "SynoToken") continue;
      if (/^[[{]/.test(v)) {
        try {
          out[k] = this.value(JSON.parse(v));
          continue;
        } catch {
          // not JSON after all: normalised as text below
        }
      }
      out[k] = this.field(k, v);
    }
    return out;
  }
}

/**
 * A JSON value's shape: types for primitives, keys for objects, the union of elements for arrays.
 * A timing-dependent number (timing.ts) has its range in its type: `integer 0–100`.
 */
export type Shape = string | { readonly [key: string]: Shape } | { readonly "[]": Shape | null };

export function shapeOf(value: unknown, key?: string): Shape {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let merged: Shape | null = null;
    for (const v of value) merged = merged === null ? shapeOf(v, key) : mergeShapes(merged, shapeOf(v, key));
    return { "[]": merged };
  }
  if (typeof value === "object") {
    const out: Record<string, Shape> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shapeOf(v, k);
    return out;
  }
  if (typeof value === "number" && key !== undefined) return timingType(key, value) ?? "number";
  return typeof value;
}

function isArrayShape(s: Shape): s is { readonly "[]": Shape | null } {
  return typeof s === "object" && "[]" in s;
}

function mergeShapes(a: Shape, b: Shape): Shape {
  if (typeof a === "string" || typeof b === "string") {
    if (a === b) return a;
    const parts = new Set([
      ...String(typeof a === "string" ? a : "object").split("|"),
      ...String(typeof b === "string" ? b : "object").split("|"),
    ]);
    return [...parts].sort().join("|");
  }
  if (isArrayShape(a) && isArrayShape(b)) {
    const inner = a["[]"] === null ? b["[]"] : b["[]"] === null ? a["[]"] : mergeShapes(a["[]"], b["[]"]);
    return { "[]": inner };
  }
  const out: Record<string, Shape> = { ...(a as Record<string, Shape>) };
  for (const [k, v] of Object.entries(b as Record<string, Shape>)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : mergeShapes(prev, v);
  }
  return out;
}

/** Every difference between two shapes, as `path: recorded X, replayed Y`. */
export function diffShapes(recorded: Shape, replayed: Shape, path = "$"): string[] {
  if (typeof recorded === "string" || typeof replayed === "string") {
    return recorded === replayed
      ? []
      : [`${path}: recorded ${describeShape(recorded)}, replayed ${describeShape(replayed)}`];
  }
  if (isArrayShape(recorded) || isArrayShape(replayed)) {
    if (!(isArrayShape(recorded) && isArrayShape(replayed))) {
      return [`${path}: recorded ${describeShape(recorded)}, replayed ${describeShape(replayed)}`];
    }
    // An empty list on either side says nothing about its elements.
    if (recorded["[]"] === null || replayed["[]"] === null) return [];
    return diffShapes(recorded["[]"], replayed["[]"], `${path}[]`);
  }
  const out: string[] = [];
  const r = recorded as Record<string, Shape>;
  const p = replayed as Record<string, Shape>;
  for (const key of new Set([...Object.keys(r), ...Object.keys(p)])) {
    const a = r[key];
    const b = p[key];
    if (a === undefined) out.push(`${path}.${key}: not recorded, present in replay`);
    else if (b === undefined) out.push(`${path}.${key}: recorded, missing in replay`);
    else out.push(...diffShapes(a, b, `${path}.${key}`));
  }
  return out;
}

function describeShape(s: Shape): string {
  if (typeof s === "string") return s;
  return isArrayShape(s) ? "array" : "object";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A size masked to its power of ten, sign kept: 302227 → 100000, 1024 → 1000, 0 → 0. */
export function magnitude(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return 0;
  return Math.sign(value) * 10 ** Math.floor(Math.log10(Math.abs(value)));
}
