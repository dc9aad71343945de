/**
 * Exclusive ("safe") work over shared memory, after QEMU's cpus-common.c:
 * start_exclusive / end_exclusive and the cpu_exec_start / cpu_exec_end brackets that
 * every vCPU puts around its execution of TBs. tb_flush runs between start_exclusive and
 * end_exclusive, when no vCPU is between cpu_exec_start and cpu_exec_end.
 *
 * Layout (words from `base`):
 *   0 LIST_LOCK    mutex (rank `cpuList`): QEMU's qemu_cpu_list_lock
 *   1 PENDING      pending_cpus: 0 = no exclusive section; during start_exclusive,
 *                  1 + number of vCPUs it still waits for
 *   2 EXCL_COND    condvar: "a waited-for vCPU left cpu_exec" (start_exclusive sleeps on it)
 *   3 RESUME_COND  condvar: "the exclusive section ended" (exclusive_idle sleeps on it)
 *   4 + 4v         vCPU v: RUNNING, HAS_WAITER, EXIT_REQUEST, ACTIVE
 *
 * Protection: PENDING and HAS_WAITER are written under LIST_LOCK; PENDING is also read
 * without it (the fast paths). RUNNING is written only by its vCPU, read by
 * start_exclusive. EXIT_REQUEST is set by anyone, cleared by its vCPU, and polled by the
 * vCPU between TBs (generated code reads the word at `TbContext.exitRequestAddress`).
 * ACTIVE marks vCPUs that exist (the CPU list).
 *
 * The handshake: a vCPU stores RUNNING = 1 then loads PENDING; start_exclusive stores
 * PENDING then loads every RUNNING. Both are sequentially consistent atomics, so at
 * least one side sees the other: either the vCPU sees the pending section and waits in
 * exclusive_idle, or start_exclusive counts it (HAS_WAITER), kicks it with EXIT_REQUEST,
 * and waits until its cpu_exec_end decrements PENDING to 1.
 *
 * Blocking: waits use Atomics.wait, so start_exclusive and vCPU loops must run on threads
 * that may block (workers), never on a browser main thread.
 */
import { condBroadcast, condWait, mutexLock, mutexUnlock } from "../sync/mutex.js";
import { LockClass } from "../sync/lock-checker.js";
import type { SyncThread } from "../sync/sync-thread.js";

const X_LOCK = 0;
const X_PENDING = 1;
const X_EXCL_COND = 2;
const X_RESUME_COND = 3;
const X_CPUS = 4;
const X_STRIDE = 4;
const C_RUNNING = 0;
const C_HAS_WAITER = 1;
const C_EXIT_REQUEST = 2;
const C_ACTIVE = 3;

/** Exclusive-work state of all vCPUs, as a view over shared memory. */
export class ExclusiveState {
  /**
   * @param words the word view.
   * @param base word index of the state.
   * @param vcpus number of vCPU slots.
   */
  constructor(
    readonly words: Int32Array,
    readonly base: number,
    readonly vcpus: number,
  ) {}

  /** Words needed for `vcpus` vCPUs. */
  static words(vcpus: number): number {
    return X_CPUS + vcpus * X_STRIDE;
  }

  private cpu(v: number, field: number): number {
    return this.base + X_CPUS + v * X_STRIDE + field;
  }

  private lock(thread: SyncThread): void {
    thread.checker?.acquire(LockClass.cpuList, 0);
    mutexLock(this.words, this.base + X_LOCK, thread.owner, thread.canBlock);
  }

  private unlock(thread: SyncThread): void {
    mutexUnlock(this.words, this.base + X_LOCK);
    thread.checker?.release(LockClass.cpuList, 0);
  }

  private waitOn(thread: SyncThread, cond: number): void {
    condWait(this.words, this.base + cond, this.words, this.base + X_LOCK, thread.owner);
  }

  /** Byte offset of vCPU `v`'s EXIT_REQUEST word from the start of the arena. */
  exitRequestByteOffset(v: number): number {
    return this.cpu(v, C_EXIT_REQUEST) * 4;
  }

  /** Adds vCPU `v` to the CPU list (cpu_list_add). */
  addCpu(thread: SyncThread, v: number): void {
    this.lock(thread);
    Atomics.store(this.words, this.cpu(v, C_ACTIVE), 1);
    this.unlock(thread);
  }

  /** Removes vCPU `v` from the CPU list (cpu_list_remove); it must not be running. */
  removeCpu(thread: SyncThread, v: number): void {
    this.lock(thread);
    Atomics.store(this.words, this.cpu(v, C_ACTIVE), 0);
    this.unlock(thread);
  }

  /**
   * Asks vCPU `v` to leave its TB loop at the next TB boundary (qemu_cpu_kick); also wakes
   * it if it sleeps on its EXIT_REQUEST word (a halted vCPU waiting for an interrupt).
   */
  kick(v: number): void {
    Atomics.store(this.words, this.cpu(v, C_EXIT_REQUEST), 1);
    Atomics.notify(this.words, this.cpu(v, C_EXIT_REQUEST));
  }

