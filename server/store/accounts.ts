/**
 * Accounts, sessions, device tokens, and the failed logins and blocked addresses of auto-block.
 * Every call reads its session: a session read since the last change to these tables is kept.
 */
import type { Changes, Group } from "./changes";
import type { Db } from "./db";
import { Writes } from "./writes";

const ACCOUNTS: readonly Group[] = ["accounts"];

export interface AccountRow {
  name: string;
  password_hash: string;
  is_admin: number;
  disabled: number;
  login_denied: number;
  otp_secret: string | null;
  email: string;
  fullname: string;
  password_state: "ok" | "expired" | "expired_locked" | "must_change";
  /** Unix seconds. */
  password_changed_at: number;
  locked: number;
  otp_enforced: number;
  /** JSON list of `otp` | `authenticator` | `fido`. */
  second_factors: string;
  otp_last_step: number | null;
}

export interface SessionRow {
  sid: string;
  account: string;
  session_name: string;
  synotoken: string | null;
  created_at: number;
  last_seen: number;
  /** 1 when the login asked for the `id` cookie (format=cookie). */
  cookie: number;
  /** The Noise session state (JSON) when the login answered an `ik_message`. */
  noise_state: string | null;
}

export type NewSession = Omit<SessionRow, "noise_state"> & { noise_state?: string | null };

export interface BlockRow {
  address: string;
  since: number;
  until: number | null;
}

export interface AccountSummary {
  name: string;
  is_admin: boolean;
  disabled: boolean;
  /** Whether the account needs a 2-step verification code (the secret itself is never shown). */
  otp: boolean;
}

