/**
 * SYNO.API.Auth: login and logout, as DSM 7 answers them. Errors use the Auth table, checked in
 * this order: 407 the address is auto-blocked; 400 wrong password or unknown account; 401
 * disabled; 411 locked; 402 denied by application privileges; 408/409/410 the password expired
 * (and may not be changed) or must change; 406 2-step verification enforced but not set up;
 * 403 a code is needed (the detail lists the account's factors); 404 the code is wrong or was
 * already used in its window. A wrong password, a wrong code and an unreadable encrypted login
 * count toward auto-block. Before all of them, and before any crypto: 402 for a login a browser
 * marks as another site's (a page's form post or no-cors fetch), never counted, so no web page
 * can auto-block the machine's own address.
 *
 * The encrypted login (SYNO.API.Encryption, N4S4's and DSM's web UI over plain HTTP) is opened
 * before the call's transaction: `__cIpHeRtExT` carries the parameters, which then take the
 * place of the sent ones, except that an empty inner value never hides a sent one (N4S4 sends
 * the 2-step code outside and an empty `otp_code` inside). A blob that does not decrypt, or
 * whose `__cIpHeRtOkEn` is older than DSM's 360 s, answers 400 (the account cannot be read).
 * The password is checked there too, off the event loop (security/password.ts), and the handler
 * takes that result while the account's hash is still the one checked.
 *
 * Client quirks: the Go client needs `sid` and `synotoken` both non-empty and reads `did`;
 * Python clients read `data.sid` even with `format=cookie`, so the sid is always in the answer;
 * py-synologydsm-api logs in without `enable_syno_token`, and DSM 7 then answered
 * `"synotoken":"--------"` (recorded on DSM 7.0.1), which that client sends back on every call.
 * By design: version 7 answers `device_id` (version 6 `did`), `account` and `is_portal_port`;
 * `ik_message` only when the login's handshake was answered (N4S4 fails on a wrong one).
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { newDeviceToken, newSid, newSynoToken } from "../../ids";
import { type AutoBlockPolicy, isBlocked, recordFailure, recordSuccess } from "../../model/auto-block";
import { DEVICE_COOKIE_SECONDS } from "../../model/tick";
import { foreignRequest } from "../../security/browser-guard";
import {
  CIPHER_KEY,
  CIPHER_TOKEN,
  decryptLoginParamsOffThread,
  isCipherTokenFresh,
} from "../../security/login-encryption";
import { respondToIk } from "../../security/noise";
import {
  checkPassword,
  HashingBusy,
  hashPassword,
  hashPasswordOffThread,
  verifyPassword,
} from "../../security/password";
import { totpStep } from "../../security/totp";
import type { AccountRow } from "../../store/accounts";
import { password, text, yesNo } from "../../wire/codecs";
import { ErrorAnswer } from "../../wire/errors";
import {
  type ApiOperations,
  type CallContext,
  op,
  type Prepared,
  type PrepareInput,
  preparedOp,
} from "../../wire/operation";
import {
  cookieExpires,
  MAX_CLIENT_NAME,
  MAX_DEVICES_PER_ACCOUNT,
  MAX_SESSIONS_PER_ACCOUNT,
  sessionCookie,
} from "../../wire/session";

/** What DSM 7 answered as `synotoken` to a login that did not ask for one. */
export const NO_SYNOTOKEN = "--------";

/** How long DSM keeps a trusted-device cookie (`did`). */

/** `busy`: the RSA pool or the password checks had too many waiting; refused unread and not counted. */
type Encryption = "plain" | "opened" | "unreadable" | "busy";

/**
 * Opens an encrypted login, outside the transaction (the RSA key may still be being made), its
 * RSA step on a worker thread (security/rsa-pool.ts).
 */
async function openEncrypted({ params, now, keys }: PrepareInput): Promise<Prepared<Encryption>> {
  const cipher = params[CIPHER_KEY];
  if (cipher === undefined) return { value: "plain" };
  const unreadable: Prepared<Encryption> = { value: "unreadable" };
  const key = await keys.login.ready.catch(() => undefined);
  if (key === undefined) return unreadable;
  const opened = await decryptLoginParamsOffThread(key, cipher);
  if (opened === "busy") return { value: "busy" };
  if (!opened.ok || !isCipherTokenFresh(opened.params, Math.floor(now / 1000))) return unreadable;
  const merged: Record<string, string> = { ...params };
  delete merged[CIPHER_KEY];
  for (const [name, value] of Object.entries(opened.params)) {
    if (name === CIPHER_TOKEN) continue;
    if (value === "" && merged[name]) continue;
    merged[name] = value;
  }
  return { params: merged, value: "opened" };
}

