/**
 * The per-thread identity every lock operation needs: an owner id for lock words,
 * whether the thread may block in `Atomics.wait`, and its debug lock checker.
 * One per worker (vCPU or helper thread); never shared, never global.
 */
import { LockChecker, type MemoryLockKind } from "./lock-checker.js";

/** A thread's identity for the lock helpers. */
export interface SyncThread {
  /** Value stored in lock words this thread holds (thread index + 1). */
  readonly owner: number;
  /** Whether `Atomics.wait` is allowed (false on a browser main thread). */
  readonly canBlock: boolean;
  /** The debug lock checker, or null when lock checking is off. */
  readonly checker: LockChecker | null;
}

/** Options of {@link createSyncThread}. */
export interface SyncThreadOptions {
  /** Whether this thread may block (default true: workers may). */
  readonly canBlock?: boolean;
  /** Enable the debug lock checker (e.g. from `WASMU_DEBUG_TCG=1`, read by the caller). */
  readonly debug?: boolean;
  /** Which lock `assertMemoryLock` requires. */
  readonly memoryLock?: MemoryLockKind;
}

/** Largest thread index: owner ids must stay below the mutex waiters bit. */
export const MAX_THREAD_INDEX = 0x3ffffffe;

/** Creates the identity of thread `index` (0-based, unique among the threads sharing the locks). */
export function createSyncThread(index: number, opts: SyncThreadOptions = {}): SyncThread {
  if (!Number.isInteger(index) || index < 0 || index > MAX_THREAD_INDEX) throw new RangeError(`bad thread index ${index}`);
  return {
    owner: index + 1,
    canBlock: opts.canBlock ?? true,
    checker: opts.debug === true ? new LockChecker(`thread ${index}`, opts.memoryLock ?? "none") : null,
  };
}