export class AccountStore {
  readonly #changes: Changes;
  #sessions: { stamp: number; found: Map<string, { session: SessionRow; isAdmin: boolean }> } | undefined;
  readonly #account;
  readonly #insertSession;
  readonly #sessionWithAccount;
  readonly #touch;
  readonly #deleteSession;
  readonly #pruneSessions;
  readonly #capSessions;
  readonly #capSessionsOf;
  readonly #capDevicesOf;
  readonly #pruneDevices;
  readonly #insertDevice;
  readonly #device;
  readonly #summaries;
  readonly #sessionCount;
  readonly #setOtpStep;
  readonly #setNoise;
  readonly #addFailure;
  readonly #failuresSince;
  readonly #clearFailures;
  readonly #pruneFailures;
  readonly #block;
  readonly #blockOf;
  readonly #blocks;
  readonly #unblock;
  readonly #unblockAll;
  constructor(db: Db, changes: Changes) {
    this.#changes = changes;
    const writes = new Writes(db, changes, "accounts");
    this.#account = db.prepare<[string], AccountRow>("SELECT * FROM accounts WHERE name = ?");
    this.#insertSession = writes.prepare(
      `INSERT INTO sessions (sid, account, session_name, synotoken, created_at, last_seen, cookie, noise_state)
       VALUES (@sid, @account, @session_name, @synotoken, @created_at, @last_seen, @cookie, @noise_state)`,
    );
    this.#sessionWithAccount = db.prepare<[string], SessionRow & { a_is_admin: number }>(
      `SELECT s.*, a.is_admin AS a_is_admin
       FROM sessions s JOIN accounts a ON a.name = s.account WHERE s.sid = ?`,
    );
    this.#touch = writes.prepare("UPDATE sessions SET last_seen = ? WHERE sid = ?");
    this.#deleteSession = writes.prepare("DELETE FROM sessions WHERE sid = ?");
    this.#pruneSessions = writes.prepare("DELETE FROM sessions WHERE last_seen < ?");
    this.#capSessions = writes.prepare(
      "DELETE FROM sessions WHERE sid IN (SELECT sid FROM sessions ORDER BY last_seen DESC LIMIT -1 OFFSET ?)",
    );
    this.#capSessionsOf = writes.prepare(
      `DELETE FROM sessions WHERE sid IN
        (SELECT sid FROM sessions WHERE account = ? ORDER BY last_seen DESC LIMIT -1 OFFSET ?)`,
    );
    this.#capDevicesOf = writes.prepare(
      `DELETE FROM device_tokens WHERE did IN
        (SELECT did FROM device_tokens WHERE account = ? ORDER BY created_at DESC LIMIT -1 OFFSET ?)`,
    );
    this.#pruneDevices = writes.prepare("DELETE FROM device_tokens WHERE created_at < ?");
    this.#insertDevice = writes.prepare(
      "INSERT INTO device_tokens (did, account, device_name, created_at) VALUES (?, ?, ?, ?)",
    );
    this.#device = db.prepare<[string, string], { did: string }>(
      "SELECT did FROM device_tokens WHERE did = ? AND account = ?",
    );
    this.#summaries = db.prepare<[], { name: string; is_admin: number; disabled: number; otp: number }>(
      "SELECT name, is_admin, disabled, otp_secret IS NOT NULL AS otp FROM accounts ORDER BY name",
    );
    this.#sessionCount = db.prepare<[], number>("SELECT COUNT(*) FROM sessions").pluck();
    this.#setOtpStep = writes.prepare("UPDATE accounts SET otp_last_step = ? WHERE name = ?");
    this.#setNoise = writes.prepare("UPDATE sessions SET noise_state = ? WHERE sid = ?");
    this.#addFailure = writes.prepare("INSERT INTO login_failures (address, at) VALUES (?, ?)");
    this.#failuresSince = db
      .prepare<[string, number], number>("SELECT COUNT(*) FROM login_failures WHERE address = ? AND at > ?")
      .pluck();
    this.#clearFailures = writes.prepare("DELETE FROM login_failures WHERE address = ?");
    this.#pruneFailures = writes.prepare("DELETE FROM login_failures WHERE at <= ?");
    this.#block = writes.prepare(
      "INSERT OR REPLACE INTO blocked_addresses (address, since, until) VALUES (?, ?, ?)",
    );
    this.#blockOf = db.prepare<[string], BlockRow>("SELECT * FROM blocked_addresses WHERE address = ?");
    this.#blocks = db.prepare<[], BlockRow>("SELECT * FROM blocked_addresses ORDER BY since");
    this.#unblock = writes.prepare("DELETE FROM blocked_addresses WHERE address = ?");
    this.#unblockAll = writes.prepare("DELETE FROM blocked_addresses");
  }
  account(name: string): AccountRow | undefined {
    return this.#account.get(name);
  }
  createSession(row: NewSession): void {
    this.#insertSession.write({ noise_state: null, ...row });
  }
  setNoiseState(sid: string, state: string): void {
    this.#setNoise.write(state, sid);
  }
  /** Records the TOTP step a code was accepted in: DSM takes a code once per window. */
  useOtpStep(account: string, step: number): void {
    this.#setOtpStep.write(step, account);
  }
  /**
   * A session with what the dispatcher needs of its account, in one read (every call does it),
   * kept until these tables change. The row is shared: never mutate it.
   */
  sessionWithAccount(sid: string): { session: SessionRow; isAdmin: boolean } | undefined {
    let kept = this.#sessions;
    if (kept === undefined || !this.#changes.unchanged(kept.stamp, ACCOUNTS)) {
      kept = { stamp: this.#changes.stamp(), found: new Map() };
      this.#sessions = kept;
    }
    const known = kept.found.get(sid);
    if (known !== undefined) return known;
    const row = this.#sessionWithAccount.get(sid);
    if (row === undefined) return undefined;
    const { a_is_admin, ...session } = row;
    const found = { session, isAdmin: a_is_admin === 1 };
    kept.found.set(sid, found);
    return found;
  }
  touch(sid: string, now: number): void {
    this.#touch.write(now, sid);
  }
  endSession(sid: string): boolean {
    return this.#deleteSession.write(sid) > 0;
  }
  /** Forgets sessions idle since before `before` (long expired: they would answer 119 anyway). */
  pruneSessions(before: number): void {
    this.#pruneSessions.write(before);
  }
  /** Keeps the `max` most recently used sessions. */
  capSessions(max: number): void {
    this.#capSessions.write(max);
  }
  /** Keeps the `max` most recently used sessions of one account. */
  capSessionsOf(account: string, max: number): void {
    this.#capSessionsOf.write(account, max);
  }
  /** Keeps the `max` newest device tokens of one account. */
  capDevicesOf(account: string, max: number): void {
    this.#capDevicesOf.write(account, max);
  }
  /** Drops the device tokens issued before `before` (their cookie has expired). */
  pruneDevices(before: number): void {
    this.#pruneDevices.write(before);
  }
  addDeviceToken(did: string, account: string, deviceName: string, now: number): void {
    this.#insertDevice.write(did, account, deviceName, now);
  }
  isTrustedDevice(did: string, account: string): boolean {
    return this.#device.get(did, account) !== undefined;
  }
  /** Every account without its secrets. */
  summaries(): AccountSummary[] {
    return this.#summaries.all().map((a) => ({
      name: a.name,
      is_admin: a.is_admin === 1,
      disabled: a.disabled === 1,
      otp: a.otp === 1,
    }));
  }
  sessionCount(): number {
    return this.#sessionCount.get() ?? 0;
  }

  addLoginFailure(address: string, at: number): void {
    this.#addFailure.write(address, at);
  }
  /** Failed logins from `address` after `since`. */
  loginFailures(address: string, since: number): number {
    return this.#failuresSince.get(address, since) ?? 0;
  }
  clearLoginFailures(address: string): void {
    this.#clearFailures.write(address);
  }
  /** Forgets failures at or before `before` (outside every window). */
  pruneLoginFailures(before: number): void {
    this.#pruneFailures.write(before);
  }
  block(address: string, since: number, until: number | null): void {
    this.#block.write(address, since, until);
  }
  blockOf(address: string): BlockRow | undefined {
    return this.#blockOf.get(address);
  }
  blocks(): BlockRow[] {
    return this.#blocks.all();
  }
  /** Lifts the block of `address`, or every block; answers how many were lifted. */
  unblock(address?: string): number {
    return address === undefined ? this.#unblockAll.write() : this.#unblock.write(address);
  }
}
