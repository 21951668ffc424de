/**
 * What the control plane accepts, as zod schemas. Objects are strict, so a misspelt field is
 * refused (400 naming it) instead of being silently ignored; the client's input types are
 * derived from the same schemas.
 */
import { z } from "zod";
import {
  AUTO_SELECT,
  CLUSTER_STATUSES,
  DISK_STATES,
  HOST_STATUSES,
  SECURITY_STATES,
  STORAGE_STATUSES,
  VOLUME_STATES,
} from "../../contract/statuses";
import { diskId, usbDeviceSchema } from "../fixture";

const count = z.number().int().min(0);
const positive = z.number().int().positive();

export const hostChanges = z.strictObject({
  status: z.enum(HOST_STATUSES).optional(),
  total_cpu_core: positive.optional(),
  total_ram_size: positive.optional(),
  other_ram_used: count.optional(),
});

export const storageChanges = z.strictObject({
  status: z.enum(STORAGE_STATUSES).optional(),
  size: count.optional(),
  other_used: count.optional(),
});

export const clusterChanges = z.strictObject({
  cluster_status: z.enum(CLUSTER_STATUSES).optional(),
  pro_licence: z.boolean().optional(),
  ha_enabled: z.boolean().optional(),
  ha_reservation_ok: z.boolean().optional(),
  max_iscsi_luns: count.optional(),
  auto_select_host: z.enum(AUTO_SELECT).optional(),
});

/**
 * The NAS's states (DSM's system APIs). Disks and volumes are merged into what is set (`normal`
 * clears one); `usb` replaces the attached devices; `update: null` withdraws the update.
 */
export const nasChanges = z.strictObject({
  /** The host a login lands on, by id or name. */
  host: z.string().min(1).optional(),
  temperature: z.number().int().min(0).max(120).optional(),
  update: z.string().min(1).nullable().optional(),
  security: z.enum(SECURITY_STATES).optional(),
  disks: z.record(diskId, z.enum(DISK_STATES)).optional(),
  /** Keyed by storage id or name. */
  volumes: z.record(z.string().min(1), z.enum(VOLUME_STATES)).optional(),
  usb: z.array(usbDeviceSchema).max(16).optional(),
});

export const powerChange = z.strictObject({ action: z.enum(["poweron", "poweroff", "shutdown"]) });

export const resetOptions = z.strictObject({
  /** Also remove every fault rule. */
  faults: z.boolean().optional(),
  /** Also clear the journal. */
  journal: z.boolean().optional(),
});

export const snapshotName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, "a snapshot name is 1-64 letters, digits, '.', '_' or '-'");

export const snapshotCreate = z.strictObject({ name: snapshotName });

/** A transport fault stands for a request DSM never saw, unless `apply` runs it first (a lost answer). */
const transport = { apply: z.boolean().optional() };

/** How deep and how large a fault rule's `errors` detail may be (DSM's are 2-3 levels, under 1 KiB). */
const MAX_DETAIL_DEPTH = 8;
const MAX_DETAIL_BYTES = 16 * 1024;

/** The nesting depth of a JSON value, counted without recursion (so no depth can overflow the stack). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== "object" || v === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DETAIL_DEPTH) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const errorDetail = z
  .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
  // Depth first: measuring the size of a value nested too deep would overflow the stack.
  .refine(
    (v) => depthOf(v) <= MAX_DETAIL_DEPTH && JSON.stringify(v).length <= MAX_DETAIL_BYTES,
    `errors may nest at most ${MAX_DETAIL_DEPTH} levels and take at most ${MAX_DETAIL_BYTES} bytes as JSON`,
  );

const key = z.string().min(1).max(128);
const cookieName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "a cookie name");
/** A JSON value a shape writes, bounded like an error detail. */
const jsonValue = z
  .union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.record(z.string(), z.unknown()),
    z.array(z.unknown()),
  ])
  .refine(
    (v) => depthOf(v) <= MAX_DETAIL_DEPTH && JSON.stringify(v).length <= MAX_DETAIL_BYTES,
    `a value may nest at most ${MAX_DETAIL_DEPTH} levels and take at most ${MAX_DETAIL_BYTES} bytes as JSON`,
  );

