/**
 * The one source of time. Tasks, power transitions, session expiry and task auto-clean all
 * read `clock.now()`; nothing reads `Date.now()` directly, so tests move time instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
}

export const realClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export class VirtualClock implements Clock {
  #now: number;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("a clock only moves forward");
    this.#now += ms;
  }
  set(ms: number): void {
    if (ms < this.#now) throw new RangeError("a clock only moves forward");
    this.#now = ms;
  }
}

/**
 * A clock that can switch between real and virtual time without ever going backwards:
 * switching to virtual freezes at the current instant, switching back to real resumes from
 * there (real time plus the offset accumulated while virtual).
 */
export class SwitchableClock implements Clock {
  #mode: "real" | "virtual";
  #offset = 0;
  #frozenAt = 0;
  constructor(
    mode: "real" | "virtual" = "real",
    private readonly source: Clock = realClock,
  ) {
    this.#mode = mode;
    this.#frozenAt = source.now();
  }
  get mode(): "real" | "virtual" {
    return this.#mode;
  }
  now(): number {
    return this.#mode === "real" ? this.source.now() + this.#offset : this.#frozenAt;
  }
  useVirtual(): void {
    if (this.#mode === "virtual") return;
    this.#frozenAt = this.now();
    this.#mode = "virtual";
  }
  useReal(): void {
    if (this.#mode === "real") return;
    this.#offset = this.#frozenAt - this.source.now();
    this.#mode = "real";
  }
  /** What `restore` needs to resume this clock in another process: mode and offset or instant. */
  state(): ClockSnapshot {
    return this.#mode === "real"
      ? { mode: "real", offset_ms: this.#offset }
      : { mode: "virtual", at_ms: this.#frozenAt };
  }

  /**
   * Resumes a saved state at start-up: virtual at its instant, real with its offset, so the
   * clock is where the data it dated left it.
   */
  restore(state: ClockSnapshot): void {
    if (state.mode === "real") {
      this.#mode = "real";
      this.#offset = state.offset_ms;
    } else {
      this.#mode = "virtual";
      this.#frozenAt = state.at_ms;
    }
  }

  /** Moves time forward: in virtual mode the frozen instant, in real mode the offset. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("a clock only moves forward");
    if (this.#mode === "virtual") this.#frozenAt += ms;
    else this.#offset += ms;
  }
}

/** A switchable clock's state, as saved with the database. */
export type ClockSnapshot =
  | { readonly mode: "real"; readonly offset_ms: number }
  | { readonly mode: "virtual"; readonly at_ms: number };

/** Reads a saved state; anything else is no state. */
export function parseClockSnapshot(text: string | null): ClockSnapshot | undefined {
  if (text === null) return undefined;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (v.mode === "real" && Number.isSafeInteger(v.offset_ms))
      return { mode: "real", offset_ms: v.offset_ms as number };
    if (v.mode === "virtual" && Number.isSafeInteger(v.at_ms))
      return { mode: "virtual", at_ms: v.at_ms as number };
  } catch {
    // not a state
  }
  return undefined;
}
