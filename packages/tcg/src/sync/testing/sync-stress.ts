/**
 * Worker bodies for the synchronisation stress tests (test/sync-*.test.ts). They run in
 * worker_threads started by the tests and import this file from dist/: plain functions
 * over SharedArrayBuffers, no Node APIs. Not part of the package's public API.
 */
import { LockClass } from "../lock-checker.js";
import { condBroadcast, condWait, mutexLock, mutexUnlock } from "../mutex.js";
import { seqReadBegin, seqReadRetry, seqWriteBegin, seqWriteEnd } from "../seqlock.js";
import { spinLock, spinUnlock } from "../spinlock.js";
import { createSyncThread } from "../sync-thread.js";

/** Arguments of the lock-counter workers. */
export interface CounterArgs {
  /** Words: [0] lock, [1] counter A, [2] counter B, [3] in-section flag, [4] violations. */
  readonly buffer: SharedArrayBuffer;
  /** Thread index. */
  readonly index: number;
  /** Critical sections to run. */
  readonly iterations: number;
  /** Which lock. */
  readonly kind: "spin" | "mutex";
  /** Enable the lock checker. */
  readonly debug: boolean;
  /** Behave like a browser main thread (never Atomics.wait). Default false. */
  readonly noBlock?: boolean;
}

/**
 * Runs `iterations` critical sections that update two counters with plain (non-atomic)
 * read-modify-writes and check that nobody else is inside. Returns the violations seen.
 */
export function lockCounterWorker(a: CounterArgs): number {
  const w = new Int32Array(a.buffer);
  const t = createSyncThread(a.index, { debug: a.debug, canBlock: a.noBlock !== true });
  let violations = 0;
  for (let i = 0; i < a.iterations; i++) {
    t.checker?.acquire(LockClass.mmap, 0);
    if (a.kind === "spin") spinLock(w, 0, t.owner, t.canBlock);
    else mutexLock(w, 0, t.owner, t.canBlock);
    if (w[3] !== 0) violations++;
    w[3] = t.owner;
    const x = w[1]!;
    if (w[2] !== x) violations++;
    w[1] = x + 1;
    if ((i & 15) === 0) for (let k = 0; k < 50; k++) w[5] = (w[5]! + k) | 0; // widen the window
    w[2] = x + 1;
    if (w[3] !== t.owner) violations++;
    w[3] = 0;
    if (a.kind === "spin") spinUnlock(w, 0);
    else mutexUnlock(w, 0);
    t.checker?.release(LockClass.mmap, 0);
  }
  if (violations !== 0) Atomics.add(w, 4, violations);
  return violations;
}

/** Arguments of the seqlock workers. */
export interface SeqlockArgs {
  /** Words: [0] writers' lock, [1] sequence, [2] done flag, [8..8+n) data. */
  readonly buffer: SharedArrayBuffer;
  /** Thread index. */
  readonly index: number;
  /** Writer or reader. */
  readonly role: "writer" | "reader";
  /** Updates (writers) or reads (readers). */
  readonly iterations: number;
  /** Data words. */
  readonly width: number;
}

/** Result of a seqlock worker. */
export interface SeqlockResult {
  /** Reads that validated but saw inconsistent data (must be 0). */
  readonly torn: number;
  /** Reads retried because a write overlapped. */
  readonly retries: number;
  /** Operations done. */
  readonly ops: number;
}

/**
 * Writers store a run of consecutive values under the seqlock; readers read without a
 * lock and check that every validated read is a consistent run.
 */
export function seqlockWorker(a: SeqlockArgs): SeqlockResult {
  const w = new Int32Array(a.buffer);
  const t = createSyncThread(a.index);
  let torn = 0;
  let retries = 0;
  let ops = 0;
  if (a.role === "writer") {
    for (let i = 0; i < a.iterations; i++) {
      spinLock(w, 0, t.owner, true);
      seqWriteBegin(w, 1);
      const base = (Atomics.load(w, 8) + 1) | 0;
      for (let k = 0; k < a.width; k++) Atomics.store(w, 8 + k, (base + k) | 0);
      seqWriteEnd(w, 1);
      spinUnlock(w, 0);
      ops++;
    }
    Atomics.add(w, 2, 1);
  } else {
    for (let i = 0; i < a.iterations; i++) {
      let first: number;
      let ok: boolean;
      for (;;) {
        const s = seqReadBegin(w, 1);
        first = Atomics.load(w, 8);
        ok = true;
        for (let k = 1; k < a.width; k++) if (Atomics.load(w, 8 + k) !== ((first + k) | 0)) ok = false;
        if (!seqReadRetry(w, 1, s)) break;
        retries++;
      }
      if (!ok) torn++;
      ops++;
    }
  }
  return { torn, retries, ops };
}

/** Arguments of the condition-variable ping-pong worker. */
export interface PingPongArgs {
  /** Words: [0] mutex, [1] condvar, [2] turn. */
  readonly buffer: SharedArrayBuffer;
  /** Thread index (0 or 1 take turns). */
  readonly index: number;
  /** Rounds. */
  readonly rounds: number;
}

/** Two threads take turns through a mutex and a condition variable; returns turns taken. */
export function pingPongWorker(a: PingPongArgs): number {
  const w = new Int32Array(a.buffer);
  const t = createSyncThread(a.index, { debug: true });
  let taken = 0;
  for (let r = 0; r < a.rounds; r++) {
    mutexLock(w, 0, t.owner, true);
    while (w[2]! % 2 !== a.index) condWait(w, 1, w, 0, t.owner);
    w[2] = w[2]! + 1;
    taken++;
    condBroadcast(w, 1);
    mutexUnlock(w, 0);
  }
  return taken;
}

/** Arguments of {@link lockThroughputWorker}. */
export interface ThroughputArgs {
  /** Words: [0] lock, [1] shared counter, [2] start barrier (threads arrived). */
  readonly buffer: SharedArrayBuffer;
  /** Thread index. */
  readonly index: number;
  /** Threads that take part (the barrier waits for all). */
  readonly threads: number;
  /** Critical sections to run. */
  readonly iterations: number;
  /** Which lock. */
  readonly kind: "spin" | "mutex";
}

/**
 * Waits until every thread has arrived, then runs `iterations` short critical sections
 * (one shared-counter increment). Returns the elapsed milliseconds.
 */
export function lockThroughputWorker(a: ThroughputArgs): number {
  const w = new Int32Array(a.buffer);
  const t = createSyncThread(a.index);
  Atomics.add(w, 2, 1);
  while (Atomics.load(w, 2) < a.threads) Atomics.wait(w, 3, 0, 0.1);
  const t0 = Date.now();
  for (let i = 0; i < a.iterations; i++) {
    if (a.kind === "spin") spinLock(w, 0, t.owner, true);
    else mutexLock(w, 0, t.owner, true);
    w[1] = w[1]! + 1;
    if (a.kind === "spin") spinUnlock(w, 0);
    else mutexUnlock(w, 0);
  }
  return Date.now() - t0;
}
