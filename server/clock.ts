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
  /** Moves time forward: in virtual mode the frozen instant, in real mode the offset. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("a clock only moves forward");
    if (this.#mode === "virtual") this.#frozenAt += ms;
    else this.#offset += ms;
  }
}
