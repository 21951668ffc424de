/**
 * The one test harness: emulators on port 0 with in-memory state and a virtual clock, a
 * minimal WebAPI caller over real HTTP, the lifecycle fixture `useEmulator()` (per describe,
 * per test, or reset between tests), the fixture variant helper, the create → task helper, the
 * answer assertions, raw HTTP exchanges, and the seeds of randomised tests. A test that is about
 * starting emulators (options, files, restarts, several side by side) calls
 * `startTestEmulator` itself; every other test gets its emulator from `useEmulator`.
 */
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { VirtualClock } from "../server/clock";
import { DEFAULT_FIXTURE } from "../server/config";
import type { ResetOptions } from "../server/control/client";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../server/emulator";
import { type Fixture, parseFixture } from "../server/fixture";
import { ACCOUNTS, NETWORKS, STORAGES } from "./fixture-ids";

/** Where every test emulator's virtual clock starts. */
export const TEST_EPOCH = Date.UTC(2026, 10, 1, 9, 0, 0);

export interface TestEmulator extends RunningEmulator {
  readonly clock: VirtualClock;
  /** GET a CGI with the given parameters; answers the parsed JSON and the raw response. */
  get(cgi: string, params: Record<string, string>, init?: RequestInit): Promise<DsmReply>;
  /** POST a form body to `path` (e.g. `entry.cgi/SYNO.Virtualization.API.Guest`). */
  post(path: string, params: Record<string, string>, init?: RequestInit): Promise<DsmReply>;
  /** Logs in `account` (default admin/synology) and answers the sid. */
  login(account?: string, passwd?: string): Promise<string>;
  /** Calls `SYNO.Virtualization.API.<api>` at version 1 on entry.cgi with a sid. */
  vmm(sid: string, api: string, method: string, params?: Record<string, string>): Promise<DsmReply>;
}

export interface DsmReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    success: boolean;
    data?: Record<string, unknown>;
    error?: { code: number; errors?: unknown };
  };
  readonly text: string;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const clock = new VirtualClock(TEST_EPOCH);
  const emulator = await startEmulator({
    clock,
    db: ":memory:",
    port: 0,
    timeScale: "realtime",
    // One suite logs in from one address many times with wrong passwords on purpose: auto-block
    // (on by default, as on DSM) is switched on by the tests about it.
    autoBlockAttempts: "off",
    log: () => {},
    ...options,
  });
  const reply = async (res: Response): Promise<DsmReply> => {
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
  };
  const get: TestEmulator["get"] = async (cgi, params, init) =>
    reply(await fetch(`${emulator.url}/webapi/${cgi}?${new URLSearchParams(params)}`, init));
  const post: TestEmulator["post"] = async (path, params, init) =>
    reply(
      await fetch(`${emulator.url}/webapi/${path}`, {
        method: "POST",
        ...init,
        headers: { "content-type": "application/x-www-form-urlencoded", ...(init?.headers ?? {}) },
        body: new URLSearchParams(params).toString(),
      }),
    );
  const login: TestEmulator["login"] = async (
    account = ACCOUNTS.admin.account,
    passwd = ACCOUNTS.admin.passwd,
  ) => {
    const res = await get("auth.cgi", {
      api: "SYNO.API.Auth",
      version: "3",
      method: "login",
      account,
      passwd,
      format: "sid",
      session: "test",
    });
    if (!res.body.success) throw new Error(`login of ${account} failed: ${res.text}`);
    return String(res.body.data?.sid);
  };
  const vmm: TestEmulator["vmm"] = (sid, api, method, params = {}) =>
    get("entry.cgi", { api: `SYNO.Virtualization.API.${api}`, version: "1", method, _sid: sid, ...params });
  return Object.assign(emulator, { clock, get, post, login, vmm });
}

/** A running test emulator and the admin's sid on it, as `useEmulator` keeps them. */
export interface Harness {
  readonly emu: TestEmulator;
  /** The admin's sid (logged in when the emulator started, and again after each reset). */
  readonly sid: string;
  /** Replaces the emulator with a new one (a fixture variant, other options); closed by the hooks. */
  start(options?: EmulatorOptions): Promise<TestEmulator>;
}

/** How `useEmulator` shares its emulator between the tests of a `describe` (or file). */
export interface HarnessSetup {
  /** A fresh emulator for every test. */
  readonly each?: boolean;
  /**
   * One emulator, put back to the fixture before every test by the control plane's reset
   * (`true`, or which extras the reset also clears), with a fresh admin session.
   */
  readonly reset?: true | ResetOptions;
  /** `false`: no admin session (a fixture without admin/synology, or a journal that must stay empty). */
  readonly login?: boolean;
}

/**
 * Starts an emulator for the enclosing `describe` (or file) and logs the admin in; closes it
 * afterwards. With `each`, every test gets a fresh one; with `reset`, every test gets the same
 * one reset to the fixture. `start()` inside a test swaps in one with other options; it is
 * closed like the first. With `each` or `reset` the next test gets the shared options again;
 * without, the swap lasts to the end of the `describe`.
 */
