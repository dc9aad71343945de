/**
 * timerfd_create, timerfd_settime, timerfd_gettime (struct itimerspec: it_interval then
 * it_value, two timespecs).
 *
 * @module
 */
import { Errno } from "../errno.js";
import { TimerFd } from "../fs/timerfd.js";
import { addr, decodeTimespec, encodeTimespec, int, O, uint } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { get, put } from "./guest-io.js";
import { Clock, clockNs } from "./time.js";

const TFD_TIMER_ABSTIME = 1;
const TFD_TIMER_CANCEL_ON_SET = 2;

/** The timerfd handlers. */
export const timerfdSyscalls: SyscallFamily = {
  timerfd_create: (t, a) => {
    const clock = int(a[0]);
    const flags = uint(a[1]);
    if ((flags & ~(O.CLOEXEC | O.NONBLOCK)) !== 0) return -Errno.EINVAL;
    const clocks: number[] = [Clock.REALTIME, Clock.MONOTONIC, Clock.BOOTTIME, Clock.REALTIME_ALARM, Clock.BOOTTIME_ALARM];
    if (!clocks.includes(clock)) return -Errno.EINVAL;
    return t.proc.files.install(new TimerFd(() => clockNs(t, clock)!, flags), (flags & O.CLOEXEC) !== 0);
  },
  timerfd_settime: (t, a) => {
    const f = t.proc.files.get(int(a[0]));
    if (f === undefined) return -Errno.EBADF;
    if (!(f instanceof TimerFd)) return -Errno.EINVAL;
    const flags = uint(a[1]);
    if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) !== 0) return -Errno.EINVAL;
    const b = get(t, addr(a[2]), 32);
    if (typeof b === "number") return b;
    const interval = decodeTimespec(b.subarray(0, 16));
    const value = decodeTimespec(b.subarray(16, 32));
    if (interval === undefined || value === undefined) return -Errno.EINVAL;
    if (addr(a[3]) !== 0) {
      const r = put(t, addr(a[3]), current(f));
      if (r < 0) return r;
    }
    const now = f.nextNs === 0n && value === 0n ? 0n : f.now();
    f.arm(value === 0n ? 0n : (flags & TFD_TIMER_ABSTIME) !== 0 ? value : now + value, interval);
    return 0;
  },
  timerfd_gettime: (t, a) => {
    const f = t.proc.files.get(int(a[0]));
    if (f === undefined) return -Errno.EBADF;
    if (!(f instanceof TimerFd)) return -Errno.EINVAL;
    return put(t, addr(a[1]), current(f));
  },
};

/** The itimerspec of a timer: its interval and the time left. */
function current(f: TimerFd): Uint8Array {
  const b = new Uint8Array(32);
  b.set(encodeTimespec(f.intervalNs), 0);
  const left = f.nextNs === 0n ? 0n : f.nextNs - f.now();
  b.set(encodeTimespec(left > 0n ? left : 1n), 16);
  if (f.nextNs === 0n) b.fill(0, 16);
  return b;
}
