/**
 * Time: clock_gettime, clock_getres, gettimeofday, nanosleep, clock_nanosleep, times.
 * Sleeping returns a Promise (the calling thread waits; nothing else does).
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { Thread } from "../process/process.js";
import { addr, decodeTimespec, encodeTimespec, encodeTimeval, int } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { get, put, putU32s, putU64s } from "./guest-io.js";
import { untilSignal } from "./sigwait.js";

/** Clock ids. */
export const Clock = {
  REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3, MONOTONIC_RAW: 4, REALTIME_COARSE: 5,
  MONOTONIC_COARSE: 6, BOOTTIME: 7, REALTIME_ALARM: 8, BOOTTIME_ALARM: 9, TAI: 11,
} as const;

/** Resolution of the coarse clocks: one tick at Debian riscv64's HZ=250. */
const COARSE_NS = 4_000_000n;
/** TAI - UTC since 2017. */
const TAI_OFFSET_NS = 37_000_000_000n;
const TIMER_ABSTIME = 1;

/** The time of clock `id` in ns, or undefined for an invalid clock. */
export function clockNs(t: Thread, id: number): bigint | undefined {
  const c = t.proc.kernel.clock;
  switch (id) {
    case Clock.REALTIME: case Clock.REALTIME_COARSE: case Clock.REALTIME_ALARM: return c.realtimeNs();
    case Clock.TAI: return c.realtimeNs() + TAI_OFFSET_NS;
    case Clock.MONOTONIC: case Clock.MONOTONIC_RAW: case Clock.MONOTONIC_COARSE: case Clock.BOOTTIME: case Clock.BOOTTIME_ALARM:
      return c.monotonicNs();
    case Clock.PROCESS_CPUTIME_ID: case Clock.THREAD_CPUTIME_ID: return c.cpuNs();
    default: return undefined;
  }
}

/** Reads a timespec argument: ns, or -EFAULT / -EINVAL. */
function timespecArg(t: Thread, a: number): bigint | number {
  const b = get(t, a, 16);
  if (typeof b === "number") return b;
  return decodeTimespec(b) ?? -Errno.EINVAL;
}

/** Sleeps for `ns` nanoseconds; 0 when done. */
/**
 * Sleeps `ns`; a handled signal ends the sleep with -EINTR (the time left written to `rem`
 * when given), SA_RESTART or not: nanosleep and clock_nanosleep are never restarted after
 * a handler (signal(7)).
 */
async function sleepFor(t: Thread, ns: bigint, rem = 0): Promise<number> {
  const clock = t.proc.kernel.clock;
  const end = clock.monotonicNs() + ns;
  for (;;) {
    const left = end - clock.monotonicNs();
    if (left <= 0n) return 0;
    if ((await untilSignal(t, clock.sleep(left))) !== "signal") continue;
    if (rem !== 0) {
      const w = put(t, rem, encodeTimespec(end - clock.monotonicNs() > 0n ? end - clock.monotonicNs() : 0n));
      if (w < 0) return w;
    }
    return -Errno.EINTR;
  }
}

/** The time handlers. */
export const timeSyscalls: SyscallFamily = {
  clock_gettime: (t, a) => {
    const ns = clockNs(t, int(a[0]));
    if (ns === undefined) return -Errno.EINVAL;
    return put(t, addr(a[1]), encodeTimespec(ns));
  },
  clock_getres: (t, a) => {
    const id = int(a[0]);
    if (clockNs(t, id) === undefined) return -Errno.EINVAL;
    if (addr(a[1]) === 0) return 0;
    const coarse = id === Clock.REALTIME_COARSE || id === Clock.MONOTONIC_COARSE;
    return put(t, addr(a[1]), encodeTimespec(coarse ? COARSE_NS : 1n));
  },
  gettimeofday: (t, a) => {
    const tv = addr(a[0]);
    const tz = addr(a[1]);
    if (tv !== 0) {
      const r = put(t, tv, encodeTimeval(t.proc.kernel.clock.realtimeNs()));
      if (r < 0) return r;
    }
    return tz !== 0 ? putU32s(t, tz, 0, 0) : 0;
  },
  nanosleep: (t, a) => {
    const ns = timespecArg(t, addr(a[0]));
    if (typeof ns === "number") return ns;
    return sleepFor(t, ns, addr(a[1]));
  },
  clock_nanosleep: (t, a) => {
    const id = int(a[0]);
    if (id === Clock.THREAD_CPUTIME_ID) return -Errno.EINVAL;
    const now = clockNs(t, id);
    if (now === undefined) return -Errno.EINVAL;
    const ns = timespecArg(t, addr(a[2]));
    if (typeof ns === "number") return ns;
    const abs = (int(a[1]) & TIMER_ABSTIME) !== 0;
    // clock_nanosleep returns the error instead of setting errno; rem only for relative sleeps.
    return sleepFor(t, abs ? ns - now : ns, abs ? 0 : addr(a[3]));
  },
  times: (t, a) => {
    const k = t.proc.kernel;
    const ticks = (k.clock.cpuNs() * 100n) / 1_000_000_000n;
    if (addr(a[0]) !== 0) {
      const r = putU64s(t, addr(a[0]), ticks, 0n, 0n, 0n);
      if (r < 0) return r;
    }
    return ((k.clock.monotonicNs() - k.bootNs) * 100n) / 1_000_000_000n;
  },
};
