/**
 * ppoll and pselect6 over the descriptors' readiness (OpenFile.pollState): ready
 * descriptors answer at once; otherwise the call waits for a change on any of them
 * (pipes), the timeout, or a handled signal (EINTR). The signal-mask argument is in force
 * during the call, with Linux's saved-mask rule for the handler of an interrupting signal.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { OpenFile } from "../fs/open-file.js";
import type { Thread } from "../process/process.js";
import { addr, int } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { get, getU64s, put, timeoutArg } from "./guest-io.js";
import { interruptWithMask, untilSignal } from "./sigwait.js";

/** poll event bits. */
export const Poll = { IN: 1, PRI: 2, OUT: 4, ERR: 8, HUP: 0x10, NVAL: 0x20, RDNORM: 0x40, RDBAND: 0x80, WRNORM: 0x100, WRBAND: 0x200 } as const;

/** revents for `events` of a file in `state` (POLLERR, POLLHUP and POLLNVAL are always reported). */
function revents(state: number, events: number): number {
  let r = state & (Poll.ERR | Poll.HUP);
  if ((state & Poll.IN) !== 0) r |= events & (Poll.IN | Poll.RDNORM);
  if ((state & Poll.OUT) !== 0) r |= events & (Poll.OUT | Poll.WRNORM);
  return r;
}

/** Runs `scan` until it reports readiness or the timeout passes; waits for changes of `files` in between. */
async function waitFor(t: Thread, files: readonly OpenFile[], timeout: bigint | undefined, scan: () => number): Promise<number> {
  const clock = t.proc.kernel.clock;
  const deadline = timeout === undefined ? undefined : clock.monotonicNs() + timeout;
  for (;;) {
    const n = scan();
    if (n !== 0) return n;
    const left = deadline === undefined ? undefined : deadline - clock.monotonicNs();
    if (left !== undefined && left <= 0n) return 0;
    const waits = files.map((f) => f.changed()).filter((p): p is Promise<void> => p !== undefined);
    if (left !== undefined) waits.push(clock.sleep(left));
    if (waits.length === 0) waits.push(new Promise<void>(() => {})); // nothing can change: only a signal ends the wait
    // A handled signal ends the wait (poll and select are never restarted after a handler).
    if ((await untilSignal(t, Promise.race(waits))) === "signal") return -Errno.EINTR;
  }
}

function ppoll(t: Thread, fdsPtr: number, nfds: number, tmo: number): number | Promise<number> {
  if (nfds < 0 || nfds > t.proc.files.limit) return -Errno.EINVAL;
  const raw = get(t, fdsPtr, nfds * 8);
  if (typeof raw === "number") return raw;
  const dv = new DataView(raw.buffer);
  const timeout = timeoutArg(t, tmo);
  if (typeof timeout === "number") return timeout;
  const files: OpenFile[] = [];
  for (let i = 0; i < nfds; i++) {
    const f = t.proc.files.get(dv.getInt32(i * 8, true));
    if (f !== undefined) files.push(f);
  }
  const scan = (): number => {
    let ready = 0;
    for (let i = 0; i < nfds; i++) {
      const fd = dv.getInt32(i * 8, true);
      const events = dv.getUint16(i * 8 + 4, true);
      let r = 0;
      if (fd >= 0) {
        const f = t.proc.files.get(fd);
        r = f === undefined ? Poll.NVAL : revents(f.pollState(), events);
      }
      dv.setUint16(i * 8 + 6, r, true);
      if (r !== 0) ready++;
    }
    return ready;
  };
  const finish = (n: number): number => {
    const w = put(t, fdsPtr, raw);
    return w < 0 ? w : n;
  };
  const first = scan();
  if (first !== 0 || timeout === 0n) return finish(first);
  return waitFor(t, files, timeout, scan).then(finish);
}

