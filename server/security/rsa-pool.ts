/**
 * RSA private-key operations off the event loop. A 4096-bit decryption takes about 5 ms of CPU
 * and Node offers no asynchronous form of it (WebCrypto's RSA is OAEP only), so each runs on a
 * small pool of worker threads: one fewer than the machine has processors (at least one), so a
 * crowd of encrypted logins cannot take every core from the event loop. At most `MAX_RSA_WAITING`
 * wait for a worker; beyond that the operation is refused at once ("busy") rather than queued
 * without bound. Workers start on first use and do not keep the process alive.
 */

import type { KeyObject } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** Operations waiting for a worker beyond which new ones are refused. */
export const MAX_RSA_WAITING = 32;
const WORKERS = Math.max(1, availableParallelism() - 1);

// Plain JavaScript, evaluated: the same under tsx, the compiled build and a bundle.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { privateDecrypt, constants } = require("node:crypto");
parentPort.on("message", ({ key, block }) => {
  let out = null;
  try {
    out = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, block);
  } catch {}
  parentPort.postMessage(out);
});
`;

interface Job {
  readonly key: KeyObject;
  readonly block: Buffer;
  readonly done: (result: Buffer | undefined) => void;
}

const idle: Worker[] = [];
let started = 0;
const waiting: Job[] = [];

/**
 * The raw RSA decryption (no padding removed) of `block`, on a worker thread; undefined when the
 * key refuses the block (not below the modulus), "busy" when too many are already waiting.
 */
export function rsaDecryptRaw(key: KeyObject, block: Buffer): Promise<Buffer | undefined | "busy"> {
  if (waiting.length >= MAX_RSA_WAITING) return Promise.resolve("busy");
  return new Promise((done) => {
    waiting.push({ key, block, done });
    pump();
  });
}

function pump(): void {
  while (waiting.length > 0) {
    const worker = idle.pop() ?? (started < WORKERS ? startWorker() : undefined);
    if (worker === undefined) return;
    const job = waiting.shift();
    if (job === undefined) {
      idle.push(worker);
      return;
    }
    run(worker, job);
  }
}

function run(worker: Worker, job: Job): void {
  const settle = (result: Buffer | undefined, healthy: boolean) => {
    worker.off("message", onMessage);
    worker.off("exit", onExit);
    job.done(result);
    if (healthy) idle.push(worker);
    pump();
  };
  const onMessage = (out: Uint8Array | null) =>
    settle(out === null ? undefined : Buffer.from(out.buffer, out.byteOffset, out.byteLength), true);
  // A worker that died takes its job with it; the next job starts a new one.
  const onExit = () => {
    started--;
    settle(undefined, false);
  };
  worker.on("message", onMessage);
  worker.on("exit", onExit);
  worker.ref();
  worker.postMessage({ key: job.key, block: job.block });
}

function startWorker(): Worker {
  started++;
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  worker.on("error", () => {}); // its job is settled by "exit"
  worker.unref();
  // Referenced only while it works: an idle pool never keeps the process alive.
  worker.on("message", () => worker.unref());
  return worker;
}
