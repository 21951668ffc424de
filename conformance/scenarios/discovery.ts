/** SYNO.API.Info, SYNO.API.Auth and SYNO.DSM.Info: what every client does first. */
import { z } from "zod";
import { APIS } from "../../contract/apis";
import type { DsmEnvelope } from "../client/dsm-client";
import { DsmApiError } from "../client/errors";
import { apiInfoEntry, dsmInfo, loginData } from "../client/shapes";
import { check, equal, expectCode, expectShape } from "../runner/check";
import { scenario } from "../runner/scenario";
import { totp } from "../totp";
import { API } from "./helpers";

/** The guide's public VMM APIs: every DSM with VMM advertises them (contract/apis.ts says which they are). */
const VMM_API_NAMES = Object.entries(APIS)
  .filter(([, spec]) => spec.dialect === "public")
  .map(([name]) => name);

export const discoveryScenarios = [
  scenario({
    id: "info.query.all",
    title: "SYNO.API.Info query=all advertises every VMM API on entry.cgi at version 1",
    covers: [[API.info, "query"]],
    tier: "readonly",
    async run({ dsm }) {
      const data = await dsm.call(API.info, "query", { query: "all" });
      const all = expectShape(z.record(z.string(), apiInfoEntry), data, "SYNO.API.Info answer");
      for (const name of VMM_API_NAMES) {
        const entry = all[name];
        check(entry !== undefined, `${name} should be advertised`);
        equal(entry.path, "entry.cgi", `${name} path`);
        check(entry.minVersion <= 1 && entry.maxVersion >= 1, `${name} should support version 1`);
      }
      const auth = all[API.auth];
      check(
        auth !== undefined && auth.maxVersion >= 3,
        "SYNO.API.Auth should be advertised up to at least version 3",
      );
    },
  }),
  scenario({
    id: "info.query.prefix",
    title: "SYNO.API.Info with a name prefix answers only the APIs under it",
    covers: [[API.info, "query"]],
    tier: "readonly",
    async run({ dsm }) {
      const data = await dsm.call(API.info, "query", { query: "SYNO.Virtualization." });
      const names = Object.keys(expectShape(z.record(z.string(), apiInfoEntry), data, "Info answer"));
      check(names.length > 0, "the prefix should match the VMM APIs");
      check(
        names.every((n) => n.startsWith("SYNO.Virtualization.")),
        `only prefixed names expected: ${names.join(", ")}`,
      );
    },
  }),
  scenario({
    id: "auth.login.synotoken",
    title:
      "login with enable_syno_token=yes answers sid and synotoken; the session then works and logout ends it",
    covers: [
      [API.auth, "login"],
      [API.auth, "logout"],
    ],
    tier: "readonly",
    async run(ctx) {
      const client = ctx.newClient();
      await client.login(ctx.accounts.admin.account, ctx.accounts.admin.password);
      check(client.sid !== undefined, "login should answer a sid");
      await client.call(API.guest, "list", {});
      const sid = client.sid;
      await client.logout();
      await expectCode(
        client.request({ api: API.guest, method: "list", version: 1, _sid: sid }).then(unwrap),
        119,
        "a call with a logged-out sid",
      );
    },
  }),
  scenario({
    id: "auth.login.answer-shape",
    title: "DSM 7 login answer: sid, synotoken and the DSM 7 keys",
    covers: [[API.auth, "login"]],
    tier: "readonly",
    async run(ctx) {
      const client = ctx.newClient();
      const data = await client.call(
        API.auth,
        "login",
        {
          account: ctx.accounts.admin.account,
          passwd: ctx.accounts.admin.password,
          session: "VirtualizationConformance",
          format: "sid",
          enable_syno_token: "yes",
        },
        { withSession: false },
      );
      const login = expectShape(loginData, data, "login answer");
      ctx.dsm.secrets.add(login.sid);
      check(
        typeof login.synotoken === "string" && login.synotoken !== "",
        "synotoken should be non-empty (the Go client needs it)",
      );
      await client.request(
        { api: API.auth, method: "logout", version: 1, _sid: login.sid },
        { withSession: false },
      );
    },
  }),
  scenario({
    id: "auth.login.legacy-auth-cgi",
    title: "the guide's legacy login (auth.cgi, version 3, format=sid) still works",
    covers: [[API.auth, "login"]],
    tier: "readonly",
    async run(ctx) {
      const client = ctx.newClient();
      const env = await client.request(
        {
          api: API.auth,
          method: "login",
          version: 3,
          account: ctx.accounts.admin.account,
          passwd: ctx.accounts.admin.password,
          session: "VirtualizationConformance",
          format: "sid",
        },
        { cgi: "auth.cgi", withSession: false },
      );
      check(env.success, `legacy login failed: ${JSON.stringify(env)}`);
      const { sid } = expectShape(loginData, env.data, "legacy login answer");
      ctx.dsm.secrets.add(sid);
      const out = await client.request(
        { api: API.auth, method: "logout", version: 3, _sid: sid },
        { cgi: "auth.cgi", withSession: false },
      );
      check(out.success, "logout should succeed");
    },
  }),
  scenario({
    id: "auth.logout.without-session",
    title: "logout without a sid answers success (Python clients send it)",
    covers: [[API.auth, "logout"]],
    tier: "readonly",
    async run(ctx) {
      const client = ctx.newClient();
      const env = await client.request(
        { api: API.auth, method: "logout", version: 1, session: "webui" },
        { withSession: false },
      );
      check(env.success, `expected success, got ${JSON.stringify(env)}`);
    },
  }),
  scenario({
    id: "auth.error.400-wrong-password",
    title: "login with an unknown account answers auth error 400",
    covers: [[API.auth, "login"]],
    tier: "readonly",
    async run(ctx) {
      const client = ctx.newClient();
      // An account in the run's prefix: no real account is touched, no lockout counter of a user grows.
      await expectCode(
        client.login(ctx.ledger.name("nobody"), "not-the-password"),
        400,
        "login of an unknown account",
      );
    },
  }),
  scenario({
    id: "auth.error.401-disabled",
    title: "login of a disabled account answers auth error 401",
    covers: [[API.auth, "login"]],
    tier: "readonly",
    needs: ["disabledAccount"],
    async run(ctx) {
      const creds = ctx.accounts.disabled;
      check(creds !== undefined, "no disabled account");
      const client = ctx.newClient();
      await expectCode(client.login(creds.account, creds.password), 401, "login of a disabled account");
    },
  }),
  scenario({
    id: "auth.error.403-otp-required",
    title: "login of a 2-step account without a code answers 403 with the otp type",
    covers: [[API.auth, "login"]],
    tier: "readonly",
    needs: ["otpAccount"],
    async run(ctx) {
      const creds = ctx.accounts.otp;
      check(creds !== undefined, "no 2-step account");
      const client = ctx.newClient();
      const err = await expectCode(
        client.login(creds.account, creds.password),
        403,
        "login without otp_code",
      );
      const detail = JSON.stringify(err.errors ?? {});
      check(detail.includes("otp"), `the 403 detail should list the otp type: ${detail}`);
      if (creds.secret !== undefined) {
        await client.login(creds.account, creds.password, totp(creds.secret, Date.now()));
        await client.logout();
        ctx.note("a valid code from the shared secret logs in");
      }
    },
  }),
  scenario({
    id: "auth.error.404-bad-otp",
    title: "login of a 2-step account with a wrong code answers 404",
    covers: [[API.auth, "login"]],
    tier: "readonly",
    needs: ["otpAccount"],
    async run(ctx) {
      const creds = ctx.accounts.otp;
      check(creds !== undefined, "no 2-step account");
      const client = ctx.newClient();
      await expectCode(client.login(creds.account, creds.password, "000000"), 404, "login with a wrong code");
    },
  }),
  scenario({
    id: "dsm.info.getinfo",
    title: "SYNO.DSM.Info getinfo answers model and version (Python clients call it after login)",
    covers: [[API.dsm, "getinfo"]],
    tier: "readonly",
    async run({ dsm }) {
      const info = expectShape(dsmInfo, await dsm.call(API.dsm, "getinfo", {}), "getinfo answer");
      check(info.model !== "" && info.version !== "", "model and version should be non-empty");
      // Every DSM 6 and 7 recording has C ctime text here: `Sat Aug  7 13:04:04 2021`.
      if (info.time !== undefined)
        check(CTIME.test(info.time), `time ${JSON.stringify(info.time)} should be C ctime text`);
    },
  }),
];

/** C `ctime()` text without its newline: weekday, month, space-padded day, clock, year. */
const CTIME =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3]\d \d\d:\d\d:\d\d \d{4}$/;

/** The data of an envelope, or its error thrown as DsmApiError. */
export function unwrap(env: DsmEnvelope): unknown {
  if (env.success) return env.data;
  throw new DsmApiError("?", "?", env.error.code, env.error.errors);
}
