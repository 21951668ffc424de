/**
 * A preload for the server under test (`node --import tsx --import ./bench/loop-delay.ts ...`):
 * samples its event loop every millisecond and, on SIGUSR2, writes what it saw since the last
 * signal to the file named by VMM_BENCH_LOOP_FILE, then starts over. Node's histogram holds the
 * time between two samples, so a stall of the loop is that time less the 1 ms resolution.
 */
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface LoopDelay {
  /** The longest time the loop could not run a timer, in ms (the longest gap less 1 ms). */
  readonly maxStallMs: number;
  /** The 99th percentile of the gaps less 1 ms. */
  readonly p99StallMs: number;
  readonly samples: number;
}

const file = process.env.VMM_BENCH_LOOP_FILE;
if (file !== undefined) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const stall = (ns: number) => Math.max(0, ns / 1e6 - 1);
  process.on("SIGUSR2", () => {
    const seen: LoopDelay = {
      maxStallMs: stall(histogram.max),
      p99StallMs: stall(histogram.percentile(99)),
      samples: histogram.count,
    };
    writeFileSync(file, JSON.stringify(seen));
    histogram.reset();
  });
}
