/**
 * The API surface as data: every DSM API the emulator serves, where, at which versions, in
 * which dialect, and for each method whether it changes state, whether it starts a task and
 * how dangerous it is to call on a real NAS. This is the one list of APIs:
 * - the emulator's operation table is typed from it (a method here without a handler, or a
 *   handler without a method here, does not compile), and SYNO.API.Info is generated from it;
 * - the conformance kit's safety guard and ledger classify every call with it;
 * - test/docs.test.ts checks docs/api-reference.md's coverage and error tables against it.
 *
 * Dialects: `dsm` is DSM's own core (discovery, login, DSM.Info, the system APIs); `public` is the guide's
 * `SYNO.Virtualization.API.*`; `internal` is the web UI's `SYNO.Virtualization.*`, which the
 * guide does not document (what real clients send to it: docs/clients.md).
 */
import type { ErrorFamily } from "./errors";

export type Cgi = "query.cgi" | "auth.cgi" | "entry.cgi" | "encryption.cgi";
/** Every CGI the emulator serves under /webapi/. */
export const CGIS: readonly Cgi[] = ["query.cgi", "auth.cgi", "entry.cgi", "encryption.cgi"];
export type Dialect = "dsm" | "public" | "internal";
export type SessionRule = "none" | "optional" | "required";
/** What a run can make and must remove again; in the order they are adopted (guests before images). */
export const RESOURCE_KINDS = ["guest", "image"] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** How one dialect names one kind of object in its parameters and answers. */
export interface ResourceNaming {
  readonly kind: ResourceKind;
  readonly idParam: string;
  readonly nameParam: string;
  /** The parameters that rename it, where the dialect has them. */
  readonly renameParams?: readonly string[];
  /** The key of a list answer holding the objects, and their id and name keys. */
  readonly listKey: string;
  readonly itemId: string;
  readonly itemName: string;
}

/**
 * How dangerous a call is on a real NAS: `read` changes nothing a user owns (lists, gets,
 * discovery, login); `creates` makes a new object named by `resource.nameParam`; `changes`
 * alters (or, with `removes`, deletes) an existing object; `task` alters a task record.
 * A read may say what its answer shows: objects of `resource` (a list under its `listKey`, or
 * the object itself), or a task's state (`task`), so the kit's ledger learns ids from answers.
 */
export type Safety =
  | { readonly class: "read"; readonly resource?: ResourceNaming; readonly task?: true }
  | { readonly class: "creates"; readonly resource: ResourceNaming }
  | { readonly class: "changes"; readonly resource: ResourceNaming; readonly removes?: true }
  | { readonly class: "task" }
  /** A batch (SYNO.Entry.Request): each call in it is judged on its own. */
  | { readonly class: "batch" };

export interface MethodSpec {
  readonly session: SessionRule;
  /** The versions this method answers, when narrower than its API's (else 104). */
  readonly versions?: readonly [min: number, max: number];
  /** It takes a file upload: this multipart part is streamed and counted, never buffered. */
  readonly upload?: string;
  /** Changes any state (sessions and tasks included): never run for a HEAD request. */
  readonly changes: boolean;
  /** The kind of task it starts (its answer is `{task_id}`). */
  readonly task?: string;
  readonly safety: Safety;
}

export interface ApiSpec {
  readonly dialect: Dialect;
  /** Where SYNO.API.Info tells clients to call it. */
  readonly path: Cgi;
  /** Every CGI that answers it. */
  readonly servedOn: readonly Cgi[];
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly requestFormat?: "JSON";
  readonly errors: ErrorFamily;
  /** Administrators only: other accounts get 105. */
  readonly admin: boolean;
  readonly methods: { readonly [method: string]: MethodSpec };
}

export const PUBLIC_GUEST = {
  kind: "guest",
  idParam: "guest_id",
  nameParam: "guest_name",
  renameParams: ["new_guest_name"],
  listKey: "guests",
  itemId: "guest_id",
  itemName: "guest_name",
} as const satisfies ResourceNaming;

