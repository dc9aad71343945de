/**
 * The futex wait queue of one address space, in shared memory, so that the vCPU workers
 * wait and wake without a round trip to the kernel thread (README.md, process model) and
 * the kernel thread (CLONE_CHILD_CLEARTID at thread exit, futex calls it serves) uses the
 * same queue.
 *
 * Why a table and not `Atomics.wait`/`notify` on the futex word itself: FUTEX_WAKE_BITSET
 * wakes only waiters whose bitset matches, FUTEX_REQUEUE moves waiters to another word,
 * and a signal or exit_group must interrupt one given thread's wait; `Atomics.notify`
 * on a guest address can do none of these. So each wait takes a slot holding the futex
 * address, its bitset, an arrival number (waiters are woken first come, first served, as
 * Linux's plist does within one priority) and the waiter's tid, and sleeps in
 * `Atomics.wait` (a worker) or `Atomics.waitAsync` (the kernel thread) on the slot's own
 * state word. The value check happens under the table lock, and a waker takes the same
 * lock after the guest's store to the futex word, so a wake is never lost (futex(2)'s
 * "the check and the sleep are atomic").
 *
 * Layout (Int32Array words): 0 lock (tcg's futex-style mutex), 1 arrival counter, 2 slots
 * in use (high-water mark), then {@link FUTEX_SLOTS} slots of {@link SLOT_WORDS} words:
 * state, address, bitset, arrival, owner tid. Every field is protected by the lock except
 * a slot's state word, which its waiter also reads without the lock and sets back to FREE
 * once it is no longer WAITING (nobody else touches a slot that is not WAITING).
 *
 * @module
 */
import { mutexLock, mutexUnlock } from "@wasmu/tcg";
import { Errno } from "../errno.js";

/** Slots (concurrent waits) of one table. */
export const FUTEX_SLOTS = 1024;
const HEADER = 4;
const SLOT_WORDS = 8;
const LOCK = 0;
const ARRIVAL = 1;
const HIGH = 2;
const S_STATE = 0;
const S_ADDR = 1;
const S_BITSET = 2;
const S_ARRIVAL = 3;
const S_OWNER = 4;

/** Slot states. */
export const FutexSlot = { FREE: 0, WAITING: 1, WOKEN: 2, INTERRUPTED: 3 } as const;

/** FUTEX_BITSET_MATCH_ANY. */
export const BITSET_MATCH_ANY = 0xffff_ffff;

/** Reads the u32 futex word at a guest address (atomically), or undefined when it is not readable (EFAULT). */
export type FutexWordReader = (addr: number) => number | undefined;