export const faultAction = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("error"),
    code: z.number().int().min(100).max(99999),
    errors: errorDetail.optional(),
  }),
  z.strictObject({ type: z.literal("delay"), ms: z.number().int().min(0).max(600_000) }),
  z.strictObject({ type: z.literal("reset"), ...transport }),
  z.strictObject({ type: z.literal("hang"), ...transport }),
  z.strictObject({ type: z.literal("malformed"), ...transport }),
  z.strictObject({
    type: z.literal("task_fail"),
    at_progress: z.number().int().min(0).max(100),
    code: z.number().int().min(100).max(99999).optional(),
  }),
  // At 100 a task finishes anyway, so a stuck mark is below it.
  z.strictObject({ type: z.literal("task_stuck"), at_progress: z.number().int().min(0).max(99) }),
  z.strictObject({ type: z.literal("hold_transition") }),
  // Answer shaping (server/wire/shape.ts): the call runs, then what it answers is changed.
  z.strictObject({ type: z.literal("rename_key"), key, to: key }),
  z.strictObject({ type: z.literal("drop_key"), key }),
  z.strictObject({ type: z.literal("add_key"), key, value: jsonValue, beside: key.optional() }),
  z.strictObject({ type: z.literal("retype"), key, to: z.enum(["string", "number", "boolean"]) }),
  z.strictObject({
    type: z.literal("scale"),
    key,
    factor: z.number().refine((n) => Number.isFinite(n) && n !== 0, "a finite factor other than 0"),
  }),
  z.strictObject({ type: z.literal("set_value"), key, value: jsonValue, from: jsonValue.optional() }),
  z.strictObject({
    type: z.literal("error_code"),
    code: z.number().int().min(100).max(99999),
    from: z.number().int().optional(),
  }),
  z.strictObject({ type: z.literal("http_status"), status: z.number().int().min(200).max(599) }),
  z.strictObject({
    type: z.literal("header"),
    name: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, "a header name"),
    value: z
      .string()
      .max(1024)
      .regex(/^[^\r\n]*$/, "one line")
      .nullable(),
  }),
  z.strictObject({ type: z.literal("reorder"), key }),
  z.strictObject({ type: z.literal("rename_cookie"), from: cookieName, to: cookieName }),
]);

/** The action types that shape an answer (they add to a call's verdict; others decide it). */
export const SHAPING = new Set([
  "rename_key",
  "drop_key",
  "add_key",
  "retype",
  "scale",
  "set_value",
  "error_code",
  "http_status",
  "header",
  "reorder",
  "rename_cookie",
] as const);

export const faultRule = z.strictObject({
  match: z
    .strictObject({
      api: z.string().min(1).optional(),
      method: z.string().min(1).optional(),
      version: positive.optional(),
      account: z.string().min(1).optional(),
      /** A guest, image, task, host, storage or network id or name, as a call's parameter gives it. */
      target: z.string().min(1).optional(),
    })
    .default({}),
  action: faultAction,
  times: positive.optional(),
  skip: count.optional(),
  probability: z.number().gt(0).max(1).optional(),
  seed: z.number().int().optional(),
});

export type FaultRuleInput = z.output<typeof faultRule>;

export const timeScale = z.union([
  z.literal("instant"),
  z.literal("realtime"),
  z
    .number()
    .positive()
    .refine((n) => Number.isFinite(n), "must be finite"),
]);

export const clockChanges = z.strictObject({
  mode: z.enum(["real", "virtual"]).optional(),
  time_scale: timeScale.optional(),
});

/** The longest single advance: a hundred years (a date past 9999 has no ISO form). */
export const MAX_ADVANCE_MS = 100 * 365.25 * 86_400_000;

export const clockAdvance = z
  .strictObject({
    ms: z.number().min(0).max(MAX_ADVANCE_MS).optional(),
    seconds: z
      .number()
      .min(0)
      .max(MAX_ADVANCE_MS / 1000)
      .optional(),
  })
  .refine((b) => (b.ms === undefined) !== (b.seconds === undefined), "give exactly one of ms or seconds");

export const journalQuery = z.strictObject({
  limit: z.coerce.number().int().positive().optional(),
  api: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
  status: z.enum(["success", "error"]).optional(),
  code: z.coerce.number().int().optional(),
});
