import { describe, expect, it } from "vitest";
import { LockChecker, LockClass, LockOrderError } from "../src/sync/lock-checker.js";
import { mutexLock, mutexTryLock, mutexUnlock, mutexOwner, MUTEX_WAITERS, mutexLockAsync } from "../src/sync/mutex.js";
import { spinLock, spinTryLock, spinUnlock, spinOwner } from "../src/sync/spinlock.js";
import { createSyncThread } from "../src/sync/sync-thread.js";
import { DEBUG_TCG, distModule, runWorkers, TORTURE_SCALE } from "./sync-workers.js";

// A broken protocol tends to hang rather than fail: give up well before vitest's 60 s.
const STRESS_TIMEOUT_MS = 30_000;

const stress = distModule("sync/testing/sync-stress.js");

describe("lock words (single thread)", () => {
  it("spinlock stores the owner and try-lock fails while held", () => {
    const w = new Int32Array(new SharedArrayBuffer(8));
    spinLock(w, 0, 7, true);
    expect(spinOwner(w, 0)).toBe(7);
    expect(spinTryLock(w, 0, 8)).toBe(false);
    spinUnlock(w, 0);
    expect(spinTryLock(w, 0, 8)).toBe(true);
  }, STRESS_TIMEOUT_MS);

  it("mutex keeps the owner apart from the waiters bit", () => {
    const w = new Int32Array(new SharedArrayBuffer(8));
    mutexLock(w, 0, 3, true);
    expect(mutexOwner(w, 0)).toBe(3);
    expect(mutexTryLock(w, 0, 4)).toBe(false);
    Atomics.or(w, 0, MUTEX_WAITERS);
    expect(mutexOwner(w, 0)).toBe(3);
    mutexUnlock(w, 0);
    expect(Atomics.load(w, 0)).toBe(0);
  }, STRESS_TIMEOUT_MS);

  it("mutexLockAsync waits without blocking the thread", async () => {
    const w = new Int32Array(new SharedArrayBuffer(8));
    mutexLock(w, 0, 1, true);
    let got = false;
    const p = mutexLockAsync(w, 0, 2).then(() => {
      got = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toBe(false);
    mutexUnlock(w, 0);
    await p;
    expect(got).toBe(true);
    expect(mutexOwner(w, 0)).toBe(2);
  }, STRESS_TIMEOUT_MS);
});

describe("LockChecker", () => {
  it("accepts the documented order and ascending pages", () => {
    const c = new LockChecker("t", "mmap");
    c.acquire(LockClass.mmap, 0);
    c.assertMemoryLock();
    c.acquire(LockClass.page, 3);
    c.acquire(LockClass.page, 9);
    c.assertPageLocked(9);
    c.acquire(LockClass.jmp, 1);
    c.release(LockClass.jmp, 1);
    c.acquire(LockClass.qhtBucket, 5);
    c.release(LockClass.qhtBucket, 5);
    c.release(LockClass.page, 9);
    c.release(LockClass.page, 3);
    c.assertNoPagesLocked();
    c.release(LockClass.mmap, 0);
    expect(() => c.assertNoLocksHeld()).not.toThrow();
    expect(c.heldCount).toBe(0);
  }, STRESS_TIMEOUT_MS);

  it("rejects descending pages, inversions, recursion and foreign releases", () => {
    const c = new LockChecker("t");
    c.acquire(LockClass.page, 5);
    expect(() => c.acquire(LockClass.page, 2)).toThrow(LockOrderError);
    expect(() => c.acquire(LockClass.page, 5)).toThrow(/recursive/);
    expect(() => c.acquire(LockClass.mmap, 0)).toThrow(/order/);
    expect(() => c.assertNoPagesLocked()).toThrow(LockOrderError);
    c.acquiredTry(LockClass.page, 2); // try-locks may go out of order
    expect(() => c.release(LockClass.jmp, 1)).toThrow(/not held/);
    c.release(LockClass.page, 2);
    c.acquire(LockClass.jmp, 1);
    expect(() => c.acquire(LockClass.jmp, 2)).toThrow(/order/); // one jmp_lock at a time
  }, STRESS_TIMEOUT_MS);

  it("assertMemoryLock follows the mode", () => {
    expect(() => new LockChecker("t", "mmap").assertMemoryLock()).toThrow(/mmap/);
    expect(() => new LockChecker("t", "tbLock").assertMemoryLock()).toThrow(/tbLock/);
    expect(() => new LockChecker("t", "none").assertMemoryLock()).not.toThrow();
  }, STRESS_TIMEOUT_MS);

  it("is absent unless enabled", () => {
    expect(createSyncThread(0).checker).toBeNull();
    expect(createSyncThread(0, { debug: true }).checker).toBeInstanceOf(LockChecker);
  }, STRESS_TIMEOUT_MS);
});

describe.each(["spin", "mutex"] as const)("%s lock under contention", (kind) => {
  it("keeps mutual exclusion across 4 workers", async () => {
    const buffer = new SharedArrayBuffer(64);
    const iterations = 40_000 * TORTURE_SCALE;
    const res = await runWorkers<number>(stress, "lockCounterWorker", 4, (index) => ({ buffer, index, iterations, kind, debug: DEBUG_TCG }));
    const w = new Int32Array(buffer);
    expect(res).toEqual([0, 0, 0, 0]);
    expect(w[1]).toBe(4 * iterations);
    expect(w[2]).toBe(4 * iterations);
    expect(w[0]).toBe(0);
  }, STRESS_TIMEOUT_MS);
});

describe("threads that may not block (browser main thread)", () => {
  it("mix with blocking threads on one mutex and one spinlock without losing wake-ups", async () => {
    for (const kind of ["mutex", "spin"] as const) {
      const buffer = new SharedArrayBuffer(64);
      const iterations = 20_000 * TORTURE_SCALE;
      const res = await runWorkers<number>(stress, "lockCounterWorker", 4, (index) => ({ buffer, index, iterations, kind, debug: DEBUG_TCG, noBlock: index < 2 }));
      expect(res).toEqual([0, 0, 0, 0]);
      expect(new Int32Array(buffer)[1]).toBe(4 * iterations);
    }
  }, STRESS_TIMEOUT_MS);
});

describe("seqlock", () => {
  it("never lets a reader validate a torn read", async () => {
    const buffer = new SharedArrayBuffer(4 * 64);
    const init = new Int32Array(buffer);
    for (let k = 0; k < 16; k++) init[8 + k] = k; // a consistent run before the first write
    const roles = ["writer", "writer", "reader", "reader"] as const;
    const res = await runWorkers<{ torn: number; retries: number; ops: number }>(stress, "seqlockWorker", 4, (index) => ({
      buffer,
      index,
      role: roles[index],
      iterations: roles[index] === "writer" ? 100_000 : 200_000,
      width: 16,
    }));
    for (const r of res) expect(r.torn).toBe(0);
    expect(res[2]!.ops + res[3]!.ops).toBe(400_000);
    expect(new Int32Array(buffer)[1]! % 2).toBe(0);
  }, STRESS_TIMEOUT_MS);
});

describe("condition variable", () => {
  it("hands a turn back and forth 2000 times", async () => {
    const buffer = new SharedArrayBuffer(64);
    const res = await runWorkers<number>(stress, "pingPongWorker", 2, (index) => ({ buffer, index, rounds: 2000 }));
    expect(res).toEqual([2000, 2000]);
    expect(new Int32Array(buffer)[2]).toBe(4000);
  }, STRESS_TIMEOUT_MS);
});