export const PUBLIC_IMAGE = {
  kind: "image",
  idParam: "image_id",
  nameParam: "image_name",
  listKey: "images",
  itemId: "image_id",
  itemName: "image_name",
} as const satisfies ResourceNaming;

/**
 * The web UI's names: a guest is renamed with `new_guest_name` (go-synology) or `name` (the web
 * UI's form); it is named `name` in answers; an image is named `name` on upload.
 */
export const INTERNAL_GUEST = {
  kind: "guest",
  idParam: "guest_id",
  nameParam: "guest_name",
  renameParams: ["new_guest_name", "name"],
  listKey: "guests",
  itemId: "guest_id",
  itemName: "name",
} as const satisfies ResourceNaming;

export const INTERNAL_IMAGE = {
  kind: "image",
  idParam: "image_id",
  nameParam: "name",
  listKey: "images",
  itemId: "image_id",
  itemName: "name",
} as const satisfies ResourceNaming;

const READ = { session: "required", changes: false, safety: { class: "read" } } as const;
const reads = <R extends ResourceNaming>(resource: R) =>
  ({ session: "required", changes: false, safety: { class: "read", resource } }) as const;
const changes = <R extends ResourceNaming>(resource: R) =>
  ({ session: "required", changes: true, safety: { class: "changes", resource } }) as const;
const removes = <R extends ResourceNaming>(resource: R) =>
  ({ session: "required", changes: true, safety: { class: "changes", resource, removes: true } }) as const;
const creates = <R extends ResourceNaming, T extends string>(resource: R, task: T) =>
  ({ session: "required", changes: true, task, safety: { class: "creates", resource } }) as const;

/** DSM's own APIs: entry.cgi, version 1, JSON request format, the common error table. */
const CORE = {
  dialect: "dsm",
  path: "entry.cgi",
  servedOn: ["entry.cgi"],
  minVersion: 1,
  maxVersion: 1,
  requestFormat: "JSON",
  errors: "common",
  admin: false,
} as const;

/** DSM's system APIs (the NAS around VMM): DSM's own, for administrators. */
const SYSTEM = { ...CORE, admin: true } as const;

const INTERNAL_VMM = {
  dialect: "internal",
  path: "entry.cgi",
  servedOn: ["entry.cgi"],
  minVersion: 1,
  maxVersion: 1,
  requestFormat: "JSON",
  errors: "vmm-internal",
  admin: true,
} as const;

const PUBLIC_VMM = {
  dialect: "public",
  path: "entry.cgi",
  servedOn: ["entry.cgi"],
  minVersion: 1,
  maxVersion: 1,
  requestFormat: "JSON",
  errors: "vmm",
  admin: true,
} as const;

