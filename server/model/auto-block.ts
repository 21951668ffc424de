/**
 * DSM's auto-block: after `attempts` failed logins from one address within `window`, logins
 * from it are refused until the block expires (never, by DSM's default) or an administrator (the
 * control plane) lifts it. A wrong password, a wrong 2-step code and an unreadable encrypted
 * login each count as a failure; a successful login clears the address's count.
 *
 * By design: blocks and failures are state, kept in the database (a block survives a restart,
 * as on DSM) and undone by reset. DSM's allow list is not emulated: loopback can be blocked too.
 */
import type { Store } from "../store/index";

export interface AutoBlockPolicy {
  /** Failures within the window that block; `off` disables auto-block. */
  readonly attempts: number | "off";
  readonly windowMs: number;
  /** How long a block lasts; null: until lifted. */
  readonly expiryMs: number | null;
}

/** True when `address` is blocked at `now` (an expired block is lifted on the way). */
export function isBlocked(store: Store, address: string, now: number): boolean {
  const block = store.accounts.blockOf(address);
  if (block === undefined) return false;
  if (block.until !== null && block.until <= now) {
    store.accounts.unblock(address);
    return false;
  }
  return true;
}

/** Counts a failed login; blocks the address once the policy's count is reached. */
export function recordFailure(store: Store, policy: AutoBlockPolicy, address: string, now: number): void {
  if (policy.attempts === "off") return;
  store.accounts.pruneLoginFailures(now - policy.windowMs);
  store.accounts.addLoginFailure(address, now);
  if (store.accounts.loginFailures(address, now - policy.windowMs) >= policy.attempts) {
    store.accounts.block(address, now, policy.expiryMs === null ? null : now + policy.expiryMs);
    store.accounts.clearLoginFailures(address);
  }
}

export function recordSuccess(store: Store, address: string): void {
  store.accounts.clearLoginFailures(address);
}
