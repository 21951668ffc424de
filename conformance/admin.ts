/**
 * A small client of the emulator's control plane (`/__admin`, JSON), for the scenarios marked
 * emulator-only: they put the emulator into states the DSM API cannot reach (host offline,
 * storage crashed, licence, fault rules) and undo them afterwards. Never used against a NAS.
 */
import { Agent, type Dispatcher, request } from "undici";

export class AdminError extends Error {
  override name = "AdminError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface FaultRule {
  readonly match: Readonly<Record<string, string | number>>;
  readonly action:
    | { readonly type: "error"; readonly code: number; readonly errors?: unknown }
    | { readonly type: string; readonly [key: string]: unknown };
  readonly times?: number;
}

export class AdminClient {
  readonly #root: string;
  readonly #dispatcher: Dispatcher = new Agent({ connectTimeout: 10_000, headersTimeout: 10_000 });
  readonly #headers: Record<string, string>;

  constructor(baseUrl: string, token?: string) {
    this.#root = `${baseUrl.replace(/\/+$/, "")}/__admin`;
    this.#headers = { "content-type": "application/json" };
    if (token !== undefined) this.#headers.authorization = `Bearer ${token}`;
  }

  async send(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<unknown> {
    const res = await request(`${this.#root}${path}`, {
      method,
      dispatcher: this.#dispatcher,
      headers: this.#headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300)
      throw new AdminError(`${method} /__admin${path}: HTTP ${res.statusCode} ${text}`, res.statusCode);
    try {
      return text === "" ? undefined : JSON.parse(text);
    } catch {
      throw new AdminError(`${method} /__admin${path} answered something that is not JSON`, res.statusCode);
    }
  }

  /** True when the target has a control plane (an emulator with it enabled). */
  async available(): Promise<boolean> {
    try {
      await this.send("GET", "/state");
      return true;
    } catch {
      return false;
    }
  }

  setHost(idOrName: string, status: string): Promise<unknown> {
    return this.send("PATCH", `/hosts/${encodeURIComponent(idOrName)}`, { status });
  }
  setStorage(idOrName: string, status: string): Promise<unknown> {
    return this.send("PATCH", `/storages/${encodeURIComponent(idOrName)}`, { status });
  }
  setCluster(changes: Record<string, unknown>): Promise<unknown> {
    return this.send("PATCH", "/cluster", changes);
  }
  crashGuest(idOrName: string): Promise<unknown> {
    return this.send("POST", `/guests/${encodeURIComponent(idOrName)}/crash`);
  }
  addFault(rule: FaultRule): Promise<unknown> {
    return this.send("POST", "/faults", rule);
  }
  clearFaults(): Promise<unknown> {
    return this.send("DELETE", "/faults");
  }
  advanceClock(ms: number): Promise<unknown> {
    return this.send("POST", "/clock/advance", { ms });
  }
  setClock(settings: {
    mode?: "virtual" | "real";
    time_scale?: "instant" | "realtime" | number;
  }): Promise<unknown> {
    return this.send("POST", "/clock", settings);
  }
  state(): Promise<unknown> {
    return this.send("GET", "/state");
  }
  journal(): Promise<unknown> {
    return this.send("GET", "/journal");
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}
