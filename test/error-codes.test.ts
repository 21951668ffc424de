/**
 * Every error code of the guide's tables (and 119), reached by the recipe docs/api-reference.md gives for
 * it, over real HTTP against the default fixture. Keep this file and that table in step.
 */
import { describe, expect, it } from "vitest";
import { totp } from "../server/security/totp";
import { ACCOUNTS, HOSTS, SHARE_FILES, STORAGES } from "./fixture-ids";
import { type DsmReply, expectDsmError, expectSuccess, useEmulator } from "./harness";

const t = useEmulator({}, { each: true });

const GUEST = "SYNO.Virtualization.API.Guest";
const call = (api: string, method: string, params: Record<string, string> = {}, version = "1") =>
  t.emu.get("entry.cgi", { api, version, method, _sid: t.sid, ...params });
const vmm = (api: string, method: string, params: Record<string, string> = {}) =>
  t.emu.vmm(t.sid, api, method, params);
const poweron = (guest: string, host?: string) =>
  vmm(
    "Guest.Action",
    "poweron",
    host === undefined ? { guest_name: guest } : { guest_name: guest, host_name: host },
  );

const login = (account: string, passwd: string, extra: Record<string, string> = {}) =>
  t.emu.get("auth.cgi", {
    api: "SYNO.API.Auth",
    version: "3",
    method: "login",
    account,
    passwd,
    format: "sid",
    ...extra,
  });

const recipes: [number, string, () => Promise<DsmReply>][] = [
  [
    101,
    "a request without version",
    () => t.emu.get("entry.cgi", { api: GUEST, method: "list", _sid: t.sid }),
  ],
  [102, "an API that does not exist", () => call("SYNO.Virtualization.API.Nope", "list")],
  [103, "a method that does not exist", () => call(GUEST, "reboot")],
  [104, "a version the API does not have", () => call(GUEST, "list", {}, "2")],
  [
    105,
    "a non-administrator calling a VMM API",
    async () =>
      t.emu.vmm(await t.emu.login(ACCOUNTS.viewer.account, ACCOUNTS.viewer.passwd), "Guest", "list"),
  ],
  [
    106,
    "a session idle past the timeout, with --session-expired-code 106 (DSM 7's default is 119)",
    async () => {
      const emu = await t.start({ sessionExpiredCode: 106 });
      emu.clock.advance(901_000);
      return vmm("Guest", "list");
    },
  ],
  [119, "no sid", () => t.emu.get("entry.cgi", { api: GUEST, version: "1", method: "list" })],
  [401, "Guest get without guest_id or guest_name", () => vmm("Guest", "get")],
  [
    402,
    "a vdisk larger than the storage's free space",
    () =>
      vmm("Guest", "create", {
        guest_name: "big",
        storage_name: STORAGES.first.name,
        vdisks: '[{"create_type":0,"vdisk_size":400000}]',
      }),
  ],
  [
    403,
    "a guest name that is taken",
    () => vmm("Guest", "create", { guest_name: "win10", storage_name: STORAGES.first.name }),
  ],
  [
    404,
    "more vdisks than the iSCSI LUN limit leaves",
    () =>
      vmm("Guest", "create", {
        guest_name: "many-disks",
        storage_name: STORAGES.first.name,
        vdisks: JSON.stringify(Array.from({ length: 120 }, () => ({ create_type: 0, vdisk_size: 1 }))),
      }),
  ],
  [
    500,
    "a change while two of three hosts are offline",
    async () => {
      await t.emu.admin.updateHost(HOSTS.second.name, { status: "inaccessible" });
      return poweron("syno");
    },
  ],
  [
    501,
    "a change while the cluster is in incompatible mode",
    async () => {
      await t.emu.admin.updateCluster({ cluster_status: "incompatible" });
      return vmm("Guest", "set", { guest_name: "syno", description: "x" });
    },
  ],
  [
    600,
    "a change while the cluster is not ready",
    async () => {
      await t.emu.admin.updateCluster({ cluster_status: "not_ready" });
      return vmm("Guest", "set", { guest_name: "syno", description: "x" });
    },
  ],
  [601, "power-on on an offline host", () => poweron("syno", HOSTS.offline.name)],
  [
    700,
    "a guest on a crashed storage",
    () => vmm("Guest", "create", { guest_name: "x", storage_name: STORAGES.crashed.name }),
  ],
  [900, "power-on of a guest no host can take (auto-select)", () => poweron("big-memory")],
  [901, "power-on of a guest whose storage's host is offline", () => poweron("archive")],
  [902, "power-on with more vCPUs than the host has", () => poweron("many-cpu", HOSTS.first.name)],
  [903, "power-on with more memory than the host has free", () => poweron("big-memory", HOSTS.first.name)],
  [904, "power-on of a running guest", () => poweron("ubuntu-web")],
  [
    905,
    "a vNIC with another guest's MAC",
    () =>
      vmm("Guest", "create", {
        guest_name: "x",
        storage_name: STORAGES.first.name,
        vnics: '[{"network_id":"","mac":"02:11:32:2c:2f:7b"}]',
      }),
  ],
  [
    906,
    "a clone of an image that does not exist",
    () =>
      vmm("Guest", "create", {
        guest_name: "x",
        storage_name: STORAGES.first.name,
        vdisks: '[{"create_type":1,"image_name":"nope"}]',
      }),
  ],
  [907, "power-off of a guest that is off", () => vmm("Guest.Action", "poweroff", { guest_name: "syno" })],
  [908, "a CPU reservation larger than the host's threads", () => poweron("db-reserved", HOSTS.second.name)],
  [909, "a host without the guest's network", () => poweron("lab-router", HOSTS.second.name)],
  [910, "remote boot from an IDE disk", () => poweron("legacy-ide", HOSTS.second.name)],
  [911, "remote boot with UEFI", () => poweron("win10", HOSTS.second.name)],
  [1000, "an unknown task", () => vmm("Task.Info", "get", { task_id: "@administrators/nope" })],
  [
    1001,
    "remote placement without VMM Pro",
    async () => {
      await t.emu.admin.updateCluster({ pro_licence: false });
      return poweron("syno", HOSTS.second.name);
    },
  ],
  [
    1400,
    "an image created on a healthy and a crashed storage",
    async () => {
      const { task_id } = expectSuccess(
        await vmm("Guest.Image", "create", {
          image_name: "img",
          type: "disk",
          ds_file_path: SHARE_FILES.disk,
          storage_names: JSON.stringify([STORAGES.first.name, STORAGES.crashed.name]),
        }),
      ) as { task_id: string };
      t.emu.clock.advance(10_000);
      return vmm("Task.Info", "get", { task_id });
    },
  ],
  [
    1600,
    "a resize when the HA hosts cannot reserve it",
    async () => {
      await t.emu.admin.updateCluster({ ha_enabled: true, ha_reservation_ok: false });
      return vmm("Guest", "set", { guest_name: "syno", vram_size: "2048" });
    },
  ],
];

