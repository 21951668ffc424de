/** What a model operation works with: the store, the call's instant, the pace of work, the caller. */
import type { Store } from "../store/index";
import type { Pace } from "./pace";

/** A fault rule's instruction for the task the call starts: fail or stick at a progress. */
export interface TaskFault {
  readonly failAt: number | null;
  /** The DSM code the task then fails with (a fault rule speaks the wire's language). */
  readonly code: number | null;
  readonly stuckAt: number | null;
}

export interface ModelContext {
  readonly store: Store;
  /** The call's instant on the injected clock (ms). */
  readonly now: number;
  readonly pace: Pace;
  /** The account the call was made as: tasks are owned by it. */
  readonly account: string | undefined;
  readonly taskFault: TaskFault | undefined;
  /** A fault rule's instruction: a power transition this call starts never settles. */
  readonly holdTransition?: boolean;
}

/** A reference to an object by id or by name; an id wins when both are given. */
export interface Ref {
  readonly id?: string | undefined;
  readonly name?: string | undefined;
}

export const hasRef = (ref: Ref): boolean => ref.id !== undefined || ref.name !== undefined;

/** The reference both dialects read from an id/name pair (`guest_id`/`guest_name`, ...). */
export const refOf = (id: string | undefined, name: string | undefined): Ref => ({ id, name });
