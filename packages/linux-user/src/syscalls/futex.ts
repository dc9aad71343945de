/**
 * futex(2) for threads whose system calls run on the kernel thread: wait queues keyed by
 * (address space, address) with Promise-based waits, FUTEX_WAIT / WAKE, the BITSET
 * variants, REQUEUE and CMP_REQUEUE, relative (WAIT) and absolute (WAIT_BITSET) timeouts.
 * The process model (README.md) moves the uncontended paths into the vCPU workers
 * (Atomics.wait/notify on guest memory); the semantics stay these.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { AddressSpace } from "../mm/address-space.js";
import type { Thread } from "../process/process.js";
import { addr, decodeTimespec, int, uint } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { get } from "./guest-io.js";
import { clockNs, Clock } from "./time.js";

/** futex operations and flags. */
export const FutexOp = {
  WAIT: 0, WAKE: 1, FD: 2, REQUEUE: 3, CMP_REQUEUE: 4, WAKE_OP: 5, LOCK_PI: 6, UNLOCK_PI: 7, TRYLOCK_PI: 8,
  WAIT_BITSET: 9, WAKE_BITSET: 10, PRIVATE_FLAG: 128, CLOCK_REALTIME: 256,
} as const;

const BITSET_MATCH_ANY = 0xffff_ffff;

interface Waiter {
  readonly bitset: number;
  wake(result: number): void;
}

/** The futex wait queues of one kernel. */
const queues = new WeakMap<AddressSpace, Map<number, Waiter[]>>();

function queue(mm: AddressSpace, a: number): Waiter[] {
  let m = queues.get(mm);
  if (m === undefined) queues.set(mm, (m = new Map<number, Waiter[]>()));
  let q = m.get(a);
  if (q === undefined) m.set(a, (q = []));
  return q;
}

/** Wakes up to `n` waiters on `a` whose bitset intersects `bitset`; returns how many. */
export function futexWake(mm: AddressSpace, a: number, n: number, bitset = BITSET_MATCH_ANY): number {
  const q = queues.get(mm)?.get(a);
  if (q === undefined) return 0;
  let woken = 0;
  for (let i = 0; i < q.length && woken < n;) {
    const w = q[i]!;
    if ((w.bitset & bitset) === 0) {
      i++;
      continue;
    }
    q.splice(i, 1);
    w.wake(0);
    woken++;
  }
  return woken;
}

function wait(t: Thread, a: number, val: number, timeout: number, bitset: number, absolute: boolean, realtime: boolean): number | Promise<number> {
  if (bitset === 0) return -Errno.EINVAL;
  const cur = get(t, a, 4);
  if (typeof cur === "number") return cur;
  if (new DataView(cur.buffer).getUint32(0, true) !== val >>> 0) return -Errno.EAGAIN;
  let deadlineNs: bigint | undefined;
  if (timeout !== 0) {
    const b = get(t, timeout, 16);
    if (typeof b === "number") return b;
    const ns = decodeTimespec(b);
    if (ns === undefined) return -Errno.EINVAL;
    const now = clockNs(t, realtime ? Clock.REALTIME : Clock.MONOTONIC)!;
    deadlineNs = absolute ? ns - now : ns;
    if (deadlineNs <= 0n) return -Errno.ETIMEDOUT;
  }
  const q = queue(t.proc.mm, a);
  return new Promise<number>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const w: Waiter = {
      bitset,
      wake: (r) => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(r);
      },
    };
    q.push(w);
    if (deadlineNs !== undefined) {
      timer = setTimeout(() => {
        const i = q.indexOf(w);
        if (i >= 0) q.splice(i, 1);
        resolve(-Errno.ETIMEDOUT);
      }, Number(deadlineNs / 1_000_000n));
    }
  });
}

function requeue(t: Thread, a: number, n: number, n2: number, a2: number, cmp: number | undefined): number {
  if (cmp !== undefined) {
    const cur = get(t, a, 4);
    if (typeof cur === "number") return cur;
    if (new DataView(cur.buffer).getUint32(0, true) !== cmp >>> 0) return -Errno.EAGAIN;
  }
  const woken = futexWake(t.proc.mm, a, n);
  const from = queues.get(t.proc.mm)?.get(a) ?? [];
  const moved = from.splice(0, Math.min(from.length, n2));
  queue(t.proc.mm, a2).push(...moved);
  return woken + moved.length;
}

/** The futex handler. */
export const futexSyscalls: SyscallFamily = {
  futex: (t, a) => {
    const uaddr = addr(a[0]);
    const op = int(a[1]);
    if (uaddr < 0 || uaddr % 4 !== 0) return -Errno.EINVAL;
    const cmd = op & ~(FutexOp.PRIVATE_FLAG | FutexOp.CLOCK_REALTIME);
    const realtime = (op & FutexOp.CLOCK_REALTIME) !== 0;
    if (realtime && cmd !== FutexOp.WAIT && cmd !== FutexOp.WAIT_BITSET) return -Errno.ENOSYS;
    const val = uint(a[2]);
    switch (cmd) {
      case FutexOp.WAIT: return wait(t, uaddr, val, addr(a[3]), BITSET_MATCH_ANY, false, realtime);
      case FutexOp.WAIT_BITSET: return wait(t, uaddr, val, addr(a[3]), uint(a[5]), true, realtime);
      case FutexOp.WAKE: return futexWake(t.proc.mm, uaddr, Math.max(0, int(a[2])));
      case FutexOp.WAKE_BITSET: return uint(a[5]) === 0 ? -Errno.EINVAL : futexWake(t.proc.mm, uaddr, Math.max(0, int(a[2])), uint(a[5]));
      case FutexOp.REQUEUE: return requeue(t, uaddr, int(a[2]), int(a[3]), addr(a[4]), undefined);
      case FutexOp.CMP_REQUEUE: return requeue(t, uaddr, int(a[2]), int(a[3]), addr(a[4]), uint(a[5]));
      default: return -Errno.ENOSYS;
    }
  },
};
