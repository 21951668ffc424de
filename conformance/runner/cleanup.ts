/**
 * Undoing what the run did: scenario undo steps in reverse order, then every live ledger entry
 * newest first (a running guest is powered off before it is deleted), then a sweep of anything
 * in the run's prefix that the ledger missed. Each step's failure is recorded and the next
 * step still runs: one stuck guest must not leave the rest behind.
 */

import { RESOURCE_KINDS, type ResourceKind } from "../../contract/apis";
import { DsmApiError } from "../client/errors";
import type { Ledger, LedgerEntry } from "../client/ledger";
import type { VmmPort } from "../client/vmm";
import type { Waiter } from "../wait";

export interface CleanupFailure {
  readonly step: string;
  readonly error: string;
}

export class CleanupStack {
  readonly #steps: { label: string; undo: () => Promise<unknown> }[] = [];

  push(label: string, undo: () => Promise<unknown>): void {
    this.#steps.push({ label, undo });
  }

  get size(): number {
    return this.#steps.length;
  }

  /** Runs every step newest first, continuing past failures; answers all failures. */
  async run(): Promise<CleanupFailure[]> {
    const failures: CleanupFailure[] = [];
    while (this.#steps.length > 0) {
      const step = this.#steps.pop();
      if (step === undefined) break;
      try {
        await step.undo();
      } catch (err) {
        failures.push({ step: step.label, error: describe(err) });
      }
    }
    return failures;
  }
}

export function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Whether an object is the ledger entry's: by id once the entry has one, else by name. */
const isEntry = (entry: LedgerEntry, id: string, name: string): boolean =>
  entry.id !== undefined ? id === entry.id : name === entry.name;

/**
 * Deletes the guest of a ledger entry (a guest already gone is fine). Nothing here depends on
 * DSM's status words: it deletes, and when DSM refuses, forces the power off and tries again,
 * for at most the wait profile's timeout (a NAS answering `stopped` where the emulator says
 * `shutdown` is cleaned up all the same, and a guest that never stops costs one timeout).
 */
export async function removeGuest(vmm: VmmPort, waiter: Waiter, entry: LedgerEntry): Promise<void> {
  const find = async () => (await vmm.listGuests()).find((g) => isEntry(entry, g.guest_id, g.guest_name));
  const guest = await find();
  if (guest === undefined) {
    entry.live = false; // a create that failed on its task, or already deleted
    return;
  }
  const ref = { guest_id: guest.guest_id };
  await waiter.until(`guest ${entry.name} to be deleted`, async () => {
    try {
      await vmm.deleteGuest(ref);
      return { done: true, value: "deleted" };
    } catch (err) {
      if (!(err instanceof DsmApiError)) throw err;
      const now = await find();
      if (now === undefined) return { done: true, value: "gone" };
      // Refused: most likely still on (or still being created). A forced power-off is safe on
      // the run's own guest; its own refusal (already off, busy) is not a problem here.
      await vmm.powerOff(ref).catch(() => {});
      return { done: false, value: `status ${now.status}, delete answered ${err.code}` };
    }
  });
  entry.live = false;
}

export async function removeImage(vmm: VmmPort, entry: LedgerEntry): Promise<void> {
  const image = (await vmm.listImages()).find((i) => isEntry(entry, i.image_id, i.image_name));
  if (image === undefined) {
    entry.live = false;
    return;
  }
  await vmm.deleteImage({ image_id: image.image_id });
  entry.live = false;
}

/** How the cleanup finds and removes one kind of resource. */
interface KindCleanup {
  /** Every object of the kind on the target, by name and id (to adopt what the ledger missed). */
  list(vmm: VmmPort): Promise<{ readonly name: string; readonly id: string }[]>;
  remove(vmm: VmmPort, waiter: Waiter, entry: LedgerEntry): Promise<void>;
}

/** One row per kind: a kind added to the contract does not compile until it says how it is removed. */
const CLEANUP: { readonly [K in ResourceKind]: KindCleanup } = {
  guest: {
    list: async (vmm) => (await vmm.listGuests()).map((g) => ({ name: g.guest_name, id: g.guest_id })),
    remove: removeGuest,
  },
  image: {
    list: async (vmm) => (await vmm.listImages()).map((i) => ({ name: i.image_name, id: i.image_id })),
    remove: (vmm, _waiter, entry) => removeImage(vmm, entry),
  },
};

/** Deletes every live ledger entry (guests before the images they may clone), then clears tasks. */
export async function cleanupLedger(vmm: VmmPort, ledger: Ledger, waiter: Waiter): Promise<CleanupFailure[]> {
  const failures: CleanupFailure[] = [];
  // Guests the run found in its prefix without having recorded them are adopted, then removed.
  try {
    for (const kind of RESOURCE_KINDS)
      for (const { name, id } of await CLEANUP[kind].list(vmm))
        if (ledger.inPrefix(name)) ledger.adopt(kind, name, id);
  } catch (err) {
    failures.push({ step: "list the run's prefix", error: describe(err) });
  }
  for (const entry of ledger.liveNewestFirst()) {
    const step = `delete ${entry.kind} ${entry.name}`;
    try {
      await CLEANUP[entry.kind].remove(vmm, waiter, entry);
    } catch (err) {
      failures.push({ step, error: describe(err) });
    }
  }
  for (const taskId of ledger.tasks()) {
    try {
      await vmm.clearTask(taskId);
    } catch (err) {
      // Gone already (auto-clean, or a probe id that never existed): nothing to undo.
      if (!(err instanceof DsmApiError && err.code === 1000))
        failures.push({ step: `clear task ${taskId}`, error: describe(err) });
    }
    ledger.forgetTask(taskId);
  }
  return failures;
}