export const APIS = {
  // Discovery, login and DSM.Info as DSM 7.2 advertises them: two independent recordings of
  // `query=all` (py-synologydsm-api's and go-synology's fixtures) agree on every entry here.
  "SYNO.API.Info": {
    ...CORE,
    // DSM 7 advertises entry.cgi; query.cgi (DSM 6's path) still answers.
    servedOn: ["query.cgi", "entry.cgi"],
    methods: { query: { session: "none", changes: false, safety: { class: "read" } } },
  },
  "SYNO.API.Auth": {
    dialect: "dsm",
    path: "entry.cgi",
    // Still served on auth.cgi for older clients (the guide's example, npm syno, N4S4).
    servedOn: ["auth.cgi", "entry.cgi"],
    minVersion: 1,
    maxVersion: 7,
    // DSM 7.2 advertises Auth without a requestFormat.
    errors: "auth",
    admin: false,
    methods: {
      login: { session: "none", changes: true, safety: { class: "read" } },
      logout: { session: "optional", changes: true, safety: { class: "read" } },
    },
  },
  "SYNO.API.Auth.UIConfig": {
    ...CORE,
    errors: "auth",
    methods: { get: { session: "none", changes: false, safety: { class: "read" } } },
  },
  "SYNO.API.Encryption": {
    ...CORE,
    // Clients call it at encryption.cgi too (N4S4, DSM's own web UI).
    servedOn: ["entry.cgi", "encryption.cgi"],
    methods: { getinfo: { session: "none", changes: false, safety: { class: "read" } } },
  },
  "SYNO.DSM.Info": { ...CORE, minVersion: 2, maxVersion: 2, methods: { getinfo: READ } },
  "SYNO.Core.NormalUser": { ...CORE, maxVersion: 2, methods: { get: READ } },
  "SYNO.Entry.Request": {
    ...CORE,
    maxVersion: 2,
    // Its elements are checked one by one as calls of their own.
    methods: { request: { session: "none", changes: true, safety: { class: "batch" } } },
  },
  // DSM's system surface: what Home Assistant's Synology DSM integration (py-synologydsm-api)
  // reads, at DSM 7.2's paths and versions (py-synologydsm-api's recorded Info). Administrators
  // only, as Home Assistant's documentation asks of the account (a guess: docs/differences.md).
  "SYNO.Core.System": { ...SYSTEM, maxVersion: 3, methods: { info: READ } },
  "SYNO.Core.System.Utilization": { ...SYSTEM, methods: { get: READ } },
  "SYNO.Storage.CGI.Storage": { ...SYSTEM, methods: { load_info: READ } },
  "SYNO.DSM.Network": { ...SYSTEM, minVersion: 2, maxVersion: 2, methods: { list: READ } },
  "SYNO.Core.SecurityScan.Status": { ...SYSTEM, methods: { system_get: READ } },
  "SYNO.Core.Upgrade.Server": { ...SYSTEM, maxVersion: 4, methods: { check: READ } },
  "SYNO.Core.ExternalDevice.Storage.USB": { ...SYSTEM, methods: { list: READ } },
  "SYNO.Virtualization.API.Task.Info": {
    ...PUBLIC_VMM,
    methods: {
      list: READ,
      get: { session: "required", changes: false, safety: { class: "read", task: true } },
      clear: { session: "required", changes: true, safety: { class: "task" } },
    },
  },
  "SYNO.Virtualization.API.Network": { ...PUBLIC_VMM, methods: { list: READ } },
  "SYNO.Virtualization.API.Storage": { ...PUBLIC_VMM, methods: { list: READ } },
  "SYNO.Virtualization.API.Host": { ...PUBLIC_VMM, methods: { list: READ } },
  "SYNO.Virtualization.API.Guest": {
    ...PUBLIC_VMM,
    methods: {
      list: reads(PUBLIC_GUEST),
      get: reads(PUBLIC_GUEST),
      create: creates(PUBLIC_GUEST, "guest_create"),
      set: changes(PUBLIC_GUEST),
      delete: removes(PUBLIC_GUEST),
    },
  },
  "SYNO.Virtualization.API.Guest.Action": {
    ...PUBLIC_VMM,
    methods: {
      poweron: changes(PUBLIC_GUEST),
      poweroff: changes(PUBLIC_GUEST),
      shutdown: changes(PUBLIC_GUEST),
    },
  },
  "SYNO.Virtualization.API.Guest.Image": {
    ...PUBLIC_VMM,
    methods: {
      list: reads(PUBLIC_IMAGE),
      create: creates(PUBLIC_IMAGE, "image_create"),
      delete: removes(PUBLIC_IMAGE),
    },
  },
  // The web UI's internal dialect: same cluster, other names and units (memory in KiB). Versions
  // as DSM 7.2 advertises them; the methods are those real clients call (docs/clients.md).
  "SYNO.Virtualization.Guest": {
    ...INTERNAL_VMM,
    maxVersion: 2,
    methods: {
      list: reads(INTERNAL_GUEST),
      get: reads(INTERNAL_GUEST),
      get_setting: reads(INTERNAL_GUEST),
      usb_list: READ,
      set: { ...changes(INTERNAL_GUEST), versions: [1, 1] },
    },
  },
  "SYNO.Virtualization.Guest.Action": {
    ...INTERNAL_VMM,
    methods: { pwr_ctl: changes(INTERNAL_GUEST) },
  },
  "SYNO.Virtualization.Guest.Image": {
    ...INTERNAL_VMM,
    maxVersion: 2,
    methods: {
      list: reads(INTERNAL_IMAGE),
      upload_and_create: { ...creates(INTERNAL_IMAGE, "image_upload"), versions: [1, 1], upload: "file" },
    },
  },
  "SYNO.Virtualization.Host": { ...INTERNAL_VMM, maxVersion: 2, methods: { list: READ } },
  "SYNO.Virtualization.Cluster": { ...INTERNAL_VMM, maxVersion: 2, methods: { get: READ, get_guest: READ } },
  "SYNO.Virtualization.Network": { ...INTERNAL_VMM, maxVersion: 2, methods: { list: READ } },
  "SYNO.Virtualization.Repo": { ...INTERNAL_VMM, maxVersion: 2, methods: { list: READ } },
} as const satisfies Readonly<Record<string, ApiSpec>>;

