/**
 * Scheduling policy calls: sched_getscheduler, sched_setscheduler, sched_getparam,
 * sched_setparam, sched_get_priority_max / _min. wasmu runs guest threads as host threads
 * without real-time classes, so a policy set here is remembered (per thread, reported back
 * by the getters) and has no other effect; the argument checks and errors are Linux's
 * (EINVAL for a bad policy, priority or NULL param; ESRCH for an unknown thread).
 * sched_getaffinity and friends are in identity.ts.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { Thread } from "../process/process.js";
import { addr, int } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { get, putU32s } from "./guest-io.js";

/** Policies (linux/sched.h). */
export const SchedPolicy = { OTHER: 0, FIFO: 1, RR: 2, BATCH: 3, IDLE: 5, DEADLINE: 6 } as const;
/** SCHED_RESET_ON_FORK, or-ed into the policy of sched_setscheduler. */
const RESET_ON_FORK = 0x40000000;

interface Sched {
  readonly policy: number;
  readonly priority: number;
}

/** The policy of each thread that changed it (absent: SCHED_OTHER, priority 0). Kernel thread only. */
const policies = new WeakMap<Thread, Sched>();

/** The thread `pid` names (0: the caller), or undefined. */
function target(t: Thread, pid: number): Thread | undefined {
  if (pid === 0) return t;
  for (const p of t.proc.kernel.processes.values()) {
    const th = p.threads.get(pid);
    if (th !== undefined) return th;
  }
  return undefined;
}

function realtime(policy: number): boolean {
  return policy === SchedPolicy.FIFO || policy === SchedPolicy.RR;
}

function known(policy: number): boolean {
  return policy === SchedPolicy.OTHER || policy === SchedPolicy.BATCH || policy === SchedPolicy.IDLE || realtime(policy);
}

/** Sets `policy` (or keeps the current one when -1) with the priority at `param`. */
function set(t: Thread, pid: number, policy: number, param: number): number {
  if (pid < 0 || param === 0) return -Errno.EINVAL;
  const th = target(t, pid);
  const b = get(t, param, 4);
  if (typeof b === "number") return b;
  if (th === undefined) return -Errno.ESRCH;
  const cur = policies.get(th) ?? { policy: SchedPolicy.OTHER, priority: 0 };
  const pol = policy === -1 ? cur.policy : policy & ~RESET_ON_FORK;
  const prio = new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
  if (!known(pol)) return -Errno.EINVAL;
  if (realtime(pol) ? prio < 1 || prio > 99 : prio !== 0) return -Errno.EINVAL;
  if (realtime(pol) && t.proc.creds.euid !== 0) return -Errno.EPERM;
  policies.set(th, { policy: pol, priority: prio });
  return 0;
}

/** The scheduling-policy handlers. */
export const schedSyscalls: SyscallFamily = {
  sched_getscheduler: (t, a) => {
    const pid = int(a[0]);
    if (pid < 0) return -Errno.EINVAL;
    const th = target(t, pid);
    return th === undefined ? -Errno.ESRCH : policies.get(th)?.policy ?? SchedPolicy.OTHER;
  },
  sched_getparam: (t, a) => {
    const pid = int(a[0]);
    const param = addr(a[1]);
    if (pid < 0 || param === 0) return -Errno.EINVAL;
    const th = target(t, pid);
    if (th === undefined) return -Errno.ESRCH;
    return putU32s(t, param, policies.get(th)?.priority ?? 0);
  },
  sched_setscheduler: (t, a) => (int(a[1]) < 0 ? -Errno.EINVAL : set(t, int(a[0]), int(a[1]), addr(a[2]))),
  sched_setparam: (t, a) => set(t, int(a[0]), -1, addr(a[1])),
  sched_get_priority_max: (_t, a) => (realtime(int(a[0])) ? 99 : known(int(a[0])) || int(a[0]) === SchedPolicy.DEADLINE ? 0 : -Errno.EINVAL),
  sched_get_priority_min: (_t, a) => (realtime(int(a[0])) ? 1 : known(int(a[0])) || int(a[0]) === SchedPolicy.DEADLINE ? 0 : -Errno.EINVAL),
};
