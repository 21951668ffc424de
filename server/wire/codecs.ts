/**
 * Parameter codecs: how DSM reads the strings of a WebAPI request.
 *
 * Every parameter arrives as a string (query or form body). DSM's CGI layer then reads:
 * - booleans as `true`/`false` (also JSON-quoted); never "any non-empty string is true";
 * - numbers as digits, also when a client JSON-quotes them (`"2"`);
 * - JSON-typed values (`vdisks`, `vnics`, `storage_ids`) as JSON text whose numbers may be strings;
 * - multi-element values split on `,`, with `\,` for a literal comma and `\\` for a backslash;
 * - an empty id (`guest_id=`) as if it were absent (clients send both ids, one empty).
 * A value a codec refuses becomes error 401 (the dispatcher turns zod issues into it).
 *
 * Client quirks: Python clients JSON-quote some strings (`guest_name="win10"`); both
 * `task_id` (guide, Go) and `taskid` (Python) name the task parameter.
 */
import { z } from "zod";

type Raw = string | undefined;

/**
 * Splits a multi-element value on unescaped commas and unescapes each element. Only `\,` and
 * `\\` are escapes; any other backslash is kept as sent, as `unescapeValue` keeps it, so a
 * one-element list and a single value read the same.
 */
export function splitEscapedList(value: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const next = value[i + 1];
    if (ch === "\\" && (next === "," || next === "\\")) {
      current += next;
      i++;
    } else if (ch === ",") {
      out.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

/** A lone UTF-16 surrogate (half of a pair): not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * JSON.parse, with every string's lone surrogates (`"\ud800"`) replaced by U+FFFD, as decoding
 * a URL replaces bytes that are not UTF-8: a name must be the same text stored and read back.
 */
export function parseJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === "string" ? value.replace(LONE_SURROGATE, "\uFFFD") : value,
  );
}

/** Undoes the guide's escaping inside a single-element value. */
export function unescapeValue(value: string): string {
  return value.replace(/\\([\\,])/g, "$1");
}

/** A JSON-quoted string (`"win10"`) read as its content; anything else unchanged. */
export function unquote<V extends string | undefined>(value: V): V | string {
  if (value !== undefined && value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      const parsed = parseJson(value);
      if (typeof parsed === "string") return parsed;
    } catch {
      // not JSON: keep the raw text, DSM does the same
    }
  }
  return value;
}

const raw = z.string().optional();

/** A text parameter (escaped per the guide; empty is a value). */
export const text = () => raw.transform((v) => (v === undefined ? undefined : unescapeValue(unquote(v))));

/** A required non-empty text parameter. */
export const requiredText = () =>
  raw.transform((v, ctx) => {
    const value = v === undefined ? "" : unescapeValue(unquote(v));
    if (value === "") {
      ctx.addIssue({ code: "custom", message: "required" });
      return z.NEVER;
    }
    return value;
  });

/** An id or name used to pick an object: empty means absent. */
export const ref = () =>
  raw.transform((v) => {
    if (v === undefined) return undefined;
    const value = unescapeValue(unquote(v));
    return value === "" ? undefined : value;
  });

/** A password: never escaped, taken as sent. */
export const password = () => raw;

function readBool(v: Raw): boolean | undefined | null {
  if (v === undefined || v === "") return undefined;
  const value = unquote(v);
  // Client quirk: Python's requests writes a bool as `True`/`False` (synology-api sends
  // `additional=False` with every Guest list), so those two spellings are read as well.
  if (value === "true" || value === "True") return true;
  if (value === "false" || value === "False") return false;
  return null;
}

/** A DSM boolean with its documented default. */
export const bool = (fallback: boolean) =>
  raw.transform((v, ctx) => {
    const value = readBool(v);
    if (value === null) {
      ctx.addIssue({ code: "custom", message: "expected true or false" });
      return z.NEVER;
    }
    return value ?? fallback;
  });

/** A DSM `yes`/`no` switch as the auth API reads it (`enable_syno_token=yes`). */
export const yesNo = () => raw.transform((v) => v === "yes" || v === "true");

function readInt(v: string): number | null {
  const value = unquote(v).trim();
  if (!/^-?\d{1,15}$/.test(value)) return null;
  return Number(value);
}

/** An optional integer in [min, max]; empty means absent. */
export const int = (min: number, max: number) =>
  raw.transform((v, ctx) => {
    if (v === undefined || v === "") return undefined;
    const value = readInt(v);
    if (value === null || value < min || value > max) {
      ctx.addIssue({ code: "custom", message: `expected an integer from ${min} to ${max}` });
      return z.NEVER;
    }
    return value;
  });

/** A number inside JSON text: a JSON number or a string of digits. */
export const jsonInt = (min: number, max: number) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const value = typeof v === "number" ? v : readInt(v);
    if (value === null || !Number.isInteger(value) || value < min || value > max) {
      ctx.addIssue({ code: "custom", message: `expected an integer from ${min} to ${max}` });
      return z.NEVER;
    }
    return value;
  });

/** JSON text validated by `schema`. Absent or empty gives undefined. */
export const json = <T extends z.ZodType>(schema: T) =>
  raw.transform((v, ctx): z.output<T> | undefined => {
    if (v === undefined || v === "") return undefined;
    let parsed: unknown;
    try {
      parsed = parseJson(v);
    } catch {
      ctx.addIssue({ code: "custom", message: "expected JSON" });
      return z.NEVER;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
      return z.NEVER;
    }
    return result.data;
  });

/** A multi-element value: the guide's comma list. */
export const list = () =>
  raw.transform((v) => (v === undefined || v === "" ? undefined : splitEscapedList(v)));

/** The task id under either of its names: `task_id` (guide, Go client) or `taskid` (Python client). */
export function taskIdOf(params: Readonly<Record<string, string | undefined>>): string | undefined {
  // An empty `task_id=` is absent (empty-means-absent), so `taskid` is read after it.
  for (const value of [params.task_id, params.taskid]) {
    const id = value === undefined ? "" : unquote(value);
    if (id !== "") return id;
  }
  return undefined;
}

/** The parameters of a call naming one task (Task.Info get/clear): its id under either name. */
export const taskParams = () => z.object({ task_id: raw, taskid: raw }).transform((p) => taskIdOf(p));
