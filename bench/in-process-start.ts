/**
 * Run by bench/lifecycle.ts in a fresh process (`node --expose-gc --import tsx`): how long an
 * in-process `startEmulator()` takes, the first of the process and the ones after it, and the
 * memory each emulator holds while open. Prints one JSON line. The second argument names the
 * compiled emulator module to measure (another checkout's `dist/server/emulator.js`, to set a
 * change against what it changed), by default this checkout's sources.
 */
import { median } from "./load";

const COUNT = Number(process.argv[2] ?? 20);
const { startEmulator }: typeof import("../server/emulator") = await import(
  process.argv[3] ?? "../server/emulator"
);

function heldBytes(): number {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

const t0 = performance.now();
const first = await startEmulator({ log: () => {} });
const firstMs = performance.now() - t0;
await first.close();

const times: number[] = [];
for (let i = 0; i < COUNT; i++) {
  const t = performance.now();
  const emu = await startEmulator({ log: () => {} });
  times.push(performance.now() - t);
  await emu.close();
}

const before = heldBytes();
const open = [];
for (let i = 0; i < COUNT; i++) open.push(await startEmulator({ log: () => {} }));
const perEmulatorKiB = (heldBytes() - before) / COUNT / 1024;
await Promise.all(open.map((e) => e.close()));

process.stdout.write(`${JSON.stringify({ firstMs, laterMs: median(times), perEmulatorKiB })}\n`);