export function useEmulator(options: EmulatorOptions = {}, setup: HarnessSetup = {}): Harness {
  if (setup.each === true && setup.reset !== undefined)
    throw new Error("useEmulator: each and reset exclude each other");
  const login = setup.login !== false;
  let emu: TestEmulator | undefined;
  let sid: string | undefined;
  /** Whether a test swapped in an emulator with other options (`start(more)`). */
  let swapped = false;
  const harness: Harness = {
    get emu() {
      if (emu === undefined)
        throw new Error("the emulator is not started (useEmulator's hooks have not run)");
      return emu;
    },
    get sid() {
      if (sid === undefined)
        throw new Error(login ? "no admin session yet" : "useEmulator was told not to log in");
      return sid;
    },
    async start(more = {}) {
      swapped = Object.keys(more).length > 0;
      await emu?.close();
      emu = undefined;
      sid = undefined;
      const started = await startTestEmulator({ ...options, ...more });
      emu = started;
      if (login) sid = await started.login();
      return started;
    },
  };
  const stop = async () => {
    await emu?.close();
    emu = undefined;
    sid = undefined;
  };
  if (setup.each === true) {
    beforeEach(() => harness.start().then(() => undefined));
    afterEach(stop);
    return harness;
  }
  beforeAll(() => harness.start().then(() => undefined));
  afterAll(stop);
  const { reset } = setup;
  if (reset !== undefined) {
    beforeEach(async () => {
      // A variant a previous test swapped in is not what the next test expects: start over.
      if (swapped) await harness.start();
      const running = harness.emu;
      await running.admin.reset(reset === true ? {} : reset);
      // A reset drops every session.
      sid = login ? await running.login() : undefined;
    });
  }
  return harness;
}

/** The default fixture with `change` applied, validated again so that a bad variant fails loudly. */
export function fixtureWith(change: (f: Fixture) => void): Fixture {
  const fixture = parseFixture(JSON.parse(readFileSync(DEFAULT_FIXTURE, "utf8")));
  change(fixture);
  return parseFixture(fixture);
}

/** The default fixture's JSON as it is on disk, for tests that break it on purpose. */
export function rawDefaultFixture(): RawFixture {
  return JSON.parse(readFileSync(DEFAULT_FIXTURE, "utf8")) as RawFixture;
}

/** The parts of the fixture's JSON the tests break on purpose. */
export interface RawFixture {
  [key: string]: unknown;
  system: Record<string, unknown>;
  accounts: Record<string, unknown>[];
  hosts: Record<string, unknown>[];
  storages: Record<string, unknown>[];
  networks: Record<string, unknown>[];
  images: Record<string, unknown>[];
  guests: (Record<string, unknown> & {
    vdisks: Record<string, unknown>[];
    vnics: Record<string, unknown>[];
  })[];
}

export const disk = (size: number) => ({ create_type: 0, vdisk_size: size });
export const defaultNic = { network_name: NETWORKS.default.name };

/**
 * The parameters `createGuest` sends: one 1 GB disk on the first storage and one vNIC on the
 * default network unless `extra` says otherwise. For a create that is meant to fail.
 */
export function guestParams(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    guest_name: name,
    storage_name: STORAGES.first.name,
    vdisks: JSON.stringify([disk(1024)]),
    vnics: JSON.stringify([defaultNic]),
    ...extra,
  };
}

/**
 * Sends Guest create with `guestParams(name, extra)`, expects success and reads the task once
 * for the guest id (a read of an unfinished task leaves it; under `instant` time the task has
 * finished, so with auto_clean_task, the default, that read removes it). Answers both ids.
 * With `ready`, the virtual clock then moves on until the guest is created (status shutdown).
 */
export async function createGuest(
  emu: TestEmulator,
  sid: string,
  name: string,
  extra: Record<string, string> = {},
  options: { ready?: boolean } = {},
): Promise<{ taskId: string; guestId: string }> {
  const res = await emu.vmm(sid, "Guest", "create", guestParams(name, extra));
  const { task_id } = expectSuccess(res) as { task_id: string };
  const info = expectSuccess(await emu.vmm(sid, "Task.Info", "get", { task_id })) as {
    task_info: { guest_id: string };
  };
  if (options.ready === true) {
    emu.clock.advance(10_000);
    expect(await statusOf(emu, sid, name)).toBe("shutdown");
  }
  return { taskId: task_id, guestId: info.task_info.guest_id };
}

export async function statusOf(emu: TestEmulator, sid: string, name: string): Promise<string> {
  const guest = expectSuccess(await emu.vmm(sid, "Guest", "get", { guest_name: name }));
  return String(guest.status);
}

/** Asserts the DSM error envelope with `code`, HTTP 200 and DSM's content type. */
export function expectDsmError(res: DsmReply, code: number): void {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe('application/json; charset="UTF-8"');
  expect(res.body).toMatchObject({ success: false, error: { code } });
}

/** Asserts a DSM success envelope and answers its data. */
export function expectSuccess(res: DsmReply): Record<string, unknown> {
  expect(res.status).toBe(200);
  expect(res.body.success, res.text).toBe(true);
  return res.body.data ?? {};
}

export interface RawAnswer {
  status: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP exchange with nothing normalised (method, path and body bytes exactly as given). */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"],
            cacheControl: res.headers["cache-control"],
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/**
 * The seed of a randomised test: fixed by default so `npm test` is repeatable, settable by
 * `VMM_TEST_SEED` (or the test's own variable) to explore or to replay a failure; the tests
 * print it in their names.
 */
export function testSeed(variable: string, fallback: number): number {
  const raw = process.env[variable] ?? process.env.VMM_TEST_SEED;
  const seed = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`${variable} must be an integer, not ${raw}`);
  return seed;
}