const policyOf = (ctx: CallContext): AutoBlockPolicy => ({
  attempts: ctx.config.autoBlockAttempts,
  windowMs: ctx.config.autoBlockWindow * 60_000,
  expiryMs: ctx.config.autoBlockExpiry === "never" ? null : ctx.config.autoBlockExpiry * 60_000,
});

const loginParams = z.object({
  account: text(),
  passwd: password(),
  session: text(),
  format: text(),
  otp_code: text(),
  enable_syno_token: yesNo(),
  enable_device_token: yesNo(),
  device_name: text(),
  device_id: text(),
  ik_message: text(),
});

/** The password checked against this stored hash, before the transaction. */
interface Verified {
  readonly hash: string;
  readonly ok: boolean;
}

interface LoginPrepared {
  readonly encryption: Encryption;
  readonly verified?: Verified;
}

/**
 * Opens an encrypted login, then checks the password off the event loop (security/password.ts):
 * a hash takes milliseconds of CPU, which inside the call would hold up every other call. The
 * handler uses the result only if the account's hash is still the one checked.
 */
async function prepareLogin(input: PrepareInput): Promise<Prepared<LoginPrepared>> {
  // A login from another site, or from a blocked address, is answered (402, 407) before any
  // crypto: neither its blob nor its password is looked at, so neither costs anything.
  if (fromAnotherSite(input.header)) return { value: { encryption: "plain" } };
  const block = input.store.accounts.blockOf(input.address);
  if (block !== undefined && (block.until === null || block.until > input.now))
    return { value: { encryption: "plain" } };
  const opened = await openEncrypted(input);
  const encryption = opened.value;
  const answer = (verified?: Verified): Prepared<LoginPrepared> => ({
    ...opened,
    value: verified === undefined ? { encryption } : { encryption, verified },
  });
  if (encryption === "unreadable" || encryption === "busy") return answer();
  const p = loginParams.safeParse(opened.params ?? input.params);
  if (!p.success) return answer();
  const account = p.data.account ? input.store.accounts.account(p.data.account) : undefined;
  // An unknown account still pays for one hash check, so timing does not tell which names exist.
  const hash = account?.password_hash ?? (await unknownAccountHash());
  try {
    return answer({ hash, ok: await checkPassword(p.data.passwd ?? "", hash) });
  } catch (err) {
    // Too many checks wait already: refused unread, and not counted (as a busy RSA pool).
    if (err instanceof HashingBusy) return { ...opened, value: { encryption: "busy" } };
    throw err;
  }
}

const login = preparedOp({
  params: loginParams,
  prepare: prepareLogin,
  run: (ctx, p, prepared) => {
    const { store, address, now } = ctx;
    const policy = policyOf(ctx);
    // Answered with the transaction committed, so the failure counts even though the call fails.
    const failed = (code: 400 | 404) => {
      recordFailure(store, policy, address, now);
      return new ErrorAnswer(code);
    };
    // Not counted: a web page must not be able to block this address for every local client.
    if (fromAnotherSite(ctx.header)) return new ErrorAnswer(402);
    if (isBlocked(store, address, now)) return new ErrorAnswer(407);
    if (prepared.encryption === "busy") return new ErrorAnswer(400);
    if (prepared.encryption === "unreadable") return failed(400);

    const account = p.account ? store.accounts.account(p.account) : undefined;
    const hash = account?.password_hash ?? prepared.verified?.hash ?? unknownAccountHashNow();
    const { verified } = prepared;
    // Checked again here only if the hash changed since (a fixture load in between), or the
    // address was blocked then: rare enough to block for.
    const ok = verified?.hash === hash ? verified.ok : verifyPassword(p.passwd ?? "", hash);
    if (!ok || account === undefined) return failed(400);
    if (account.disabled === 1) return new ErrorAnswer(401);
    if (account.locked === 1) return new ErrorAnswer(411);
    // Application privileges are checked before the second factor: DSM does not ask for a code
    // for an account that may not log in anyway.
    if (account.login_denied === 1) return new ErrorAnswer(402);
    const expiry = ({ ok: undefined, expired: 409, expired_locked: 408, must_change: 410 } as const)[
      account.password_state
    ];
    if (expiry !== undefined) return new ErrorAnswer(expiry);
    if (account.otp_secret === null && account.otp_enforced === 1) return new ErrorAnswer(406);
    if (account.otp_secret !== null) {
      const trusted = p.device_id ? store.accounts.isTrustedDevice(p.device_id, account.name) : false;
      if (!trusted) {
        const refused = secondFactor(ctx, account, account.otp_secret, p.otp_code);
        if (refused === 403)
          return new ErrorAnswer(403, { token: randomBytes(16).toString("hex"), types: factorsOf(account) });
        if (refused === "wrong") return failed(404);
        if (refused === "reused") return new ErrorAnswer(404);
      }
    }
    recordSuccess(store, address);
    return openSession(ctx, account, p);
  },
});

