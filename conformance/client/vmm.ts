/**
 * Every method of the VMM API guide as a typed call, and the port scenarios drive them through.
 *
 * `VmmPort` is what a scenario needs of a VMM client. The kit's own `VmmApi` implements it over
 * `DsmClient`; a client library's author can implement it with their own client and run the
 * scenarios through it (`guardPort` then puts the kit's safety guard and ledger in front of it,
 * so a foreign client is held to the same tier as the kit's). Both read one table, CALLS, that
 * says which DSM call each method stands for.
 *
 * Answers are typed by the guide's shapes but not validated here (DSM may add keys; the shape
 * scenarios check them strictly).
 */
import { API, type ApiName, type MethodOf } from "../../contract/apis";
import type { DsmClient } from "./dsm-client";
import type { Ledger } from "./ledger";
import type { SafetyGuard } from "./safety";
import type { Guest, Host, Image, Network, Storage, TaskState } from "./shapes";

export type GuestRef = { readonly guest_id: string } | { readonly guest_name: string };
export type ImageRef = { readonly image_id: string } | { readonly image_name: string };
export type HostRef = { readonly host_id: string } | { readonly host_name: string };
export type StorageRef = { readonly storage_id: string } | { readonly storage_name: string };

export type VdiskSpec =
  | { readonly create_type: 0; readonly vdisk_size: number }
  | ({ readonly create_type: 1 } & ({ readonly image_id: string } | { readonly image_name: string }));

export interface VnicSpec {
  readonly mac?: string;
  /** `""` = not connected. */
  readonly network_id?: string;
  readonly network_name?: string;
}

export type GuestCreateSpec = { readonly guest_name: string } & StorageRef & {
    readonly vdisks: readonly VdiskSpec[];
    readonly vnics: readonly VnicSpec[];
    readonly auto_clean_task?: boolean;
  };

export interface GuestChanges {
  readonly autorun?: 0 | 1 | 2;
  readonly description?: string;
  readonly new_guest_name?: string;
  readonly vcpu_num?: number;
  readonly vram_size?: number;
}

export type ImageCreateSpec = {
  readonly image_name: string;
  readonly type: "disk" | "vdsm" | "iso";
  readonly ds_file_path: string;
  readonly auto_clean_task?: boolean;
} & ({ readonly storage_ids: readonly string[] } | { readonly storage_names: readonly string[] });

/** What a scenario needs of a VMM client: one method per method of the guide. */
export interface VmmPort {
  listTasks(): Promise<string[]>;
  getTask(taskId: string): Promise<TaskState>;
  clearTask(taskId: string): Promise<void>;
  listNetworks(): Promise<Network[]>;
  listStorages(): Promise<Storage[]>;
  listHosts(): Promise<Host[]>;
  listGuests(additional?: boolean): Promise<Guest[]>;
  getGuest(ref: GuestRef, additional?: boolean): Promise<Guest>;
  /** Answers the task id; read the result with `getTask` (or `Waiter.task`). */
  createGuest(spec: GuestCreateSpec): Promise<string>;
  setGuest(ref: GuestRef, changes: GuestChanges): Promise<void>;
  deleteGuest(ref: GuestRef): Promise<void>;
  powerOn(ref: GuestRef, host?: HostRef): Promise<void>;
  powerOff(ref: GuestRef): Promise<void>;
  shutdown(ref: GuestRef): Promise<void>;
  listImages(): Promise<Image[]>;
  createImage(spec: ImageCreateSpec): Promise<string>;
  deleteImage(ref: ImageRef): Promise<void>;
}

type Params = Record<string, string | number | boolean | undefined>;

/** One port method: the DSM call it stands for, its parameters, and its result from `data` (and back). */
interface Call<K extends keyof VmmPort> {
  readonly api: ApiName;
  readonly method: string;
  readonly params: (...args: Parameters<VmmPort[K]>) => Params;
  readonly result: (data: unknown) => Awaited<ReturnType<VmmPort[K]>>;
  /** The answer's `data` as DSM sends it, rebuilt from a port's result (for the ledger). */
  readonly data: (result: Awaited<ReturnType<VmmPort[K]>>) => unknown;
}

const field =
  <T>(key: string) =>
  (data: unknown): T =>
    (data as Record<string, T>)[key] as T;
const wrap = (key: string) => (value: unknown) => ({ [key]: value });
const same = <T>(data: unknown): T => data as T;
const none = (): undefined => undefined;
const define = <A extends ApiName, K extends keyof VmmPort>(
  api: A,
  method: MethodOf<A>,
  rest: Omit<Call<K>, "api" | "method">,
): Call<K> => ({ api, method, ...rest });

const { task: TASK, guest: GUEST, action: ACTION, image: IMAGE } = API;