describe("every Virtualization error code is reachable by its reference recipe", () => {
  it.each(recipes)("%i: %s", async (code, _what, recipe) => {
    expectDsmError(await recipe(), code);
  });
});

describe("every Auth error code is reachable by its reference recipe", () => {
  it("400: a wrong password", async () => expectDsmError(await login(ACCOUNTS.admin.account, "wrong"), 400));
  it("401: a disabled account", async () =>
    expectDsmError(await login(ACCOUNTS.disabled.account, ACCOUNTS.disabled.passwd), 401));
  it("402: an account DSM's application privileges deny", async () =>
    expectDsmError(await login(ACCOUNTS.nologin.account, ACCOUNTS.nologin.passwd), 402));
  it("403: a 2-step account without a code", async () => {
    const res = await login(ACCOUNTS.otp.account, ACCOUNTS.otp.passwd);
    expectDsmError(res, 403);
    expect(res.body.error?.errors).toMatchObject({ types: [{ type: "otp" }] });
  });
  it("404: a 2-step account with a wrong code, while the right one logs in", async () => {
    const right = totp(ACCOUNTS.otp.secret, t.emu.clock.now());
    const wrong = right === "000000" ? "111111" : "000000";
    expectDsmError(await login(ACCOUNTS.otp.account, ACCOUNTS.otp.passwd, { otp_code: wrong }), 404);
    expectSuccess(await login(ACCOUNTS.otp.account, ACCOUNTS.otp.passwd, { otp_code: right }));
  });
});
