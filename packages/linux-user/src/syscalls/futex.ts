/**
 * futex(2): FUTEX_WAIT / WAKE, the BITSET variants, REQUEUE and CMP_REQUEUE, relative
 * (WAIT) and absolute (WAIT_BITSET, CLOCK_REALTIME or MONOTONIC) timeouts, over the
 * address space's shared wait table (kernel-link/futex-table.ts). This handler is the
 * kernel thread's side: a wait is a Promise (`Atomics.waitAsync` on the waiter's slot).
 * vCPU workers run the same operations on the same table themselves, without a round trip
 * (run/vcpu-worker.ts); both meet in the table, so a worker's FUTEX_WAKE wakes a waiter
 * the kernel serves and the kernel's CLONE_CHILD_CLEARTID wake reaches a worker.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { BITSET_MATCH_ANY, FutexTable, futexWordReader, type FutexWordReader } from "../kernel-link/futex-table.js";
import type { AddressSpace } from "../mm/address-space.js";
import { PAGE_READ } from "../mm/page-flags.js";
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

/** The wait table of each address space (private futexes are per address space). */
const tables = new WeakMap<AddressSpace, { readonly table: FutexTable; readonly read: FutexWordReader }>();

function tableOf(mm: AddressSpace): { readonly table: FutexTable; readonly read: FutexWordReader } {
  let e = tables.get(mm);
  if (e === undefined) {
    const m = mm.memory;
    e = { table: new FutexTable(), read: futexWordReader(m.bytes, m.lo, (a) => mm.accessible(a, 4, PAGE_READ)) };
    tables.set(mm, e);
  }
  return e;
}

/** The futex wait table of address space `mm` (vCPU workers get its buffer). */
export function futexTableOf(mm: AddressSpace): FutexTable {
  return tableOf(mm).table;
}

/** Wakes up to `n` waiters on `a` whose bitset intersects `bitset`; returns how many. */
export function futexWake(mm: AddressSpace, a: number, n: number, bitset = BITSET_MATCH_ANY): number {
  return tableOf(mm).table.wake(a, n, bitset);
}

function wait(t: Thread, a: number, val: number, timeout: number, bitset: number, absolute: boolean, realtime: boolean): number | Promise<number> {
  if (bitset === 0) return -Errno.EINVAL;
  let ms = Infinity;
  if (timeout !== 0) {
    const b = get(t, timeout, 16);
    if (typeof b === "number") return b;
    const ns = decodeTimespec(b);
    if (ns === undefined) return -Errno.EINVAL;
    const now = clockNs(t, realtime ? Clock.REALTIME : Clock.MONOTONIC)!;
    const left = absolute ? ns - now : ns;
    ms = Number(left) / 1e6;
  }
  const { table, read } = tableOf(t.proc.mm);
  const slot = table.enqueue(a, val, bitset, t.tid, read);
  if (slot < 0) return slot;
  if (ms <= 0) return table.waitSync(slot, t.tid, 0);
  return table.waitAsync(slot, t.tid, ms);
}

function requeue(t: Thread, a: number, n: number, n2: number, a2: number, cmp: number | undefined): number {
  const { table, read } = tableOf(t.proc.mm);
  return table.requeue(a, n, n2, a2, cmp, read, t.tid);
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
      case FutexOp.WAKE: return futexWake(t.proc.mm, uaddr, int(a[2]));
      case FutexOp.WAKE_BITSET: return uint(a[5]) === 0 ? -Errno.EINVAL : futexWake(t.proc.mm, uaddr, int(a[2]), uint(a[5]));
      case FutexOp.REQUEUE: return requeue(t, uaddr, int(a[2]), int(a[3]), addr(a[4]), undefined);
      case FutexOp.CMP_REQUEUE: return requeue(t, uaddr, int(a[2]), int(a[3]), addr(a[4]), uint(a[5]));
      default: return -Errno.ENOSYS;
    }
  },
};
