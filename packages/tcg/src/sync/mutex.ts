/**
 * A sleeping mutex in one 32-bit word of shared memory (a futex-style mutex; QEMU's
 * QemuMutex), plus a condition variable in a second word.
 *
 * Word value: 0 when free; otherwise the owner id (> 0), with {@link MUTEX_WAITERS} set
 * when some thread may be sleeping on the word. Unlock clears the word and, only if the
 * waiters bit was set, wakes one sleeper with `Atomics.notify`.
 *
 * `Atomics.wait` is not allowed on a browser's main thread: a thread created with
 * `canBlock = false` spins instead of sleeping, or uses {@link mutexLockAsync}, which
 * waits with `Atomics.waitAsync` where available. vCPU workers always block.
 */

/** The "may have sleepers" bit of a mutex word. Owner ids must stay below it. */
export const MUTEX_WAITERS = 0x40000000;
/** Polls before a blocking-capable waiter goes to sleep. */
export const MUTEX_SPINS = 100;

/** Takes the mutex at `words[index]` for `owner` (0 < owner < 2^30). */
export function mutexLock(words: Int32Array, index: number, owner: number, canBlock: boolean): void {
  if (Atomics.compareExchange(words, index, 0, owner) === 0) return;
  for (let i = 0; i < MUTEX_SPINS || !canBlock; i++) {
    if (Atomics.load(words, index) === 0 && Atomics.compareExchange(words, index, 0, owner) === 0) return;
  }
  // Slow path: mark contended and sleep. Once we have slept we acquire "contended"
  // (owner | WAITERS), because other sleepers may remain.
  for (;;) {
    const v = Atomics.load(words, index);
    if (v === 0) {
      if (Atomics.compareExchange(words, index, 0, owner | MUTEX_WAITERS) === 0) return;
      continue;
    }
    if ((v & MUTEX_WAITERS) === 0 && Atomics.compareExchange(words, index, v, v | MUTEX_WAITERS) !== v) continue;
    Atomics.wait(words, index, v | MUTEX_WAITERS);
  }
}

/** Tries to take the mutex; returns whether it was taken. */
export function mutexTryLock(words: Int32Array, index: number, owner: number): boolean {
  return Atomics.compareExchange(words, index, 0, owner) === 0;
}

/** Releases the mutex, waking one sleeper if there may be any. */
export function mutexUnlock(words: Int32Array, index: number): void {
  const old = Atomics.exchange(words, index, 0);
  if ((old & MUTEX_WAITERS) !== 0) Atomics.notify(words, index, 1);
}

/** The owner id holding the mutex (without the waiters bit), or 0. */
export function mutexOwner(words: Int32Array, index: number): number {
  return Atomics.load(words, index) & ~MUTEX_WAITERS;
}

interface WaitAsyncResult {
  async: boolean;
  value: Promise<string> | string;
}
type WaitAsync = (words: Int32Array, index: number, value: number, timeout?: number) => WaitAsyncResult;

/**
 * Takes the mutex without blocking the thread (for a browser main thread): waits with
 * `Atomics.waitAsync` when the engine has it, else polls on a 0 ms timer-free loop of
 * microtasks.
 */
export async function mutexLockAsync(words: Int32Array, index: number, owner: number): Promise<void> {
  const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  for (;;) {
    const v = Atomics.load(words, index);
    if (v === 0) {
      if (Atomics.compareExchange(words, index, 0, owner | MUTEX_WAITERS) === 0) return;
      continue;
    }
    if ((v & MUTEX_WAITERS) === 0 && Atomics.compareExchange(words, index, v, v | MUTEX_WAITERS) !== v) continue;
    if (waitAsync !== undefined) {
      const r = waitAsync(words, index, v | MUTEX_WAITERS);
      if (r.async) await r.value;
    } else {
      await Promise.resolve();
    }
  }
}

/**
 * Waits on the condition variable `cond[condIndex]` with the mutex `words[index]` held:
 * releases the mutex, sleeps until a signal (or a spurious wake-up), re-takes the mutex.
 * Callers re-check their predicate in a loop. Requires a thread that may block.
 */
export function condWait(cond: Int32Array, condIndex: number, words: Int32Array, index: number, owner: number): void {
  const seq = Atomics.load(cond, condIndex);
  mutexUnlock(words, index);
  Atomics.wait(cond, condIndex, seq);
  mutexLock(words, index, owner, true);
}

/** Wakes every waiter of the condition variable. */
export function condBroadcast(cond: Int32Array, condIndex: number): void {
  Atomics.add(cond, condIndex, 1);
  Atomics.notify(cond, condIndex);
}

/** Wakes one waiter of the condition variable. */
export function condSignal(cond: Int32Array, condIndex: number): void {
  Atomics.add(cond, condIndex, 1);
  Atomics.notify(cond, condIndex, 1);
}