  /** Whether vCPU `v` has an exit request (polled between TBs). */
  exitRequested(v: number): boolean {
    return Atomics.load(this.words, this.cpu(v, C_EXIT_REQUEST)) !== 0;
  }

  /** Clears vCPU `v`'s exit request (by the vCPU itself, before handling it). */
  clearExitRequest(v: number): void {
    Atomics.store(this.words, this.cpu(v, C_EXIT_REQUEST), 0);
  }

  /** Whether vCPU `v` is between cpu_exec_start and cpu_exec_end. */
  isRunning(v: number): boolean {
    return Atomics.load(this.words, this.cpu(v, C_RUNNING)) !== 0;
  }

  /** Whether an exclusive section is pending or running. */
  get pending(): boolean {
    return Atomics.load(this.words, this.base + X_PENDING) !== 0;
  }

  /** Waits, with LIST_LOCK held, until no exclusive section is pending (exclusive_idle). */
  private idle(thread: SyncThread): void {
    while (Atomics.load(this.words, this.base + X_PENDING) !== 0) this.waitOn(thread, X_RESUME_COND);
  }

  /**
   * Stops every other vCPU between TBs and returns with none running (start_exclusive).
   * The caller must not itself be inside cpu_exec_start/cpu_exec_end, and holds no lock.
   */
  startExclusive(thread: SyncThread, self: number): void {
    thread.checker?.assertNoLocksHeld();
    const w = this.words;
    this.lock(thread);
    this.idle(thread);
    Atomics.store(w, this.base + X_PENDING, 1);
    let running = 0;
    for (let v = 0; v < this.vcpus; v++) {
      if (v === self || Atomics.load(w, this.cpu(v, C_ACTIVE)) === 0) continue;
      if (Atomics.load(w, this.cpu(v, C_RUNNING)) !== 0) {
        Atomics.store(w, this.cpu(v, C_HAS_WAITER), 1);
        running++;
        this.kick(v);
      }
    }
    Atomics.store(w, this.base + X_PENDING, running + 1);
    while (Atomics.load(w, this.base + X_PENDING) > 1) this.waitOn(thread, X_EXCL_COND);
    this.unlock(thread);
  }

  /** Ends the exclusive section and lets the vCPUs resume (end_exclusive). */
  endExclusive(thread: SyncThread): void {
    this.lock(thread);
    Atomics.store(this.words, this.base + X_PENDING, 0);
    condBroadcast(this.words, this.base + X_RESUME_COND);
    this.unlock(thread);
  }

  /** vCPU `v` starts executing TBs (cpu_exec_start); may wait for an exclusive section. */
  cpuExecStart(thread: SyncThread, v: number): void {
    const w = this.words;
    Atomics.store(w, this.cpu(v, C_RUNNING), 1);
    if (Atomics.load(w, this.base + X_PENDING) === 0) return;
    this.lock(thread);
    if (Atomics.load(w, this.cpu(v, C_HAS_WAITER)) === 0) {
      // Not counted by start_exclusive: step aside until the section ends.
      Atomics.store(w, this.cpu(v, C_RUNNING), 0);
      this.idle(thread);
      Atomics.store(w, this.cpu(v, C_RUNNING), 1);
    }
    // Else start_exclusive counted us and kicked us: we will see EXIT_REQUEST at the
    // next TB boundary and leave through cpu_exec_end.
    this.unlock(thread);
  }

  /** vCPU `v` stops executing TBs (cpu_exec_end); releases a waiting start_exclusive. */
  cpuExecEnd(thread: SyncThread, v: number): void {
    const w = this.words;
    Atomics.store(w, this.cpu(v, C_RUNNING), 0);
    if (Atomics.load(w, this.base + X_PENDING) === 0) return;
    this.lock(thread);
    if (Atomics.load(w, this.cpu(v, C_HAS_WAITER)) !== 0) {
      Atomics.store(w, this.cpu(v, C_HAS_WAITER), 0);
      const left = Atomics.sub(w, this.base + X_PENDING, 1) - 1;
      if (left === 1) condBroadcast(w, this.base + X_EXCL_COND);
    }
    this.unlock(thread);
  }

  /**
   * Runs `work` with every other vCPU stopped, from vCPU `self`'s loop between TBs
   * (QEMU queues it with async_safe_run_on_cpu and runs it from process_queued_cpu_work;
   * here the caller runs it in place). `self` must be inside cpu_exec_start.
   */
  runSafeWork<T>(thread: SyncThread, self: number, work: () => T): T {
    this.cpuExecEnd(thread, self);
    this.startExclusive(thread, self);
    try {
      return work();
    } finally {
      this.endExclusive(thread);
      this.cpuExecStart(thread, self);
    }
  }
}
