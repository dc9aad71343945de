/**
 * A spinlock in one 32-bit word of shared memory (QEMU's QemuSpin).
 *
 * Word value: 0 when free, otherwise the owner's id (a positive integer; the caller's
 * thread id + 1), which makes a held lock attributable in a memory dump. For short
 * critical sections only (jmp_lock, hash-bucket locks, page locks).
 *
 * Waiting: test-and-test-and-set; after {@link SPIN_BEFORE_SLEEP} failed polls a thread
 * that may block sleeps for {@link SPIN_SLEEP_MS} with `Atomics.wait` (there may be more
 * workers than cores: a descheduled holder must get the CPU). A thread that may not block
 * (a browser main thread) keeps polling.
 */

/**
 * Failed polls before a blocking-capable waiter starts to sleep. Tuned for a 2-core host
 * with more workers than cores: about 10 µs of spinning, the length of a long critical
 * section here.
 */
export const SPIN_BEFORE_SLEEP = 200;
/** Sleep per backoff step in milliseconds (the host's timed-wait granularity is ~50 µs). */
export const SPIN_SLEEP_MS = 0.05;

/** Takes the spinlock at `words[index]` for `owner` (> 0). */
export function spinLock(words: Int32Array, index: number, owner: number, canBlock: boolean): void {
  if (Atomics.compareExchange(words, index, 0, owner) === 0) return;
  let polls = 0;
  for (;;) {
    const v = Atomics.load(words, index);
    if (v === 0) {
      if (Atomics.compareExchange(words, index, 0, owner) === 0) return;
    } else if (++polls >= SPIN_BEFORE_SLEEP && canBlock) {
      Atomics.wait(words, index, v, SPIN_SLEEP_MS);
      polls = SPIN_BEFORE_SLEEP >> 1;
    }
  }
}

/** Tries to take the spinlock; returns whether it was taken. */
export function spinTryLock(words: Int32Array, index: number, owner: number): boolean {
  return Atomics.compareExchange(words, index, 0, owner) === 0;
}

/** Releases the spinlock. */
export function spinUnlock(words: Int32Array, index: number): void {
  Atomics.store(words, index, 0);
}

/** The owner id holding the lock, or 0. */
export function spinOwner(words: Int32Array, index: number): number {
  return Atomics.load(words, index);
}
