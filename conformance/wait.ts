/**
 * The one way the kit waits for DSM to finish something (a task, a power transition), with a
 * profile per target: against the emulator time is virtual and each poll moves it forward
 * (fast and deterministic); against a NAS the kit sleeps seconds between polls and allows
 * minutes. Running out of time is `WaitTimeout`: the outcome is unknown (indeterminate), which
 * the report keeps apart from a failure.
 */
import type { GuestStatus, TaskState } from "./client/shapes";
import type { GuestRef, VmmPort } from "./client/vmm";

export interface WaitProfile {
  readonly name: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export const WAIT_PROFILES = {
  /** Virtual milliseconds: 250 ms steps cover a 5 s DSM-like task in 20 polls. */
  emulator: { name: "emulator", intervalMs: 250, timeoutMs: 120_000 },
  /** DSM takes seconds to minutes; clients poll every few seconds (the Go client: 5 s). */
  nas: { name: "nas", intervalMs: 3_000, timeoutMs: 300_000 },
} as const satisfies Record<string, WaitProfile>;

/** Moves the target's time instead of sleeping (emulator with a virtual clock); absent: real sleep. */
export interface TimeDriver {
  advance(ms: number): Promise<void>;
}

/** The condition did not settle in time: neither pass nor fail. */
export class WaitTimeout extends Error {
  override name = "WaitTimeout";
  constructor(
    readonly what: string,
    readonly waitedMs: number,
    readonly last: unknown,
  ) {
    super(`gave up waiting for ${what} after ${waitedMs} ms (last seen: ${JSON.stringify(last)})`);
  }
}

/** A task that reached progress 100 and never said `finish: true`: a failure, not a slow NAS. */
export class TaskNeverFinished extends Error {
  override name = "TaskNeverFinished";
}

/** With virtual time a bug could poll for ever without the clock being the limit: cap wall time too. */
const VIRTUAL_WALL_CAP_MS = 15_000;

export class Waiter {
  /** While set and aborted (Ctrl-C), a wait gives up at its next poll; the runner unsets it for cleanup. */
  interrupt: AbortSignal | undefined;

  constructor(
    readonly profile: WaitProfile,
    readonly time?: TimeDriver,
  ) {}

  /** Polls `probe` until it answers `{ done: true, value }`; throws WaitTimeout. */
  async until<T>(what: string, probe: () => Promise<{ done: boolean; value: T }>): Promise<T> {
    const wallStart = Date.now();
    let waited = 0;
    let last: T | undefined;
    for (;;) {
      const { done, value } = await probe();
      if (done) return value;
      last = value;
      if (this.interrupt?.aborted === true) throw new WaitTimeout(`${what} (interrupted)`, waited, last);
      if (waited >= this.profile.timeoutMs) throw new WaitTimeout(what, waited, last);
      if (this.time !== undefined && Date.now() - wallStart > VIRTUAL_WALL_CAP_MS) {
        throw new WaitTimeout(what, waited, last);
      }
      await this.pause(this.profile.intervalMs);
      waited += this.profile.intervalMs;
    }
  }

  /** Lets time pass: virtual time moves, real time is slept. */
  async pause(ms: number): Promise<void> {
    if (this.time !== undefined) await this.time.advance(ms);
    else await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Polls Task.Info get until `finish`; a failed task throws its DsmApiError. */
  async task(vmm: VmmPort, taskId: string): Promise<TaskState> {
    let seen: TaskState | undefined;
    try {
      return await this.until(`task ${taskId}`, async () => {
        const state = await vmm.getTask(taskId).catch((err: unknown) => {
          // Progress 100 without finish, then gone: DSM cleaned a task it never said was done.
          if (seen?.task_info.progress === 100)
            throw new TaskNeverFinished(
              `task ${taskId}: finish false at progress 100, then the task was gone (${String(err)}); the emulator answers finish true at 100`,
            );
          throw err;
        });
        seen = state;
        return { done: state.finish, value: state };
      });
    } catch (err) {
      if (!(err instanceof WaitTimeout)) throw err;
      const progress = (err.last as Partial<TaskState> | undefined)?.task_info?.progress;
      if (progress === 100)
        throw new TaskNeverFinished(
          `task ${taskId}: finish false at progress 100 for ${err.waitedMs} ms (the emulator finishes at 100)`,
        );
      throw new WaitTimeout(`task ${taskId} (still at progress ${String(progress)})`, err.waitedMs, err.last);
    }
  }

  /** Polls Guest get until its status is one of `statuses`. */
  guestStatus(vmm: VmmPort, ref: GuestRef, statuses: readonly GuestStatus[]): Promise<GuestStatus> {
    return this.until(`guest ${JSON.stringify(ref)} to be ${statuses.join("|")}`, async () => {
      const { status } = await vmm.getGuest(ref);
      return { done: statuses.includes(status), value: status };
    });
  }
}
