/** Accounts, sessions and device tokens. */
import type { Db } from "./db";

export interface AccountRow {
  name: string;
  password_hash: string;
  is_admin: number;
  disabled: number;
  login_denied: number;
  otp_secret: string | null;
}

export interface SessionRow {
  sid: string;
  account: string;
  session_name: string;
  synotoken: string | null;
  created_at: number;
  last_seen: number;
}

export interface AccountSummary {
  name: string;
  is_admin: boolean;
  disabled: boolean;
  /** Whether the account needs a 2-step verification code (the secret itself is never shown). */
  otp: boolean;
}

export class AccountStore {
  readonly #account;
  readonly #insertSession;
  readonly #sessionWithAccount;
  readonly #touch;
  readonly #deleteSession;
  readonly #pruneSessions;
  readonly #capSessions;
  readonly #insertDevice;
  readonly #device;
  readonly #summaries;
  readonly #sessionCount;
  constructor(db: Db) {
    this.#account = db.prepare<[string], AccountRow>("SELECT * FROM accounts WHERE name = ?");
    this.#insertSession = db.prepare(
      `INSERT INTO sessions (sid, account, session_name, synotoken, created_at, last_seen)
       VALUES (@sid, @account, @session_name, @synotoken, @created_at, @last_seen)`,
    );
    this.#sessionWithAccount = db.prepare<[string], SessionRow & { a_is_admin: number }>(
      `SELECT s.*, a.is_admin AS a_is_admin
       FROM sessions s JOIN accounts a ON a.name = s.account WHERE s.sid = ?`,
    );
    this.#touch = db.prepare("UPDATE sessions SET last_seen = ? WHERE sid = ?");
    this.#deleteSession = db.prepare("DELETE FROM sessions WHERE sid = ?");
    this.#pruneSessions = db.prepare("DELETE FROM sessions WHERE last_seen < ?");
    this.#capSessions = db.prepare(
      "DELETE FROM sessions WHERE sid IN (SELECT sid FROM sessions ORDER BY last_seen DESC LIMIT -1 OFFSET ?)",
    );
    this.#insertDevice = db.prepare(
      "INSERT INTO device_tokens (did, account, device_name, created_at) VALUES (?, ?, ?, ?)",
    );
    this.#device = db.prepare<[string, string], { did: string }>(
      "SELECT did FROM device_tokens WHERE did = ? AND account = ?",
    );
    this.#summaries = db.prepare<[], { name: string; is_admin: number; disabled: number; otp: number }>(
      "SELECT name, is_admin, disabled, otp_secret IS NOT NULL AS otp FROM accounts ORDER BY name",
    );
    this.#sessionCount = db.prepare<[], number>("SELECT COUNT(*) FROM sessions").pluck();
  }
  account(name: string): AccountRow | undefined {
    return this.#account.get(name);
  }
  createSession(row: SessionRow): void {
    this.#insertSession.run(row);
  }
  /** A session with what the dispatcher needs of its account, in one read (every call does it). */
  sessionWithAccount(sid: string): { session: SessionRow; isAdmin: boolean } | undefined {
    const row = this.#sessionWithAccount.get(sid);
    if (row === undefined) return undefined;
    const { a_is_admin, ...session } = row;
    return { session, isAdmin: a_is_admin === 1 };
  }
  touch(sid: string, now: number): void {
    this.#touch.run(now, sid);
  }
  endSession(sid: string): boolean {
    return this.#deleteSession.run(sid).changes > 0;
  }
  /** Forgets sessions idle since before `before` (long expired: they would answer 119 anyway). */
  pruneSessions(before: number): void {
    this.#pruneSessions.run(before);
  }
  /** Keeps the `max` most recently used sessions. */
  capSessions(max: number): void {
    this.#capSessions.run(max);
  }
  addDeviceToken(did: string, account: string, deviceName: string, now: number): void {
    this.#insertDevice.run(did, account, deviceName, now);
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
}
