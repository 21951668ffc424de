/**
 * Probes for differences the other scenarios let through: what a guest just created holds, a
 * login by cookie, every VMM API at the version Info advertises, and the order of a list. Each
 * compares with what the emulator answers and names every value that differs, with both sides.
 */
import { type ApiName, apiSpec } from "../../contract/apis";
import { check, expectCode } from "../runner/check";
import { scenario } from "../runner/scenario";
import { API, createGuest } from "./helpers";

/** What the emulator answers for a guest created with one 1 GB empty disk and one unconnected NIC. */
const FRESH_GUEST: Readonly<Record<string, unknown>> = {
  autorun: 0,
  description: "",
  status: "shutdown",
  vcpu_num: 1,
  vram_size: 1024,
  "vdisks.length": 1,
  "vdisks.0.vdisk_size": 1024,
  "vdisks.0.controller": 1,
  "vdisks.0.unmap": false,
  "vnics.length": 1,
  "vnics.0.model": 1,
  "vnics.0.network_id": "",
  "vnics.0.network_name": "",
};

/** `a.0.b` read from a JSON value (`length` of a list included). */
function at(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.split(".")) {
    if (Array.isArray(v)) v = part === "length" ? v.length : v[Number(part)];
    else if (typeof v === "object" && v !== null) v = (v as Record<string, unknown>)[part];
    else return undefined;
  }
  return v;
}

/** "field: the emulator answers X, the target Y" for every field of `expected` that differs. */
function differences(expected: Readonly<Record<string, unknown>>, actual: unknown): string[] {
  return Object.entries(expected)
    .filter(([path, want]) => JSON.stringify(at(actual, path)) !== JSON.stringify(want))
    .map(
      ([path, want]) =>
        `${path}: the emulator answers ${JSON.stringify(want)}, the target ${JSON.stringify(at(actual, path) ?? null)}`,
    );
}

/** DSM's default idle timeout of a session (15 minutes), and the margin the probe waits past it. */
const SESSION_IDLE_MS = 15 * 60_000;
const IDLE_MARGIN_MS = 60_000;
const KEEP_ALIVE_MS = 4 * 60_000;

