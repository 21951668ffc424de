/**
 * What DSM 7's own clients meet before any VMM call: discovery as DSM 7.2 answers it, the
 * version 7 login answer, the web login's UIConfig cookie, the encrypted login's key, the
 * session probe (SYNO.Core.NormalUser) and batches of reads (SYNO.Entry.Request). All read-only:
 * safe on a NAS, where a run records DSM's own answers to them.
 */
import { API, APIS } from "../../contract/apis";
import type { DsmEnvelope } from "../client/dsm-client";
import { DsmApiError } from "../client/errors";
import { batchAnswer, encryptionInfo, loginData, normalUser } from "../client/shapes";
import { check, equal, expectShape } from "../runner/check";
import { scenario } from "../runner/scenario";

const unwrap = (env: DsmEnvelope) => {
  if (!env.success) throw new DsmApiError("?", "?", env.error.code, env.error.errors);
  return env.data;
};

/** DSM 7.2's recorded discovery entries (two recordings agree), which the spec holds. */
const DSM7_ENTRIES = [
  API.auth,
  API.uiConfig,
  API.encryption,
  API.dsm,
  API.normalUser,
  API.entryRequest,
] as const;

export const dsm7Scenarios = [
  scenario({
    id: "dsm7.info.versions",
    title:
      "SYNO.API.Info advertises DSM 7.2's paths and versions for Auth, UIConfig, Encryption, DSM.Info, NormalUser and Entry.Request",
    covers: [[API.info, "query"]],
    tier: "readonly",
    async run({ dsm, note }) {
      const all = (await dsm.call(API.info, "query", { query: "all" })) as Record<
        string,
        { path: string; minVersion: number; maxVersion: number; requestFormat?: string }
      >;
      for (const name of DSM7_ENTRIES) {
        const entry = all[name];
        check(entry !== undefined, `${name} should be advertised`);
        const spec = APIS[name];
        equal(
          [entry.path, entry.minVersion, entry.maxVersion],
          [spec.path, spec.minVersion, spec.maxVersion],
          name,
        );
        equal(
          entry.requestFormat,
          "requestFormat" in spec ? spec.requestFormat : undefined,
          `${name} requestFormat`,
        );
      }
      note(`SYNO.API.Info itself: ${JSON.stringify(all[API.info])}`);
    },
  }),
  scenario({
    id: "dsm7.login.v7-answer",
    title:
      "a version 7 login answers sid, synotoken, account, is_portal_port, and device_id with a device token",
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
          enable_device_token: "yes",
          device_name: "vmm-conformance",
        },
        { withSession: false },
      );
      const login = expectShape(loginData, data, "version 7 login answer");
      for (const secret of [login.sid, login.synotoken, login.device_id])
        if (secret) ctx.dsm.secrets.add(secret);
      check(login.account === ctx.accounts.admin.account, `account should be ${ctx.accounts.admin.account}`);
      check(login.is_portal_port === false, "is_portal_port should be false");
      check(
        typeof login.device_id === "string" && login.device_id !== "",
        "version 7 names the device token device_id",
      );
      // DSM 7.1.1 issued an 86-character base64url token, like the sid (spec 7.2).
      check(
        /^[A-Za-z0-9_-]{86}$/.test(login.device_id ?? ""),
        "device_id is an 86-character base64url token, like the sid",
      );
      check(login.did === undefined, "version 7 has no did");
      check(login.ik_message === undefined, "no ik_message was sent, so none is answered");
      ctx.note(`sid length ${login.sid.length}`);
      await client.request(
        { api: API.auth, method: "logout", version: 7, _sid: login.sid },
        { withSession: false },
      );
    },
  }),
  scenario({
    id: "dsm7.uiconfig.ssid",
    title: "SYNO.API.Auth.UIConfig get sets the _SSID cookie to a 32-byte X25519 key (base64url)",
    covers: [[API.uiConfig, "get"]],
    tier: "readonly",
    async run({ dsm }) {
      const { envelope, cookies } = await dsm.exchange(
        { api: API.uiConfig, method: "get", version: 1 },
        { withSession: false },
      );
      check(envelope.success, `UIConfig failed: ${JSON.stringify(envelope)}`);
      const ssid = cookies.map((c) => /^_SSID=([^;]*)/.exec(c)?.[1]).find((v) => v !== undefined);
      check(ssid !== undefined, "the answer should set _SSID");
      equal(Buffer.from(ssid, "base64url").length, 32, "_SSID's key length");
    },
  }),
  scenario({
    id: "dsm7.front-door.headers",
    title:
      "entry.cgi answers with nginx's and DSM's headers (Server, nosniff, X-XSS-Protection, no-cache) and gzips the JSON only when Accept-Encoding asks",
    covers: [[API.dsm, "getinfo"]],
    tier: "readonly",
    async run({ dsm, note }) {
      const call = { api: API.dsm, method: "getinfo", version: 2 };
      const plain = await dsm.exchange(call);
      const zipped = await dsm.exchange(call, { headers: { "accept-encoding": "gzip" } });
      for (const [what, answer] of [
        ["plain", plain],
        ["gzip", zipped],
      ] as const) {
        check(answer.envelope.success, `${what} getinfo failed: ${JSON.stringify(answer.envelope)}`);
        const h = answer.headers;
        equal(
          [
            h.server,
            h["content-type"],
            h["x-content-type-options"],
            h["x-xss-protection"],
            h.pragma,
            h.expires,
          ],
          ["nginx", 'application/json; charset="UTF-8"', "nosniff", "1; mode=block", "no-cache", "0"],
          `${what}: Server, Content-Type, X-Content-Type-Options, X-XSS-Protection, Pragma, Expires`,
        );
      }
      equal(plain.headers["content-encoding"], undefined, "no gzip when the request does not accept it");
      equal(zipped.headers["content-encoding"], "gzip", "gzip when the request accepts it");
      equal(zipped.headers.vary, "Accept-Encoding", "Vary on the gzipped answer");
      // Recorded only on gzipped answers; the emulator's guess (nginx's gzip_vary) is on both.
      note(`Vary without Accept-Encoding: ${plain.headers.vary ?? "(none)"}`);
      note(`Strict-Transport-Security: ${plain.headers["strict-transport-security"] ?? "(none)"}`);
    },
  }),
  scenario({
    id: "dsm7.encryption.getinfo",
    title:
      "SYNO.API.Encryption getinfo (format=module) answers a 4096-bit hex modulus, the cipher parameter names and the time",
    covers: [[API.encryption, "getinfo"]],
    tier: "readonly",
    async run({ dsm, note }) {
      const data = unwrap(
        await dsm.request({ api: API.encryption, method: "getinfo", version: 1, format: "module" }),
      );
      const info = expectShape(encryptionInfo, data, "Encryption getinfo answer");
      check(/^[0-9A-Fa-f]+$/.test(info.public_key), "public_key should be hexadecimal");
      equal(info.public_key.length * 4, 4096, "modulus bits");
      equal([info.cipherkey, info.ciphertoken], ["__cIpHeRtExT", "__cIpHeRtOkEn"], "parameter names");
      note(`server_time ${info.server_time}`);
    },
  }),
  scenario({
    id: "dsm7.normaluser.get",
    title: "SYNO.Core.NormalUser get answers the session's account (the Terraform provider's session probe)",
    covers: [[API.normalUser, "get"]],
    tier: "readonly",
    async run(ctx) {
      const user = expectShape(
        normalUser,
        await ctx.dsm.call(API.normalUser, "get", {}),
        "NormalUser answer",
      );
      equal(user.username, ctx.accounts.admin.account, "username");
    },
  }),
  scenario({
    id: "dsm7.batch.reads",
    title: "SYNO.Entry.Request runs a batch of reads and answers each call's envelope, has_fail false",
    covers: [[API.entryRequest, "request"]],
    tier: "readonly",
    async run({ dsm }) {
      const compound = [
        { api: API.host, method: "list", version: 1 },
        { api: API.network, method: "list", version: 1 },
      ];
      const data = await dsm.call(API.entryRequest, "request", { compound: JSON.stringify(compound) });
      const answer = expectShape(batchAnswer, data, "Entry.Request answer");
      equal(answer.has_fail, false, "has_fail");
      equal(
        answer.result.map((r) => [r.api, r.method, r.success]),
        compound.map((c) => [c.api, c.method, true]),
        "results",
      );
    },
  }),
];
