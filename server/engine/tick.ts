/**
 * The tick: everything that time makes happen, applied lazily before each request on the
 * injected clock, in one transaction. Observers only see state through requests, so applying
 * due changes just before a request is indistinguishable from a background timer, and it is
 * deterministic under a virtual clock.
 */
import type { Store } from "../store/index";
import { settleTransitions } from "./power";
import { finishDueTasks } from "./tasks";

/** Sessions idle this long after their timeout are forgotten (they would answer 119 anyway). */
const SESSION_RETENTION_MS = 24 * 3600_000;

export function createTick(store: Store, sessionTimeoutMs: number): (now: number) => void {
  let lastPrune = Number.NEGATIVE_INFINITY;
  return (now) => {
    store.transaction(() => {
      finishDueTasks(store, now);
      settleTransitions(store, now);
      store.tasks.cleanExpired(now);
      if (now - lastPrune > 60_000) {
        store.auth.pruneSessions(now - sessionTimeoutMs - SESSION_RETENTION_MS);
        lastPrune = now;
      }
    });
  };
}