/**
 * Whether a browser says the login comes from another site's page (`Sec-Fetch-Site`, `Origin`):
 * such a page cannot read the answer, so the only thing its login could do is count failures.
 */
function fromAnotherSite(header: (name: string) => string | undefined): boolean {
  return (
    foreignRequest({
      fetchSite: header("sec-fetch-site"),
      origin: header("origin"),
      host: header("host"),
    }) !== undefined
  );
}

/** Checks the 2-step code: 403 when none was given, `wrong`, `reused` (its window's code was used), or ok. */
function secondFactor(
  ctx: CallContext,
  account: AccountRow,
  secret: string,
  code: string | undefined,
): 403 | "wrong" | "reused" | undefined {
  if (!code) return 403;
  const step = totpStep(secret, code, ctx.now);
  if (step === undefined) return "wrong";
  if (account.otp_last_step !== null && step <= account.otp_last_step) return "reused";
  ctx.store.accounts.useOtpStep(account.name, step);
  return undefined;
}

function factorsOf(account: AccountRow): { type: string }[] {
  const factors = JSON.parse(account.second_factors) as string[];
  // DSM lists them in name order (authenticator, fido, otp), as recorded in Home Assistant's issues.
  return [...factors].sort().map((type) => ({ type }));
}

function openSession(
  ctx: CallContext,
  account: AccountRow,
  p: {
    session?: string | undefined;
    format?: string | undefined;
    enable_syno_token: boolean;
    enable_device_token: boolean;
    device_name?: string | undefined;
    ik_message?: string | undefined;
  },
) {
  const { store, now, version } = ctx;
  const sid = newSid(version);
  const synotoken = p.enable_syno_token ? newSynoToken() : null;
  const cookie = p.format !== "sid";
  const handshake = p.ik_message ? respondToIk(ctx.keys.noise, p.ik_message) : undefined;
  store.accounts.createSession({
    sid,
    account: account.name,
    session_name: (p.session || "webui").slice(0, MAX_CLIENT_NAME),
    synotoken,
    created_at: now,
    last_seen: now,
    cookie: cookie ? 1 : 0,
    noise_state: handshake?.ok ? JSON.stringify(handshake.session.state()) : null,
  });
  store.accounts.capSessionsOf(account.name, MAX_SESSIONS_PER_ACCOUNT);
  let did: string | undefined;
  if (p.enable_device_token) {
    did = newDeviceToken(version);
    store.accounts.addDeviceToken(did, account.name, (p.device_name || "").slice(0, MAX_CLIENT_NAME), now);
    store.accounts.capDevicesOf(account.name, MAX_DEVICES_PER_ACCOUNT);
  }
  if (cookie) {
    ctx.setCookie(sessionCookie(sid, now));
    if (did !== undefined)
      ctx.setCookie(`did=${did};expires=${cookieExpires(now, DEVICE_COOKIE_SECONDS)};path=/;HttpOnly`);
  }
  if (version < 6) return synotoken === null ? { sid } : { sid, synotoken };
  const token = synotoken ?? (version >= 7 ? NO_SYNOTOKEN : undefined);
  return {
    account: account.name,
    ...(did === undefined ? {} : version >= 7 ? { device_id: did } : { did }),
    ...(handshake?.ok ? { ik_message: handshake.reply } : {}),
    is_portal_port: false,
    sid,
    ...(token === undefined ? {} : { synotoken: token }),
  };
}

/**
 * A hash no password matches (of 16 random bytes), made once per process: off the event loop by
 * a login's prepare step, or inline in the rare call that needs it first.
 */
let dummyHash: string | undefined;
async function unknownAccountHash(): Promise<string> {
  if (dummyHash === undefined) {
    const made = await hashPasswordOffThread(randomBytes(16).toString("hex"));
    dummyHash ??= made;
  }
  return dummyHash;
}
function unknownAccountHashNow(): string {
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