function pselect(t: Thread, nfds: number, rPtr: number, wPtr: number, ePtr: number, tmo: number): number | Promise<number> {
  if (nfds < 0 || nfds > t.proc.files.limit) return -Errno.EINVAL;
  const words = Math.ceil(nfds / 64);
  const sets: (bigint[] | undefined)[] = [];
  for (const p of [rPtr, wPtr, ePtr]) {
    if (p === 0) {
      sets.push(undefined);
      continue;
    }
    const v = getU64s(t, p, words);
    if (typeof v === "number") return v;
    sets.push(v);
  }
  for (let fd = 0; fd < nfds; fd++) {
    const bit = 1n << BigInt(fd % 64);
    const asked = sets.some((s) => s !== undefined && (s[fd >> 6]! & bit) !== 0n);
    if (asked && t.proc.files.get(fd) === undefined) return -Errno.EBADF;
  }
  const timeout = timeoutArg(t, tmo);
  if (typeof timeout === "number") return timeout;
  const out: bigint[][] = [[], [], []];
  const scan = (): number => {
    let n = 0;
    for (let k = 0; k < 3; k++) out[k] = new Array<bigint>(words).fill(0n);
    for (let fd = 0; fd < nfds; fd++) {
      const w = fd >> 6;
      const bit = 1n << BigInt(fd % 64);
      const f = t.proc.files.get(fd);
      if (f === undefined) continue;
      const st = f.pollState();
      const ready = [(st & (Poll.IN | Poll.HUP | Poll.ERR)) !== 0, (st & (Poll.OUT | Poll.ERR)) !== 0, false];
      for (let k = 0; k < 3; k++) {
        if (sets[k] !== undefined && (sets[k]![w]! & bit) !== 0n && ready[k]) {
          out[k]![w]! |= bit;
          n++;
        }
      }
    }
    return n;
  };
  const finish = (n: number): number => {
    const ptrs = [rPtr, wPtr, ePtr];
    for (let k = 0; k < 3; k++) {
      if (ptrs[k] === 0) continue;
      const r = put(t, ptrs[k]!, new Uint8Array(new BigUint64Array(out[k]!).buffer));
      if (r < 0) return r;
    }
    return n;
  };
  const files = Array.from({ length: nfds }, (_, fd) => t.proc.files.get(fd)).filter((f): f is OpenFile => f !== undefined);
  const first = scan();
  if (first !== 0 || timeout === 0n) return finish(first);
  return waitFor(t, files, timeout, scan).then(finish);
}

/** SIGKILL and SIGSTOP stay unblocked. */
const UNBLOCKABLE = (1n << 8n) | (1n << 18n);

/**
 * Runs `call` with the signal mask at `maskPtr` (sigset size `size`) in force, as ppoll and
 * pselect6 do: the caller's mask comes back afterwards; when a signal the temporary mask
 * lets through interrupts the wait, its handler runs with the temporary mask and its frame
 * saves the caller's (sigwait.ts, interruptWithMask).
 */
function withMask(t: Thread, maskPtr: number, size: bigint, call: () => number | Promise<number>): number | Promise<number> {
  if (maskPtr === 0) return call();
  if (BigInt.asUintN(64, size) !== 8n) return -Errno.EINVAL;
  const m = getU64s(t, maskPtr, 1);
  if (typeof m === "number") return m;
  const saved = t.sigmask;
  const temp = m[0]! & ~UNBLOCKABLE;
  t.sigmask = temp;
  const done = (n: number): number => {
    if (n === -Errno.EINTR) return interruptWithMask(t, temp, saved);
    t.sigmask = saved;
    return n;
  };
  const r = call();
  return typeof r === "number" ? done(r) : r.then(done);
}

/** The polling handlers. */
export const pollSyscalls: SyscallFamily = {
  ppoll: (t, a) => withMask(t, addr(a[3]), a[4], () => ppoll(t, addr(a[0]), int(a[1]), addr(a[2]))),
  pselect6: (t, a) => {
    let maskPtr = 0;
    let size = 8n;
    if (addr(a[5]) !== 0) {
      const v = getU64s(t, addr(a[5]), 2);
      if (typeof v === "number") return v;
      maskPtr = addr(v[0]!);
      size = v[1]!;
    }
    return withMask(t, maskPtr, size, () => pselect(t, int(a[0]), addr(a[1]), addr(a[2]), addr(a[3]), addr(a[4])));
  },
};