export const probeScenarios = [
  scenario({
    id: "probe.auth.cookie-login",
    title: "a login without format=sid sets the session cookie `id`, and a call with that cookie alone works",
    covers: [
      [API.auth, "login"],
      [API.guest, "list"],
    ],
    tier: "readonly",
    async run(ctx) {
      const client = ctx.newClient();
      const { account, password } = ctx.accounts.admin;
      const { version } = ctx.dsm.endpoint(API.auth, "login");
      const login = await client.exchange(
        {
          api: API.auth,
          method: "login",
          version,
          account,
          passwd: password,
          session: "VirtualizationConformance",
        },
        { withSession: false },
      );
      check(login.envelope.success, `a cookie login failed: ${JSON.stringify(login.envelope)}`);
      const cookies = new Map(
        login.cookies.map((c) => {
          const [pair = ""] = c.split(";");
          const eq = pair.indexOf("=");
          return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()] as const;
        }),
      );
      for (const value of cookies.values()) if (value !== "") ctx.dsm.secrets.add(value);
      const names = [...cookies.keys()];
      check(
        names.length === 1 && names[0] === "id",
        `the login's cookie names: the emulator sets ["id"], the target ${JSON.stringify(names)}`,
      );
      const cookie = `id=${cookies.get("id") ?? ""}`;
      const listed = await client.request(
        { api: API.guest, method: "list", version: 1 },
        { withSession: false, headers: { Cookie: cookie } },
      );
      check(listed.success, `Guest list with the cookie alone: ${JSON.stringify(listed)}`);
      await client.request(
        { api: API.auth, method: "logout", version, session: "VirtualizationConformance" },
        { withSession: false, headers: { Cookie: cookie } },
      );
    },
  }),
  scenario({
    id: "probe.session.expiry",
    title: "a session left idle past DSM's default 15 minutes answers 119 on its next call (slow: opt-in)",
    covers: [[API.guest, "list"]],
    tier: "readonly",
    needs: ["slow"],
    async run(ctx) {
      const client = ctx.newClient();
      await client.login(ctx.accounts.admin.account, ctx.accounts.admin.password);
      await client.call(API.guest, "list", {});
      // The run's own session is kept alive meanwhile (a read every 4 minutes); only this one idles.
      for (let idle = 0; idle < SESSION_IDLE_MS + IDLE_MARGIN_MS; idle += KEEP_ALIVE_MS) {
        await ctx.wait.pause(KEEP_ALIVE_MS);
        await ctx.dsm.dsmInfo();
      }
      await expectCode(client.call(API.guest, "list", {}), 119, "a call after 16 idle minutes");
    },
  }),
  scenario({
    id: "probe.versions.advertised",
    title: "every VMM API answers a read at the highest version SYNO.API.Info advertises (never 103 or 104)",
    covers: [[API.info, "query"]],
    tier: "readonly",
    async run(ctx) {
      const refused: string[] = [];
      for (const [api, info] of Object.entries(ctx.dsm.apis)) {
        if (!api.startsWith("SYNO.Virtualization.")) continue;
        const spec = apiSpec(api as ApiName);
        const method = Object.entries(spec?.methods ?? {}).find(
          ([, m]) =>
            m.safety.class === "read" && (m.versions === undefined || m.versions[1] >= info.maxVersion),
        )?.[0];
        if (method === undefined) continue;
        const answer = await ctx.dsm.request({ api, method, version: info.maxVersion }, { cgi: info.path });
        if (!answer.success && (answer.error.code === 103 || answer.error.code === 104))
          refused.push(`${api} ${method} v${info.maxVersion} answers ${answer.error.code}`);
      }
      check(refused.length === 0, `Info advertises versions its APIs refuse: ${refused.join("; ")}`);
    },
  }),
  scenario({
    id: "probe.guest.defaults",
    title:
      "a guest just created holds the emulator's defaults (status, CPUs, RAM, autorun, disk and NIC settings)",
    covers: [
      [API.guest, "create"],
      [API.guest, "get"],
    ],
    tier: "owned",
    async run(ctx) {
      const g = await createGuest(ctx, "defaults");
      const got = await ctx.dsm.call(API.guest, "get", { guest_id: g.id });
      const diffs = differences(FRESH_GUEST, got);
      check(diffs.length === 0, `a guest just created differs: ${diffs.join("; ")}`);
    },
  }),
  scenario({
    id: "probe.guest.list-order",
    title: "Guest list (both dialects) lists guests in the order they were created",
    covers: [
      [API.guest, "list"],
      [API.internalGuest, "list"],
    ],
    tier: "owned",
    async run(ctx) {
      const first = await createGuest(ctx, "order-a");
      const second = await createGuest(ctx, "order-b");
      const ours = [first.id, second.id];
      const publicOrder = (await ctx.vmm.listGuests())
        .map((g) => g.guest_id)
        .filter((id) => ours.includes(id));
      const internal = (await ctx.dsm.call(API.internalGuest, "list", {})) as {
        guests?: { guest_id?: string }[];
      };
      const internalOrder = (internal.guests ?? [])
        .map((g) => g.guest_id ?? "")
        .filter((id) => ours.includes(id));
      const wrong = [
        ["Guest list", publicOrder],
        ["internal Guest list", internalOrder],
      ].filter(([, order]) => JSON.stringify(order) !== JSON.stringify(ours));
      check(
        wrong.length === 0,
        `list order: the emulator lists ${first.name} before ${second.name} (creation order); ${wrong
          .map(([what]) => `the target's ${what} does not`)
          .join(", ")}`,
      );
    },
  }),
  scenario({
    id: "probe.poweron.overcommit",
    title:
      "poweron of the run's own guest with more RAM than its host has free answers 903, with more vCPUs than threads 902",
    covers: [
      [API.guest, "set"],
      [API.action, "poweron"],
    ],
    // Disruptive: a NAS that does over-commit would start a guest of that size. Sized from the
    // NAS's own figures, and only ever on a guest this run created.
    tier: "disruptive",
    async run(ctx) {
      const { storage } = await ctx.placement();
      const host = (await ctx.vmm.listHosts()).find((h) => h.host_id === storage.host_id);
      check(
        host?.free_ram_size !== undefined && host.total_cpu_core !== undefined,
        `the host of ${storage.storage_name} should report its free RAM and its threads`,
      );
      const g = await createGuest(ctx, "overcommit");
      const onHost = { host_name: host.host_name };
      const ram = host.free_ram_size + 1024;
      await ctx.vmm.setGuest({ guest_id: g.id }, { vram_size: ram });
      await expectCode(
        ctx.vmm.powerOn({ guest_id: g.id }, onHost),
        903,
        `poweron with ${ram} MB where ${host.host_name} reports ${host.free_ram_size} MB free`,
      );
      const threads = host.total_cpu_core + 1;
      await ctx.vmm.setGuest({ guest_id: g.id }, { vram_size: 1024, vcpu_num: threads });
      await expectCode(
        ctx.vmm.powerOn({ guest_id: g.id }, onHost),
        902,
        `poweron with ${threads} vCPUs where ${host.host_name} reports ${host.total_cpu_core} threads`,
      );
    },
  }),
];