/** Atomics.waitAsync (Node 16+; not in the ES2023 lib typings this project compiles against). */
type WaitAsync = (a: Int32Array, index: number, value: number, timeout?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const atomicsWaitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** A futex wait queue over shared memory (postable: pass {@link buffer}). */
export class FutexTable {
  /** The shared words. */
  readonly buffer: SharedArrayBuffer;
  private readonly w: Int32Array;

  /** @param buffer an existing table's buffer (a worker's view), or none for a new table. */
  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer((HEADER + FUTEX_SLOTS * SLOT_WORDS) * 4);
    this.w = new Int32Array(this.buffer);
  }

  private lock(owner: number): void {
    // Owner ids must be non-zero and below the mutex's waiters bit.
    mutexLock(this.w, LOCK, (owner & 0x3fff_ffff) || 1, true);
  }

  private unlock(): void {
    mutexUnlock(this.w, LOCK);
  }

  /**
   * FUTEX_WAIT's first half: if the word at `addr` still holds `expected`, queues a waiter
   * (tid `owner`, `bitset`) and returns its slot; else -EAGAIN (or -EFAULT).
   */
  enqueue(addr: number, expected: number, bitset: number, owner: number, read: FutexWordReader): number {
    const w = this.w;
    this.lock(owner);
    try {
      const cur = read(addr);
      if (cur === undefined) return -Errno.EFAULT;
      if (cur >>> 0 !== expected >>> 0) return -Errno.EAGAIN;
      let s = 0;
      while (s < FUTEX_SLOTS && Atomics.load(w, HEADER + s * SLOT_WORDS + S_STATE) !== FutexSlot.FREE) s++;
      if (s === FUTEX_SLOTS) return -Errno.EAGAIN;
      const b = HEADER + s * SLOT_WORDS;
      w[b + S_ADDR] = addr;
      w[b + S_BITSET] = bitset | 0;
      w[b + S_ARRIVAL] = ++w[ARRIVAL]!;
      w[b + S_OWNER] = owner;
      if (s + 1 > w[HIGH]!) w[HIGH] = s + 1;
      Atomics.store(w, b + S_STATE, FutexSlot.WAITING);
      return s;
    } finally {
      this.unlock();
    }
  }

  /** After the sleep: the result of a wait that left WAITING (0 woken, -EINTR interrupted); frees the slot. */
  private release(s: number): number {
    const idx = HEADER + s * SLOT_WORDS + S_STATE;
    const st = Atomics.load(this.w, idx);
    Atomics.store(this.w, idx, FutexSlot.FREE);
    return st === FutexSlot.INTERRUPTED ? -Errno.EINTR : 0;
  }

  /** A timed-out waiter leaves the queue unless a wake got there first; returns the wait's result. */
  private timeout(s: number, owner: number): number {
    return this.leave(s, owner, -Errno.ETIMEDOUT);
  }

  /**
   * Withdraws waiter `s` before it sleeps (its thread saw a pending signal or a stop
   * request after queuing): -EINTR, or the wake's result if one got there first.
   */
  cancel(s: number, owner: number): number {
    return this.leave(s, owner, -Errno.EINTR);
  }

  private leave(s: number, owner: number, result: number): number {
    const idx = HEADER + s * SLOT_WORDS + S_STATE;
    this.lock(owner);
    try {
      if (Atomics.load(this.w, idx) === FutexSlot.WAITING) {
        Atomics.store(this.w, idx, FutexSlot.FREE);
        return result;
      }
    } finally {
      this.unlock();
    }
    return this.release(s);
  }

  /** FUTEX_WAIT's second half in a thread that may block: sleeps until woken, interrupted or `timeoutMs` passed. */
  waitSync(s: number, owner: number, timeoutMs = Infinity): number {
    const idx = HEADER + s * SLOT_WORDS + S_STATE;
    const deadline = performance.now() + timeoutMs;
    while (Atomics.load(this.w, idx) === FutexSlot.WAITING) {
      const left = deadline - performance.now();
      if (left <= 0) return this.timeout(s, owner);
      Atomics.wait(this.w, idx, FutexSlot.WAITING, left === Infinity ? undefined : left);
    }
    return this.release(s);
  }

  /** The same for the kernel thread: a Promise (its event loop keeps running). */
  async waitAsync(s: number, owner: number, timeoutMs = Infinity): Promise<number> {
    const idx = HEADER + s * SLOT_WORDS + S_STATE;
    const deadline = performance.now() + timeoutMs;
    while (Atomics.load(this.w, idx) === FutexSlot.WAITING) {
      const left = deadline - performance.now();
      if (left <= 0) return this.timeout(s, owner);
      const r = atomicsWaitAsync.call(Atomics, this.w, idx, FutexSlot.WAITING, left === Infinity ? undefined : left);
      if (r.async) await r.value;
    }
    return this.release(s);
  }

  /** Waiting slots on `addr` whose bitset meets `bitset`, oldest first (lock held). */
  private waiters(addr: number, bitset: number): number[] {
    const w = this.w;
    const found: number[] = [];
    const high = w[HIGH]!;
    for (let s = 0; s < high; s++) {
      const b = HEADER + s * SLOT_WORDS;
      if (Atomics.load(w, b + S_STATE) === FutexSlot.WAITING && w[b + S_ADDR] === addr && (w[b + S_BITSET]! & bitset) !== 0) found.push(s);
    }
    return found.sort((a, b) => w[HEADER + a * SLOT_WORDS + S_ARRIVAL]! - w[HEADER + b * SLOT_WORDS + S_ARRIVAL]!);
  }

  private wakeSlot(s: number, state: number): void {
    const idx = HEADER + s * SLOT_WORDS + S_STATE;
    Atomics.store(this.w, idx, state);
    Atomics.notify(this.w, idx);
  }

  /** FUTEX_WAKE(_BITSET): wakes up to `n` waiters on `addr`; returns how many. */
  wake(addr: number, n: number, bitset = BITSET_MATCH_ANY, owner = 1): number {
    if (n <= 0) return 0;
    this.lock(owner);
    try {
      const ws = this.waiters(addr, bitset | 0).slice(0, n);
      for (const s of ws) this.wakeSlot(s, FutexSlot.WOKEN);
      return ws.length;
    } finally {
      this.unlock();
    }
  }

  /**
   * FUTEX_(CMP_)REQUEUE: with `cmp`, first checks the word at `addr` (-EAGAIN when it
   * changed); wakes up to `n` waiters on `addr` and moves up to `n2` more to `addr2`.
   * Returns woken + moved.
   */
  requeue(addr: number, n: number, n2: number, addr2: number, cmp: number | undefined, read: FutexWordReader, owner = 1): number {
    this.lock(owner);
    try {
      if (cmp !== undefined) {
        const cur = read(addr);
        if (cur === undefined) return -Errno.EFAULT;
        if (cur >>> 0 !== cmp >>> 0) return -Errno.EAGAIN;
      }
      const ws = this.waiters(addr, BITSET_MATCH_ANY | 0);
      const woken = ws.slice(0, Math.max(0, n));
      for (const s of woken) this.wakeSlot(s, FutexSlot.WOKEN);
      const moved = ws.slice(woken.length, woken.length + Math.max(0, n2));
      for (const s of moved) this.w[HEADER + s * SLOT_WORDS + S_ADDR] = addr2;
      return woken.length + moved.length;
    } finally {
      this.unlock();
    }
  }

  /** Ends thread `tid`'s waits with -EINTR (a signal for it, exit_group). Returns how many. */
  interrupt(tid: number): number {
    this.lock(tid);
    try {
      const w = this.w;
      const high = w[HIGH]!;
      let n = 0;
      for (let s = 0; s < high; s++) {
        const b = HEADER + s * SLOT_WORDS;
        if (Atomics.load(w, b + S_STATE) === FutexSlot.WAITING && w[b + S_OWNER] === tid) {
          this.wakeSlot(s, FutexSlot.INTERRUPTED);
          n++;
        }
      }
      return n;
    } finally {
      this.unlock();
    }
  }
}

/** A reader of futex words in a guest memory with page flags (`check(addr, end, PAGE_READ)`). */
export function futexWordReader(bytes: Uint8Array, lo: number, readable: (addr: number) => boolean): FutexWordReader {
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  return (addr) => {
    const o = addr - lo;
    if (o < 0 || o + 4 > bytes.length || (o & 3) !== 0 || !readable(addr)) return undefined;
    return Atomics.load(words, o >>> 2) >>> 0;
  };
}
