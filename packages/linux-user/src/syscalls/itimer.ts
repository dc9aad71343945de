/**
 * Interval timers: setitimer and getitimer (glibc's alarm() is setitimer(ITIMER_REAL)).
 * ITIMER_REAL counts real time and sends SIGALRM to the process when it expires, then
 * again every interval; the host timer runs on the kernel thread's event loop (unref'd:
 * it never keeps Node alive by itself). The thread that set the timer receives the signal
 * (a process-directed signal may go to any thread that does not block it), and is kicked
 * so that a thread running guest code notices it. ITIMER_VIRTUAL and ITIMER_PROF would
 * count the process's CPU time, which wasmu does not measure per process: they are
 * accepted and report as set, but never fire (noted in README.md).
 *
 * The timers belong to the kernel thread; no lock.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { Process, Thread } from "../process/process.js";
import { addr, int } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { get, put } from "./guest-io.js";
import { signalSyscalls } from "./signals.js";

const ITIMER_REAL = 0;
const ITIMER_PROF = 2;
const SIGALRM = 14;
const US = 1_000_000n;

interface ITimer {
  /** Expiry on the monotonic clock (ns), 0 when disarmed. */
  deadline: bigint;
  /** Reload interval (ns), 0 for one shot. */
  interval: bigint;
  host: ReturnType<typeof setTimeout> | undefined;
}

/** The timers of each process, by ITIMER_* index. */
const timers = new WeakMap<Process, ITimer[]>();

function timersOf(p: Process): ITimer[] {
  let t = timers.get(p);
  if (t === undefined) {
    t = [0, 1, 2].map(() => ({ deadline: 0n, interval: 0n, host: undefined }));
    timers.set(p, t);
  }
  return t;
}

/** struct itimerval (two struct timeval) of (interval, value) ns. */
function encode(interval: bigint, value: bigint): Uint8Array {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  const us = (ns: bigint): bigint => (ns + 999n) / 1000n; // Linux rounds the remaining time up to a microsecond
  [us(interval), us(value)].forEach((x, i) => {
    v.setBigInt64(i * 16, x / US, true);
    v.setBigInt64(i * 16 + 8, x % US, true);
  });
  return b;
}

function arm(t: Thread, tm: ITimer): void {
  if (tm.host !== undefined) clearTimeout(tm.host);
  tm.host = undefined;
  if (tm.deadline === 0n) return;
  const clock = t.proc.kernel.clock;
  const ms = Number((tm.deadline - clock.monotonicNs() + 999_999n) / 1_000_000n);
  tm.host = setTimeout(() => {
    tm.host = undefined;
    const p = t.proc;
    if (p.kernel.processes.get(p.pid) !== p) return;
    const target = p.threads.has(t.tid) ? t : p.threads.values().next().value;
    if (target === undefined) return;
    tm.deadline = tm.interval > 0n ? clock.monotonicNs() + tm.interval : 0n;
    void signalSyscalls.tgkill!(target, [BigInt(p.pid), BigInt(target.tid), BigInt(SIGALRM), 0n, 0n, 0n]);
    p.threadHost?.kick(target);
    arm(target, tm);
  }, Math.max(0, ms));
  tm.host.unref();
}

/** The interval-timer handlers. */
export const itimerSyscalls: SyscallFamily = {
  getitimer: (t, a) => {
    const which = int(a[0]);
    if (which < ITIMER_REAL || which > ITIMER_PROF) return -Errno.EINVAL;
    const tm = timersOf(t.proc)[which]!;
    const left = tm.deadline === 0n ? 0n : tm.deadline - t.proc.kernel.clock.monotonicNs();
    return put(t, addr(a[1]), encode(tm.interval, left > 0n ? left : tm.deadline === 0n ? 0n : 1000n));
  },
  setitimer: (t, a) => {
    const which = int(a[0]);
    if (which < ITIMER_REAL || which > ITIMER_PROF) return -Errno.EINVAL;
    const tm = timersOf(t.proc)[which]!;
    let next: { interval: bigint; value: bigint } | undefined;
    if (addr(a[1]) !== 0) {
      const b = get(t, addr(a[1]), 32);
      if (typeof b === "number") return b;
      const v = new DataView(b.buffer, b.byteOffset, 32);
      const [is, ius, vs, vus] = [v.getBigInt64(0, true), v.getBigInt64(8, true), v.getBigInt64(16, true), v.getBigInt64(24, true)];
      if (ius < 0n || ius >= US || vus < 0n || vus >= US || is < 0n || vs < 0n) return -Errno.EINVAL;
      next = { interval: (is * US + ius) * 1000n, value: (vs * US + vus) * 1000n };
    }
    if (addr(a[2]) !== 0) {
      const left = tm.deadline === 0n ? 0n : tm.deadline - t.proc.kernel.clock.monotonicNs();
      const r = put(t, addr(a[2]), encode(tm.interval, left > 0n ? left : tm.deadline === 0n ? 0n : 1000n));
      if (r < 0) return r;
    }
    if (next !== undefined) {
      tm.interval = next.interval;
      tm.deadline = next.value === 0n ? 0n : t.proc.kernel.clock.monotonicNs() + next.value;
      if (which === ITIMER_REAL) arm(t, tm);
    }
    return 0;
  },
};
