/**
 * Capture: a NAS's inventory, read through its WebAPI, written as a fixture the emulator loads
 * with `--fixture` (docs/your-nas-emulated.md). Every call goes through the kit's `DsmClient`
 * with a `readonly` guard, so a method that changes anything is refused before it is sent; the
 * guard, not this file's good manners, is what keeps the NAS unchanged.
 *
 * What a NAS shows through lists and gets is enough for the fixture's inventory. What it never
 * shows is filled in and said so in `source`: `ds_file_path` of images (not in any list), vCPU
 * reservations (0), the LUN limit and host-selection policy (the fixture format's defaults),
 * shares (none), and the one account (the login's name, with a password of the caller's
 * choosing: the NAS's password is never written).
 *
 * Each read that fails (a DSM error, a transport fault) is listed in `unread` with why, and the
 * capture goes on with what it could read.
 *
 * By design this imports nothing of the emulator: the fixture is plain JSON in the format of
 * docs/core.md, which the emulator validates when it loads it.
 */
import { API, methodSpec } from "../../contract/apis";
import { DsmClient } from "../client/dsm-client";
import { DsmApiError } from "../client/errors";
import type { Exchange, TlsPolicy, Transport } from "../client/transport";
import { anonymiseFixture } from "./anonymise";
import { type CapturedFixture, type Reads, toFixture, type Unread } from "./to-fixture";

export type { Unread } from "./to-fixture";

export type { CapturedFixture };

export interface CaptureOptions {
  /** e.g. `https://nas.local:5001` */
  readonly url: string;
  readonly tls?: TlsPolicy;
  readonly account: string;
  readonly password: string;
  readonly otpCode?: string;
  /** Replace serials, MACs and names with neutral ones. */
  readonly anonymise?: boolean;
  /** The password the fixture's account gets (default `synology`): never the NAS's own. */
  readonly fixturePassword?: string;
  readonly timeoutMs?: number;
  /** Replaces HTTP (tests), as `DsmClient` takes it. */
  readonly transport?: Transport;
  /** Sees every exchange (the tests check that only reads went out). */
  readonly onExchange?: (exchange: Exchange) => void;
  /** The capture's date (default: now), written in `source`. */
  readonly now?: Date;
}

export interface CaptureResult {
  readonly fixture: CapturedFixture;
  readonly unread: readonly Unread[];
  /** Facts the fixture records in place of what the NAS does not show. */
  readonly assumed: readonly string[];
}

/**
 * The NAS's own system APIs read where SYNO.API.Info lists them and the kit's spec knows them
 * as reads (contract/apis.ts); anywhere else they are skipped and said so.
 */
export const SYSTEM_READS: readonly (readonly [api: string, method: string])[] = [
  ["SYNO.Core.System", "info"],
  ["SYNO.Core.System.Utilization", "get"],
];

/** The client capture reads through: a `readonly` guard (DsmClient's default) and no other. */
export function captureClient(options: CaptureOptions): DsmClient {
  return new DsmClient({
    baseUrl: options.url,
    tls: options.tls ?? { mode: "verify" },
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.transport === undefined ? {} : { transport: options.transport }),
    ...(options.onExchange === undefined ? {} : { onExchange: options.onExchange }),
  });
}

export async function capture(options: CaptureOptions): Promise<CaptureResult> {
  const client = captureClient(options);
  if (client.guard.tier !== "readonly") throw new Error("capture reads through a readonly guard only");
  const unread: Unread[] = [];
  const read = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      unread.push({ what, why: reason(err) });
      return undefined;
    }
  };
  try {
    await client.discover();
    await client.login(options.account, options.password, options.otpCode);
    const reads: Reads = {
      dsmInfo: await read("SYNO.DSM.Info getinfo", () => client.call(API.dsm, "getinfo", {})),
      user: client.isAdvertised(API.normalUser)
        ? await read("SYNO.Core.NormalUser get", () => client.call(API.normalUser, "get", {}))
        : undefined,
      hosts: await read("SYNO.Virtualization.API.Host list", () => client.call(API.host, "list", {})),
      internalHosts: await read("SYNO.Virtualization.Host list", () =>
        client.call(API.internalHost, "list", {}),
      ),
      storages: await read("SYNO.Virtualization.API.Storage list", () =>
        client.call(API.storage, "list", {}),
      ),
      networks: await read("SYNO.Virtualization.API.Network list", () =>
        client.call(API.network, "list", {}),
      ),
      internalNetworks: await read("SYNO.Virtualization.Network list", () =>
        client.call(API.internalNetwork, "list", {}),
      ),
      repos: await read("SYNO.Virtualization.Repo list", () => client.call(API.repo, "list", {})),
      images: await read("SYNO.Virtualization.API.Guest.Image list", () =>
        client.call(API.image, "list", {}),
      ),
      guests: await read("SYNO.Virtualization.API.Guest list", () =>
        client.call(API.guest, "list", { additional: true }),
      ),
      internalGuests: await read("SYNO.Virtualization.Guest list", () =>
        client.call(API.internalGuest, "list", {}),
      ),
      cluster: await read("SYNO.Virtualization.Cluster get", () => client.call(API.cluster, "get", {})),
      settings: new Map(),
      system: new Map(),
    };
    for (const id of guestIds(reads.guests)) {
      const setting = await read(`SYNO.Virtualization.Guest get_setting ${id}`, () =>
        client.call(API.internalGuest, "get_setting", { guest_id: id }),
      );
      if (setting !== undefined) reads.settings.set(id, setting);
    }
    await readSystem(client, reads, unread);
    const built = toFixture(reads, {
      account: options.account,
      password: options.fixturePassword ?? "synology",
      url: options.url,
      at: (options.now ?? new Date()).toISOString(),
      unread,
    });
    const fixture = options.anonymise === true ? anonymiseFixture(built.fixture) : built.fixture;
    return { fixture, unread, assumed: built.assumed };
  } finally {
    await read("SYNO.API.Auth logout", () => client.logout());
    await client.close();
  }
}

/** The system APIs where served and classified as reads; the rest listed as unread with why. */
async function readSystem(client: DsmClient, reads: Reads, unread: Unread[]): Promise<void> {
  const served = (await client
    .request({ api: "SYNO.API.Info", method: "query", version: "1", query: "SYNO.Core." })
    .catch(() => undefined)) ?? { success: false, error: { code: 0 } };
  const advertised =
    served.success && typeof served.data === "object" && served.data !== null
      ? new Set(Object.keys(served.data))
      : new Set<string>();
  for (const [api, method] of SYSTEM_READS) {
    const what = `${api} ${method}`;
    if (!advertised.has(api)) {
      unread.push({ what, why: "not served: SYNO.API.Info does not list it" });
      continue;
    }
    if (methodSpec(api, method)?.safety.class !== "read") {
      unread.push({ what, why: "served, but this kit's spec does not know it as a read" });
      continue;
    }
    try {
      const envelope = await client.request({ api, method, version: "1" });
      if (envelope.success) reads.system.set(api, envelope.data);
      else unread.push({ what, why: `DSM error ${envelope.error.code}` });
    } catch (err) {
      unread.push({ what, why: reason(err) });
    }
  }
}

function guestIds(guests: unknown): string[] {
  const list = (guests as { guests?: { guest_id?: unknown }[] } | undefined)?.guests ?? [];
  return list.flatMap((g) => (typeof g.guest_id === "string" ? [g.guest_id] : []));
}

function reason(err: unknown): string {
  if (err instanceof DsmApiError) return `DSM error ${err.code}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
