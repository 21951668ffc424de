/**
 * Answer shaping: a fault rule that lets the call run and then changes what it answers, the way
 * another DSM version (or a real NAS) might differ from the emulator. Each shape is one
 * plausible difference: a key renamed, dropped or added, a value of another type or unit or
 * another value, an error answered with another code, another HTTP status or header, a list in
 * another order, a cookie under another name. Client authors use them to test their clients'
 * robustness; the kit's own tests use them to prove that a NAS run notices each kind.
 *
 * By design: a key is found at any depth of `data` (every object that holds it), so a rule says
 * "`vcpu_num` becomes a string" without a path; shapes apply in the order the rules were added.
 */
import type { DsmAnswer } from "./envelope";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type AnswerShape =
  | { readonly type: "rename_key"; readonly key: string; readonly to: string }
  | { readonly type: "drop_key"; readonly key: string }
  /** Added to every object holding `beside` (default: the data object itself). */
  | { readonly type: "add_key"; readonly key: string; readonly value: JsonValue; readonly beside?: string }
  | { readonly type: "retype"; readonly key: string; readonly to: "string" | "number" | "boolean" }
  /** A number multiplied by `factor`: another unit (MB as bytes is 1048576). */
  | { readonly type: "scale"; readonly key: string; readonly factor: number }
  /** The value replaced (only where it equals `from`, when given). */
  | { readonly type: "set_value"; readonly key: string; readonly value: JsonValue; readonly from?: JsonValue }
  /** An error answer's code replaced (only where it is `from`, when given); a success is left alone. */
  | { readonly type: "error_code"; readonly code: number; readonly from?: number }
  | { readonly type: "http_status"; readonly status: number }
  /** A header set, or removed with `value: null`. */
  | { readonly type: "header"; readonly name: string; readonly value: string | null }
  /** Every list held under `key` reversed. */
  | { readonly type: "reorder"; readonly key: string }
  | { readonly type: "rename_cookie"; readonly from: string; readonly to: string };

/** The shapes that change the HTTP answer rather than the DSM answer. */
export type HttpShape = Extract<AnswerShape, { type: "http_status" | "header" }>;

/** The DSM answer after `shapes` (those that change data, codes or cookies). */
export function shapeAnswer(answer: DsmAnswer, shapes: readonly AnswerShape[]): DsmAnswer {
  let out = answer;
  for (const shape of shapes) out = shapeOne(out, shape);
  return out;
}

function shapeOne(answer: DsmAnswer, shape: AnswerShape): DsmAnswer {
  switch (shape.type) {
    case "error_code":
      if (answer.success || (shape.from !== undefined && answer.code !== shape.from)) return answer;
      return { ...answer, code: shape.code };
    case "rename_cookie":
      return {
        ...answer,
        cookies: answer.cookies.map((c) =>
          c.startsWith(`${shape.from}=`) ? `${shape.to}${c.slice(shape.from.length)}` : c,
        ),
      };
    case "http_status":
    case "header":
      return answer;
    default: {
      if (!answer.success || answer.data === undefined) return answer;
      // A kept answer (RawJson) is serialised text: edit a copy of its value, never the kept one.
      const data = JSON.parse(JSON.stringify(answer.data)) as JsonValue;
      return { ...answer, data: editData(data, shape) };
    }
  }
}

function editData(data: JsonValue, shape: AnswerShape): JsonValue {
  if (shape.type === "add_key" && shape.beside === undefined) {
    if (isObject(data)) data[shape.key] = shape.value;
    return data;
  }
  // Objects first found, then edited: an edit never walks into what it just added.
  const objects: { [key: string]: JsonValue }[] = [];
  const stack: JsonValue[] = [data];
  while (stack.length > 0) {
    const v = stack.pop() as JsonValue;
    if (Array.isArray(v)) stack.push(...v);
    else if (isObject(v)) {
      objects.push(v);
      stack.push(...Object.values(v));
    }
  }
  for (const o of objects) editObject(o, shape);
  return data;
}

function editObject(o: { [key: string]: JsonValue }, shape: AnswerShape): void {
  if (shape.type === "add_key") {
    if (shape.beside !== undefined && Object.hasOwn(o, shape.beside)) o[shape.key] = shape.value;
    return;
  }
  if (!("key" in shape) || !Object.hasOwn(o, shape.key)) return;
  const value = o[shape.key] as JsonValue;
  switch (shape.type) {
    case "rename_key": {
      // Rebuilt so the renamed key keeps its place (clients may read keys in order).
      const entries = Object.entries(o).map(([k, v]): [string, JsonValue] => [
        k === shape.key ? shape.to : k,
        v,
      ]);
      for (const k of Object.keys(o)) delete o[k];
      for (const [k, v] of entries) o[k] = v;
      return;
    }
    case "drop_key":
      delete o[shape.key];
      return;
    case "retype":
      o[shape.key] = retyped(value, shape.to);
      return;
    case "scale":
      if (typeof value === "number") o[shape.key] = value * shape.factor;
      return;
    case "set_value":
      if (shape.from === undefined || JSON.stringify(value) === JSON.stringify(shape.from))
        o[shape.key] = shape.value;
      return;
    case "reorder":
      if (Array.isArray(value)) value.reverse();
      return;
  }
}

function retyped(value: JsonValue, to: "string" | "number" | "boolean"): JsonValue {
  const text = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  if (to === "string") return text;
  if (to === "boolean") return value !== 0 && value !== "" && value !== false && value !== null;
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

function isObject(v: JsonValue): v is { [key: string]: JsonValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The HTTP answer after the shapes that change its status or headers. */
export function shapeResponse(res: Response, shapes: readonly AnswerShape[]): Response {
  const http = shapes.filter((s): s is HttpShape => s.type === "http_status" || s.type === "header");
  if (http.length === 0) return res;
  let status = res.status;
  const headers = new Headers(res.headers);
  for (const s of http) {
    if (s.type === "http_status") status = s.status;
    else if (s.value === null) headers.delete(s.name);
    else headers.set(s.name, s.value);
  }
  return new Response(res.body, { status, headers });
}
