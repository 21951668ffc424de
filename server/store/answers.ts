/**
 * The answers kept between calls, one `Answers` per emulator (`Store.answers`), so that no
 * serialised answer lives at module level where two emulators of one process would share it.
 * A handler that keeps answers declares a `Slot` (its name and how to make an empty keeping: it
 * holds nothing itself) and reaches its emulator's keeping through the call's context,
 * `ctx.store.answers.of(SLOT)`. What a slot keeps is keyed by the objects the store hands out,
 * which stay the same until what they hold changes (a WeakMap lets go of them once the store has
 * moved on), or stamped with `Changes` (changes.ts) for what is kept until a group changes.
 */
import type { Changes } from "./changes";

/** A kind of kept answer: a name (for readers) and how to make its empty keeping. */
export interface Slot<T> {
  readonly name: string;
  make(changes: Changes): T;
}

/** Declares a slot; `make` runs once per emulator, when its handler first keeps an answer. */
export function slot<T>(name: string, make: (changes: Changes) => T): Slot<T> {
  return { name, make };
}

export class Answers {
  readonly #changes: Changes;
  readonly #kept = new Map<Slot<unknown>, unknown>();
  constructor(changes: Changes) {
    this.#changes = changes;
  }

  /** This emulator's keeping for `slot`, made empty the first time. */
  of<T>(slot: Slot<T>): T {
    if (!this.#kept.has(slot)) this.#kept.set(slot, slot.make(this.#changes));
    // Only `slot.make` fills this slot's entry, so it is a T.
    return this.#kept.get(slot) as T;
  }
}
