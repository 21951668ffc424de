/**
 * What a running guest uses, as DSM's web UI reports it: its vCPU load as per mille of its
 * host's threads, and the RAM its guest OS has in use. Simulated, and deterministic under the
 * injected clock: a slow wave per guest (its phase from its id), so a dashboard or a client's
 * sensor sees plausible, moving figures that a test can predict from the time alone.
 */
import { createHash } from "node:crypto";
import type { MiB } from "./units";

/** Phases worked out, by guest id (a pure function of the id; every list of running guests asks). */
const phases = new Map<string, number>();

/** 0..1, fixed per guest: where its wave starts. */
function phaseOf(guestId: string): number {
  let phase = phases.get(guestId);
  if (phase === undefined) {
    phase = createHash("sha256").update(guestId).digest().readUInt32BE(0) / 2 ** 32;
    if (phases.size >= 100_000) phases.clear();
    phases.set(guestId, phase);
  }
  return phase;
}

const wave = (now: number, periodMinutes: number, phase: number) =>
  Math.sin(2 * Math.PI * (now / 60_000 / periodMinutes + phase));

export interface Usage {
  /** Per mille of the host's CPU threads (0-1000). */
  readonly cpuPerMille: number;
  readonly ramUsed: MiB;
}

/** The usage of a running guest with `vcpus` vCPUs and `memory` MiB on a host with `hostThreads`. */
export function usageOf(
  guestId: string,
  vcpus: number,
  memory: MiB,
  hostThreads: number,
  now: number,
): Usage {
  const phase = phaseOf(guestId);
  // Between 5 % and 35 % of its vCPUs busy, over a ten-minute wave.
  const busy = 0.2 + 0.15 * wave(now, 10, phase);
  const cpuPerMille = Math.round((1000 * busy * vcpus) / Math.max(1, hostThreads));
  // Between 35 % and 75 % of its memory in use, over half an hour.
  const ramUsed = Math.round(memory * (0.55 + 0.2 * wave(now, 30, phase)));
  return { cpuPerMille: Math.min(1000, cpuPerMille), ramUsed };
}