export type Apis = typeof APIS;
export type ApiName = keyof Apis;
export type MethodOf<A extends ApiName> = keyof Apis[A]["methods"] & string;

/** Every task kind some method starts. */
export type TaskKind = {
  [A in ApiName]: {
    [M in MethodOf<A>]: Apis[A]["methods"][M] extends { readonly task: infer T extends string } ? T : never;
  }[MethodOf<A>];
}[ApiName];

/** The spec of `api`, or undefined for a name DSM does not have here. */
export function apiSpec(api: string): ApiSpec | undefined {
  return Object.hasOwn(APIS, api) ? (APIS as Readonly<Record<string, ApiSpec>>)[api] : undefined;
}

/** The spec of `api.method` (exact names), or undefined. */
export function methodSpec(api: string, method: string): MethodSpec | undefined {
  const methods = apiSpec(api)?.methods;
  return methods !== undefined && Object.hasOwn(methods, method) ? methods[method] : undefined;
}

/** Every API and method, in spec order: `[api, method, spec]`. */
export function allMethods(): [api: ApiName, method: string, spec: MethodSpec][] {
  return (Object.entries(APIS) as [ApiName, ApiSpec][]).flatMap(([api, s]) =>
    Object.entries(s.methods).map(([method, m]): [ApiName, string, MethodSpec] => [api, method, m]),
  );
}

/** Cluster rules (500, 501, 600) refuse a call that creates or changes the cluster's objects. */
export function guardedByCluster(method: MethodSpec): boolean {
  return method.safety.class === "creates" || method.safety.class === "changes";
}

/** Short names for call sites (`API.guest`), each checked against the table above. */
export const API = {
  info: "SYNO.API.Info",
  auth: "SYNO.API.Auth",
  uiConfig: "SYNO.API.Auth.UIConfig",
  encryption: "SYNO.API.Encryption",
  dsm: "SYNO.DSM.Info",
  normalUser: "SYNO.Core.NormalUser",
  entryRequest: "SYNO.Entry.Request",
  system: "SYNO.Core.System",
  utilization: "SYNO.Core.System.Utilization",
  nasStorage: "SYNO.Storage.CGI.Storage",
  dsmNetwork: "SYNO.DSM.Network",
  securityScan: "SYNO.Core.SecurityScan.Status",
  upgradeServer: "SYNO.Core.Upgrade.Server",
  usb: "SYNO.Core.ExternalDevice.Storage.USB",
  task: "SYNO.Virtualization.API.Task.Info",
  network: "SYNO.Virtualization.API.Network",
  storage: "SYNO.Virtualization.API.Storage",
  host: "SYNO.Virtualization.API.Host",
  guest: "SYNO.Virtualization.API.Guest",
  action: "SYNO.Virtualization.API.Guest.Action",
  image: "SYNO.Virtualization.API.Guest.Image",
  internalGuest: "SYNO.Virtualization.Guest",
  internalAction: "SYNO.Virtualization.Guest.Action",
  internalImage: "SYNO.Virtualization.Guest.Image",
  internalHost: "SYNO.Virtualization.Host",
  cluster: "SYNO.Virtualization.Cluster",
  internalNetwork: "SYNO.Virtualization.Network",
  repo: "SYNO.Virtualization.Repo",
} as const satisfies Record<string, ApiName>;
