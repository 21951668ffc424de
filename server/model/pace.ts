/**
 * How long simulated work takes: every duration is written as it takes on a real NAS
 * (`realtime`) and scaled here. `instant` ends everything at the next call; a number N makes
 * everything N times faster. The control plane can change the scale while the emulator runs.
 */
export type TimeScale = "instant" | "realtime" | number;

/** How long a boot and a graceful shutdown take on a NAS. */
export const POWER_MS = { boot: 3_000, shutdown: 3_000 } as const;

export class Pace {
  #scale: TimeScale;
  #factor: number;
  constructor(scale: TimeScale) {
    this.#scale = scale;
    this.#factor = factorOf(scale);
  }
  get scale(): TimeScale {
    return this.#scale;
  }
  set(scale: TimeScale): void {
    this.#scale = scale;
    this.#factor = factorOf(scale);
  }
  /** How long work that takes `realtimeMs` on a NAS takes at this scale. */
  of(realtimeMs: number): number {
    return Math.round(realtimeMs / this.#factor);
  }
}

function factorOf(scale: TimeScale): number {
  return scale === "instant" ? Number.POSITIVE_INFINITY : scale === "realtime" ? 1 : scale;
}
