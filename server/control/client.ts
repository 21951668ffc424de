/**
 * A typed client of the control plane over plain `fetch`, one method per endpoint. Any
 * non-2xx answer throws `AdminCallError` carrying the status and the server's message.
 * `startEmulator` hands one back as `admin`; other processes can build their own from a URL.
 */
import type { z } from "zod";
import type { fixtureSchema, NasState } from "../fixture";
import type { GuestRecord } from "../store/guests";
import type { HostRow, StorageRow } from "../store/inventory";
import type { ClockState, PowerAction } from "./control-plane";
import type { FaultRule } from "./faults";
import type { JournalEntry, JournalFilter, UnimplementedCall } from "./journal";
import type {
  clockChanges,
  clusterChanges,
  faultRule,
  hostChanges,
  nasChanges,
  resetOptions,
  storageChanges,
} from "./schemas";
import type { StateDump } from "./state";

export type { ClockState, FaultRule, JournalEntry, JournalFilter, PowerAction, StateDump, UnimplementedCall };
export type FixtureInput = z.input<typeof fixtureSchema>;
export type FaultRuleSpec = z.input<typeof faultRule>;
export type HostChanges = z.input<typeof hostChanges>;
export type StorageChanges = z.input<typeof storageChanges>;
export type ClusterChanges = z.input<typeof clusterChanges>;
export type NasChanges = z.input<typeof nasChanges>;
export type ClockChanges = z.input<typeof clockChanges>;
export type ResetOptions = z.input<typeof resetOptions>;
export interface SnapshotInfo {
  name: string;
  created_at: string;
}

/** A control-plane call that did not answer 2xx. */
export class AdminCallError extends Error {
  override name = "AdminCallError";
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    message: string,
  ) {
    super(`${method} ${path} answered ${status}: ${message}`);
  }
}

export interface AdminClientOptions {
  /** The admin token (`--admin-token`), sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** A fetch to use instead of the global one (e.g. `app.fetch` for socket-less use). */
  readonly fetch?: (request: Request) => Response | Promise<Response>;
}

export class AdminClient {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #fetch: (request: Request) => Response | Promise<Response>;
  /** `baseUrl` is the emulator's, e.g. `http://127.0.0.1:5000` (the `/__admin` prefix is added). */
  constructor(baseUrl: string, options: AdminClientOptions = {}) {
    this.#base = `${baseUrl.replace(/\/+$/, "")}/__admin`;
    this.#token = options.token;
    this.#fetch = options.fetch ?? ((request) => fetch(request));
  }

  state(): Promise<StateDump> {
    return this.#call("GET", "/state");
  }
  reset(options: ResetOptions = {}): Promise<{ reset: true }> {
    return this.#call("POST", "/reset", options);
  }
  /** The server validates it; a bad fixture throws with the server's message naming the field. */
  loadFixture(fixture: FixtureInput): Promise<{ loaded: true }> {
    return this.#call("POST", "/fixture", fixture);
  }

  /** The state as a fixture (`GET /__admin/fixture`), to write to a file and start from later. */
  exportFixture(): Promise<FixtureInput & { format: number }> {
    return this.#call("GET", "/fixture");
  }

  snapshots(): Promise<SnapshotInfo[]> {
    return this.#call<{ snapshots: SnapshotInfo[] }>("GET", "/snapshots").then((r) => r.snapshots);
  }
  createSnapshot(name: string): Promise<SnapshotInfo> {
    return this.#call("POST", "/snapshots", { name });
  }
  restoreSnapshot(name: string): Promise<{ restored: string }> {
    return this.#call("POST", `/snapshots/${encodeURIComponent(name)}/restore`);
  }
  deleteSnapshot(name: string): Promise<{ deleted: string }> {
    return this.#call("DELETE", `/snapshots/${encodeURIComponent(name)}`);
  }

