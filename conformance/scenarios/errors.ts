/**
 * The common error codes, each provoked in a way that is safe on a real NAS: nothing is
 * changed, and the unknown API/method names carry PROBE_MARKER so no DSM can implement them.
 */
import { PROBE_MARKER } from "../client/safety";
import { check, expectCode } from "../runner/check";
import { scenario } from "../runner/scenario";
import { unwrap } from "./discovery";
import { API } from "./helpers";

/** The dispatcher's answers belong to no one method: the matrix shows them on one row. */
const COMMON = [["(common)", "any method"]] as const;

export const errorScenarios = [
  scenario({
    id: "errors.101-missing-method",
    title: "a request without method answers 101",
    covers: COMMON,
    tier: "readonly",
    async run({ dsm }) {
      await expectCode(dsm.request({ api: API.guest, version: 1 }).then(unwrap), 101, "no method");
    },
  }),
  scenario({
    id: "errors.102-unknown-api",
    title: "an API that does not exist answers 102",
    covers: COMMON,
    tier: "readonly",
    async run({ dsm }) {
      const api = `SYNO.Virtualization.API.${PROBE_MARKER}`;
      await expectCode(
        dsm.request({ api, method: "list", version: 1 }, { cgi: "entry.cgi" }).then(unwrap),
        102,
        "unknown API",
      );
    },
  }),
  scenario({
    id: "errors.103-unknown-method",
    title: "a method that does not exist answers 103",
    covers: COMMON,
    tier: "readonly",
    async run({ dsm }) {
      await expectCode(
        dsm.request({ api: API.guest, method: PROBE_MARKER, version: 1 }).then(unwrap),
        103,
        "unknown method",
      );
    },
  }),
  scenario({
    id: "errors.104-unsupported-version",
    title: "a version above the advertised maximum answers 104",
    covers: COMMON,
    tier: "readonly",
    async run({ dsm }) {
      const max = dsm.apis[API.guest]?.maxVersion ?? 1;
      await expectCode(
        dsm.request({ api: API.guest, method: "list", version: max + 1 }).then(unwrap),
        104,
        "version too high",
      );
    },
  }),
  scenario({
    id: "errors.105-non-admin",
    title: "a non-administrator session answers 105 on the VMM APIs",
    covers: [[API.guest, "list"]],
    tier: "readonly",
    needs: ["nonAdmin"],
    async run(ctx) {
      const creds = ctx.accounts.nonAdmin;
      check(creds !== undefined, "no non-admin account");
      const client = ctx.newClient();
      await client.login(creds.account, creds.password);
      await expectCode(client.call(API.guest, "list", {}), 105, "Guest list as a non-admin");
      await client.logout();
    },
  }),
  scenario({
    id: "errors.119-no-session",
    title: "a VMM call without a sid answers 119 (SID not found)",
    covers: COMMON,
    tier: "readonly",
    async run({ dsm }) {
      await expectCode(
        dsm.request({ api: API.host, method: "list", version: 1 }, { withSession: false }).then(unwrap),
        119,
        "no sid",
      );
    },
  }),
  scenario({
    id: "errors.119-unknown-sid",
    title: "a VMM call with a sid DSM never issued answers 119",
    covers: COMMON,
    tier: "readonly",
    async run({ dsm }) {
      const env = dsm.request(
        { api: API.host, method: "list", version: 1, _sid: `${PROBE_MARKER}NoSuchSid` },
        { withSession: false },
      );
      await expectCode(env.then(unwrap), 119, "unknown sid");
    },
  }),
  scenario({
    id: "errors.401-guest-get-without-ref",
    title: "Guest get without guest_id and guest_name answers 401 (the guide's example 2)",
    covers: [[API.guest, "get"]],
    tier: "readonly",
    async run({ dsm }) {
      await expectCode(dsm.call(API.guest, "get", {}), 401, "Guest get without a guest");
    },
  }),
  scenario({
    id: "errors.401-guest-get-unknown",
    title: "Guest get of a name that does not exist answers an error",
    covers: [[API.guest, "get"]],
    tier: "readonly",
    async run({ dsm, ledger, note }) {
      const err = await expectCode(
        dsm.call(API.guest, "get", { guest_name: ledger.name("absent") }),
        401,
        "an unknown guest",
      );
      note(`answered ${err.code}`);
    },
  }),
  scenario({
    id: "errors.1000-task-get-unknown",
    title: "Task.Info get of a task id that does not exist answers 1000",
    covers: [[API.task, "get"]],
    tier: "readonly",
    async run({ vmm, ledger }) {
      await expectCode(vmm.getTask(probeTaskId(ledger.runId)), 1000, "an unknown task");
    },
  }),
  scenario({
    id: "errors.1000-task-clear-unknown",
    title: "Task.Info clear of a task id that does not exist answers 1000",
    covers: [[API.task, "clear"]],
    tier: "owned",
    async run({ vmm, ledger }) {
      const id = probeTaskId(ledger.runId);
      // The id is built from the random run id, so it cannot name anybody's task: the ledger may own it.
      ledger.addTask(id);
      await expectCode(vmm.clearTask(id), 1000, "clearing an unknown task");
      ledger.forgetTask(id);
    },
  }),
];

/** A well-formed task id that no DSM issued: its 16 hex digits come from the run id. */
export function probeTaskId(runId: string): string {
  const hex = Buffer.from(runId).toString("hex").toUpperCase().padEnd(16, "0").slice(0, 16);
  return `@administrators/virtualization_api_guest_create${hex}`;
}
