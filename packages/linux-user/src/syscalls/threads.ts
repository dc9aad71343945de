/**
 * Threads: clone with CLONE_THREAD (through the process's ThreadHost, i.e. the runner),
 * set_tid_address, set_robust_list, get_robust_list, sched_yield, and exit / exit_group,
 * which only record the request (`thread.exit`); the runner stops the thread or the
 * process after the call returns.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { addr, int } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { putU64s } from "./guest-io.js";

/** clone flags. */
export const Clone = {
  VM: 0x100, FS: 0x200, FILES: 0x400, SIGHAND: 0x800, PIDFD: 0x1000, PTRACE: 0x2000, VFORK: 0x4000, PARENT: 0x8000,
  THREAD: 0x10000, NEWNS: 0x20000, SYSVSEM: 0x40000, SETTLS: 0x80000, PARENT_SETTID: 0x100000, CHILD_CLEARTID: 0x200000,
  DETACHED: 0x400000, UNTRACED: 0x800000, CHILD_SETTID: 0x1000000,
} as const;

/** sizeof(struct robust_list_head) on 64-bit. */
const ROBUST_LIST_HEAD_SIZE = 24;

/** The thread handlers. */
export const threadSyscalls: SyscallFamily = {
  set_tid_address: (t, a) => {
    t.clearChildTid = addr(a[0]);
    return t.tid;
  },
  set_robust_list: (t, a) => {
    if (Number(BigInt.asUintN(64, a[1])) !== ROBUST_LIST_HEAD_SIZE) return -Errno.EINVAL;
    t.robustList = { head: addr(a[0]), len: ROBUST_LIST_HEAD_SIZE };
    return 0;
  },
  get_robust_list: (t, a) => {
    const tid = int(a[0]);
    const target = tid === 0 ? t : t.proc.threads.get(tid);
    if (target === undefined) return -Errno.ESRCH;
    return putU64s(t, addr(a[1]), BigInt(target.robustList.head)) || putU64s(t, addr(a[2]), BigInt(target.robustList.len));
  },
  sched_yield: () => 0,
  exit: (t, a) => {
    t.exit = { status: int(a[0]) & 0xff, group: false };
    return 0;
  },
  exit_group: (t, a) => {
    t.exit = { status: int(a[0]) & 0xff, group: true };
    return 0;
  },
};