  /** `ref` is a host id or name. */
  updateHost(ref: string, changes: HostChanges): Promise<HostRow> {
    return this.#call("PATCH", `/hosts/${encodeURIComponent(ref)}`, changes);
  }
  updateStorage(ref: string, changes: StorageChanges): Promise<StorageRow> {
    return this.#call("PATCH", `/storages/${encodeURIComponent(ref)}`, changes);
  }
  updateCluster(changes: ClusterChanges): Promise<StateDump["system"]> {
    return this.#call("PATCH", "/cluster", changes);
  }
  /** Sets the NAS's states (DSM's system APIs) and answers them all. */
  updateNas(changes: NasChanges): Promise<NasState> {
    return this.#call("PATCH", "/nas", changes);
  }
  crashGuest(ref: string): Promise<GuestRecord> {
    return this.#call("POST", `/guests/${encodeURIComponent(ref)}/crash`);
  }
  /** Powers a guest as the DSM call would; a refusal throws (409) naming the DSM code. */
  powerGuest(ref: string, action: PowerAction): Promise<GuestRecord> {
    return this.#call("POST", `/guests/${encodeURIComponent(ref)}/power`, { action });
  }

  addFault(rule: FaultRuleSpec): Promise<FaultRule> {
    return this.#call("POST", "/faults", rule);
  }
  faults(): Promise<FaultRule[]> {
    return this.#call<{ faults: FaultRule[] }>("GET", "/faults").then((r) => r.faults);
  }
  removeFault(id: string): Promise<{ deleted: string }> {
    return this.#call("DELETE", `/faults/${encodeURIComponent(id)}`);
  }
  clearFaults(): Promise<{ deleted: "all" }> {
    return this.#call("DELETE", "/faults");
  }

  /** Addresses auto-block refuses logins from (DSM answers them 407). */
  blocks(): Promise<{ address: string; since: string; until: string | null }[]> {
    return this.#call<{ blocks: { address: string; since: string; until: string | null }[] }>(
      "GET",
      "/blocks",
    ).then((r) => r.blocks);
  }
  /** Lifts the block of `address`, or every block. */
  unblock(address?: string): Promise<{ lifted: number }> {
    return this.#call("DELETE", address === undefined ? "/blocks" : `/blocks/${encodeURIComponent(address)}`);
  }

  clock(): Promise<ClockState> {
    return this.#call("GET", "/clock");
  }
  setClock(changes: ClockChanges): Promise<ClockState> {
    return this.#call("POST", "/clock", changes);
  }
  advanceClock(ms: number): Promise<ClockState> {
    return this.#call("POST", "/clock/advance", { ms });
  }

  /** The journal in the conformance kit's recording format (`vmm-conformance replay` reads it). */
  journalRecording(): Promise<
    { scenarios: string[]; exchanges: { api: string; method: string }[] } & Record<string, unknown>
  > {
    return this.#call("GET", "/journal/recording");
  }
  journal(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) query.set(k, String(v));
    const suffix = query.size === 0 ? "" : `?${query}`;
    return this.#call<{ entries: JournalEntry[] }>("GET", `/journal${suffix}`).then((r) => r.entries);
  }
  unimplemented(): Promise<UnimplementedCall[]> {
    return this.#call<{ calls: UnimplementedCall[] }>("GET", "/journal/unimplemented").then((r) => r.calls);
  }
  clearJournal(): Promise<{ cleared: true }> {
    return this.#call("DELETE", "/journal");
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers = new Headers();
    if (this.#token !== undefined) headers.set("authorization", `Bearer ${this.#token}`);
    if (body !== undefined) headers.set("content-type", "application/json");
    const res = await this.#fetch(
      new Request(`${this.#base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === "object" && parsed !== null && "error" in parsed)
          message = String(parsed.error);
      } catch {
        // Not the control plane's JSON (admin disabled, or a proxy): keep the raw text.
      }
      throw new AdminCallError(res.status, method, path, message);
    }
    return JSON.parse(text) as T;
  }
}
