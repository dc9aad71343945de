/**
 * A sequence lock in one 32-bit word of shared memory (QEMU's QemuSeqLock). Writers
 * serialise among themselves with a separate lock and bracket each update with
 * {@link seqWriteBegin}/{@link seqWriteEnd} (the counter is odd during an update).
 * Readers take no lock: they read the counter, read the data, and retry if the counter
 * changed or was odd. All accesses to the protected data go through `Atomics` (they are
 * sequentially consistent, so no separate fences are needed).
 */

/** Starts an update (the writer holds the writers' lock). */
export function seqWriteBegin(words: Int32Array, index: number): void {
  Atomics.add(words, index, 1);
}

/** Ends an update. */
export function seqWriteEnd(words: Int32Array, index: number): void {
  Atomics.add(words, index, 1);
}

/**
 * Starts a read section: returns the counter with its low bit cleared, so that a read
 * that overlapped an update in progress always fails {@link seqReadRetry}.
 */
export function seqReadBegin(words: Int32Array, index: number): number {
  return Atomics.load(words, index) & ~1;
}

/** Whether the read section started at `start` must be retried. */
export function seqReadRetry(words: Int32Array, index: number, start: number): boolean {
  return Atomics.load(words, index) !== start;
}