export const CALLS: { readonly [K in keyof VmmPort]: Call<K> } = {
  listTasks: define(TASK, "list", { params: () => ({}), result: field("task_ids"), data: wrap("task_ids") }),
  getTask: define(TASK, "get", { params: (task_id) => ({ task_id }), result: same, data: same }),
  clearTask: define(TASK, "clear", { params: (task_id) => ({ task_id }), result: none, data: none }),
  listNetworks: define(API.network, "list", {
    params: () => ({}),
    result: field("networks"),
    data: wrap("networks"),
  }),
  listStorages: define(API.storage, "list", {
    params: () => ({}),
    result: field("storages"),
    data: wrap("storages"),
  }),
  listHosts: define(API.host, "list", {
    params: () => ({}),
    result: field("hosts"),
    data: wrap("hosts"),
  }),
  listGuests: define(GUEST, "list", {
    params: (additional = false) => ({ additional }),
    result: field("guests"),
    data: wrap("guests"),
  }),
  getGuest: define(GUEST, "get", {
    params: (ref, additional = false) => ({ ...ref, additional }),
    result: same,
    data: same,
  }),
  createGuest: define(GUEST, "create", {
    params: ({ vdisks, vnics, auto_clean_task, ...rest }) => ({
      ...rest,
      vdisks: JSON.stringify(vdisks),
      vnics: JSON.stringify(vnics),
      ...(auto_clean_task === undefined ? {} : { auto_clean_task }),
    }),
    result: field("task_id"),
    data: wrap("task_id"),
  }),
  setGuest: define(GUEST, "set", {
    params: (ref, changes) => ({ ...ref, ...changes }),
    result: none,
    data: none,
  }),
  deleteGuest: define(GUEST, "delete", { params: (ref) => ({ ...ref }), result: none, data: none }),
  powerOn: define(ACTION, "poweron", {
    params: (ref, host) => ({ ...ref, ...host }),
    result: none,
    data: none,
  }),
  powerOff: define(ACTION, "poweroff", { params: (ref) => ({ ...ref }), result: none, data: none }),
  shutdown: define(ACTION, "shutdown", { params: (ref) => ({ ...ref }), result: none, data: none }),
  listImages: define(IMAGE, "list", { params: () => ({}), result: field("images"), data: wrap("images") }),
  createImage: define(IMAGE, "create", {
    params: (spec) => ({
      image_name: spec.image_name,
      type: spec.type,
      ds_file_path: spec.ds_file_path,
      ...("storage_ids" in spec
        ? { storage_ids: JSON.stringify(spec.storage_ids) }
        : { storage_names: JSON.stringify(spec.storage_names) }),
      ...(spec.auto_clean_task === undefined ? {} : { auto_clean_task: spec.auto_clean_task }),
    }),
    result: field("task_id"),
    data: wrap("task_id"),
  }),
  deleteImage: define(IMAGE, "delete", { params: (ref) => ({ ...ref }), result: none, data: none }),
};

type Invoke = <K extends keyof VmmPort>(name: K, args: Parameters<VmmPort[K]>) => Promise<unknown>;

/** A port whose every method is `invoke(name, args)`, typed by VmmPort. */
class PortOf implements VmmPort {
  readonly #invoke: Invoke;
  constructor(invoke: Invoke) {
    this.#invoke = invoke;
  }
  #do<K extends keyof VmmPort>(name: K, ...args: Parameters<VmmPort[K]>): ReturnType<VmmPort[K]> {
    return this.#invoke(name, args) as ReturnType<VmmPort[K]>;
  }
  listTasks = () => this.#do("listTasks");
  getTask = (taskId: string) => this.#do("getTask", taskId);
  clearTask = (taskId: string) => this.#do("clearTask", taskId);
  listNetworks = () => this.#do("listNetworks");
  listStorages = () => this.#do("listStorages");
  listHosts = () => this.#do("listHosts");
  listGuests = (additional?: boolean) => this.#do("listGuests", additional);
  getGuest = (ref: GuestRef, additional?: boolean) => this.#do("getGuest", ref, additional);
  createGuest = (spec: GuestCreateSpec) => this.#do("createGuest", spec);
  setGuest = (ref: GuestRef, changes: GuestChanges) => this.#do("setGuest", ref, changes);
  deleteGuest = (ref: GuestRef) => this.#do("deleteGuest", ref);
  powerOn = (ref: GuestRef, host?: HostRef) => this.#do("powerOn", ref, host);
  powerOff = (ref: GuestRef) => this.#do("powerOff", ref);
  shutdown = (ref: GuestRef) => this.#do("shutdown", ref);
  listImages = () => this.#do("listImages");
  createImage = (spec: ImageCreateSpec) => this.#do("createImage", spec);
  deleteImage = (ref: ImageRef) => this.#do("deleteImage", ref);
}

const paramsOf = (name: keyof VmmPort, args: readonly unknown[]): Params =>
  (CALLS[name].params as (...a: readonly unknown[]) => Params)(...args);

/** The kit's own VMM client: each method one DsmClient call (guarded and ledgered there). */
export class VmmApi extends PortOf {
  constructor(readonly dsm: DsmClient) {
    super(async (name, args) => {
      const call = CALLS[name];
      // CALLS was checked against the spec where it is defined; the table erases the pair.
      return call.result(await dsm.call(call.api, call.method as never, paramsOf(name, args)));
    });
  }
}

/**
 * A foreign client's port with the kit's guard and ledger in front: each call is checked
 * against the tier before it reaches `port`, and its result teaches the ledger what it made,
 * exactly as the kit's own client does with the raw answer.
 */
export function guardPort(port: VmmPort, guard: SafetyGuard, ledger: Ledger): VmmPort {
  return new PortOf(async (name, args) => {
    const call = CALLS[name];
    const raw = paramsOf(name, args);
    const params: Record<string, string> = { api: call.api, method: call.method };
    for (const [k, v] of Object.entries(raw)) if (v !== undefined) params[k] = String(v);
    guard.check(call.api, call.method, params);
    ledger.beforeSend(params);
    try {
      const result = await (port[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      ledger.observe(params, (call.data as (r: unknown) => unknown)(result));
      return result;
    } catch (err) {
      ledger.observeFailure(params);
      throw err;
    }
  });
}
