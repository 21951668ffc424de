/**
 * SYNO.API.Auth: login and logout. Errors use the Auth table (400-404), not the VMM one:
 * 400 wrong password or unknown account, 401 disabled, 402 login denied by application
 * privileges, 403 a 2-step code is needed, 404 the code is wrong.
 *
 * Client quirks: the Go client needs `sid` and `synotoken` both non-empty and reads `did`;
 * Python clients send `otp_code=` empty and read `data.sid` even with `format=cookie`, so the
 * sid is always in the answer and the cookie is added for `format=cookie` (the default).
 * By design: DSM 7 (version 6 and up) also answers `account` and `is_portal_port`.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { password, text, yesNo } from "../dsm/codecs";
import { DsmError } from "../dsm/errors";
import { type ApiOperations, op } from "../dsm/operation";
import { newDeviceToken, newSid, newSynoToken } from "../ids";
import { hashPassword, verifyPassword } from "../security/password";
import { verifyTotp } from "../security/totp";

const login = op({
  params: z.object({
    account: text(),
    passwd: password(),
    session: text(),
    format: text(),
    otp_code: text(),
    enable_syno_token: yesNo(),
    enable_device_token: yesNo(),
    device_name: text(),
    device_id: text(),
  }),
  run: (ctx, p) => {
    const { store } = ctx;
    const account = p.account ? store.accounts.account(p.account) : undefined;
    // An unknown account still pays for one hash check, so timing does not tell which names exist.
    const hash = account?.password_hash ?? unknownAccountHash();
    if (!verifyPassword(p.passwd ?? "", hash) || account === undefined) throw new DsmError(400);
    if (account.disabled === 1) throw new DsmError(401);
    // Application privileges are checked before the second factor: DSM does not ask for a code
    // for an account that may not log in anyway.
    if (account.login_denied === 1) throw new DsmError(402);
    if (account.otp_secret !== null) {
      const trusted = p.device_id ? store.accounts.isTrustedDevice(p.device_id, account.name) : false;
      if (!trusted) {
        if (!p.otp_code) {
          // DSM's detail: a token for the follow-up request and the kinds of second factor.
          throw new DsmError(403, { token: randomBytes(16).toString("hex"), types: [{ type: "otp" }] });
        }
        if (!verifyTotp(account.otp_secret, p.otp_code, ctx.now)) throw new DsmError(404);
      }
    }
    const sid = newSid();
    const synotoken = p.enable_syno_token ? newSynoToken() : null;
    store.accounts.createSession({
      sid,
      account: account.name,
      session_name: p.session || "webui",
      synotoken,
      created_at: ctx.now,
      last_seen: ctx.now,
    });
    let did: string | undefined;
    if (p.enable_device_token) {
      did = newDeviceToken();
      store.accounts.addDeviceToken(did, account.name, p.device_name || "", ctx.now);
    }
    if (p.format !== "sid") {
      ctx.setCookie("id", sid);
      if (did !== undefined) ctx.setCookie("did", did);
    }
    if (ctx.version < 6) {
      return synotoken === null ? { sid } : { sid, synotoken };
    }
    return {
      account: account.name,
      ...(did === undefined ? {} : { did }),
      is_portal_port: false,
      sid,
      ...(synotoken === null ? {} : { synotoken }),
    };
  },
});

let dummyHash: string | undefined;
function unknownAccountHash(): string {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return dummyHash;
}

/** Logout always succeeds, also without a session (Python clients send `logout&session=webui`). */
const logout = op({
  params: z.object({}),
  run: (ctx) => {
    if (ctx.session !== undefined) ctx.store.accounts.endSession(ctx.session.sid);
  },
});

export const authApi: ApiOperations<"SYNO.API.Auth"> = { methods: { login, logout } };
