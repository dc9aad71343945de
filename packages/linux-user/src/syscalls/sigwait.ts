/**
 * Waiting for signals: rt_sigpending, rt_sigtimedwait and rt_sigsuspend, and the helpers
 * the blocking calls use to notice that a signal arrived while they wait
 * ({@link signalArrival}, {@link untilSignal}, {@link interruptibleIo}: EINTR, and
 * {@link afterInterruption}: SA_RESTART).
 *
 * A thread's pending signals are `Thread.pending` (signals.ts queues them, the runner
 * delivers them when a call returns). A waiting call watches that list: a check every
 * {@link SIGNAL_POLL_MS} ms on the kernel thread while the call waits, so that this file
 * needs no hook in the sending side; the delay before EINTR is at most that period.
 *
 * rt_sigsuspend and the masks of ppoll/pselect6 follow Linux's saved-mask rule: the
 * temporary mask decides which signal ends the wait and is in force while its handler runs,
 * and the mask saved in the handler's frame (restored by rt_sigreturn) is the caller's
 * original one. The call delivers that signal itself (registers as after the call: a0 =
 * -EINTR, pc past the ecall), then patches the frame's uc_sigmask.
 *
 * @module
 */
import { Errno } from "../errno.js";
import type { Thread } from "../process/process.js";
import type { OpenFile } from "../fs/open-file.js";
import { deliverSignal, Sa, sigBit } from "../signals/deliver.js";
import { encodeSigframe, type SigInfo, UC_OFFSET, Uc } from "../signals/frame.js";
import { addr, O } from "./abi.js";
import type { SyscallFamily, SyscallReturn } from "./dispatch.js";
import { getU64s, put, putU64s, timeoutArg } from "./guest-io.js";
import { signalSyscalls } from "./signals.js";

/** How often a waiting call looks at its thread's pending signals. */
export const SIGNAL_POLL_MS = 2;
/** SIGKILL and SIGSTOP: never blocked, never waited for. */
const UNBLOCKABLE = sigBit(9) | sigBit(19);

/** The index in `t.pending` of the first signal `mask` does not block, or -1. */
function firstUnblocked(t: Thread, mask: bigint): number {
  return t.pending.findIndex((s) => (mask & sigBit(s.signo)) === 0n);
}

/**
 * A wait that ends when thread `t` has a pending signal that `mask` does not block (then
 * "signal"), when `timeoutNs` passes ("timeout"), or when `cancel` is called ("cancelled").
 */
export function signalArrival(t: Thread, mask: bigint, timeoutNs?: bigint): { readonly done: Promise<"signal" | "timeout" | "cancelled">; cancel(): void } {
  const clock = t.proc.kernel.clock;
  const deadline = timeoutNs === undefined ? undefined : clock.monotonicNs() + timeoutNs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle: (r: "signal" | "timeout" | "cancelled") => void = () => {};
  const done = new Promise<"signal" | "timeout" | "cancelled">((resolve) => {
    settle = (r) => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      settle = () => {};
      resolve(r);
    };
    const check = (): void => {
      if (firstUnblocked(t, mask) >= 0 || t.exit !== undefined) return settle("signal");
      if (deadline !== undefined && clock.monotonicNs() >= deadline) return settle("timeout");
      timer = setTimeout(check, SIGNAL_POLL_MS);
    };
    check();
  });
  return { done, cancel: () => settle("cancelled") };
}

/** The 128 bytes of the siginfo of `info`. */
function siginfoBytes(info: SigInfo): Uint8Array {
  const regs = { pc: 0n, x: new Array<bigint>(32).fill(0n), f: new Array<bigint>(32).fill(0n), fcsr: 0 };
  return encodeSigframe(info, regs, 0n, { sp: 0, flags: 0, size: 0 }).slice(0, 128);
}

/**
 * Ends a call that a signal interrupted while `temp` was the mask: delivers the first
 * pending signal `temp` does not block with `temp` in force and `saved` in its frame, the
 * registers as after the call returned -EINTR. Returns -EINTR (or nothing to deliver: the
 * caller's mask is just restored).
 */
export function interruptWithMask(t: Thread, temp: bigint, saved: bigint): number {
  const i = firstUnblocked(t, temp);
  const cpu = t.cpu;
  if (i < 0 || cpu === undefined) {
    t.sigmask = saved;
    return -Errno.EINTR;
  }
  const info = t.pending.splice(i, 1)[0]!;
  const regs = cpu.read();
  regs.x[10] = BigInt.asUintN(64, BigInt(-Errno.EINTR));
  regs.pc += 4n;
  cpu.write(regs);
  t.sigmask = temp;
  const d = deliverSignal(t, info);
  if (d === "handled") {
    const frame = Number(BigInt.asUintN(53, cpu.read().x[11]!));
    putU64s(t, frame + UC_OFFSET + Uc.SIGMASK, saved);
  } else {
    t.sigmask = saved;
    // A stop: the runner stops the process after the call (job control).
    if (typeof d === "object") {
      if ("stop" in d) t.pending.unshift(info);
      else t.exit = { status: 128 + d.kill, group: true, signal: d.kill };
    }
  }
  // The registers are final: the runner must not write a0 or advance the pc.
  t.sigreturned = true;
  return -Errno.EINTR;
}

function maskArg(t: Thread, ptr: number, size: bigint): bigint | number {
  if (BigInt.asUintN(64, size) !== 8n) return -Errno.EINVAL;
  const v = getU64s(t, ptr, 1);
  return typeof v === "number" ? v : v[0]!;
}

/** The signal-waiting handlers. */
export const sigwaitSyscalls: SyscallFamily = {
  rt_sigpending: (t, a) => {
    if (BigInt.asUintN(64, a[1]) > 8n) return -Errno.EINVAL;
    let set = 0n;
    for (const s of t.pending) set |= sigBit(s.signo);
    return putU64s(t, addr(a[0]), set & t.sigmask);
  },
  rt_sigtimedwait: (t, a) => {
    const set = maskArg(t, addr(a[0]), a[3]);
    if (typeof set === "number") return set;
    const wanted = set & ~UNBLOCKABLE;
    const infoPtr = addr(a[1]);
    const timeout = timeoutArg(t, addr(a[2]));
    if (typeof timeout === "number") return timeout;
    const take = (): number | undefined => {
      const i = t.pending.findIndex((s) => (wanted & sigBit(s.signo)) !== 0n);
      if (i < 0) return undefined;
      const info = t.pending.splice(i, 1)[0]!;
      if (infoPtr !== 0) {
        const r = put(t, infoPtr, siginfoBytes(info));
        if (r < 0) return r;
      }
      return info.signo;
    };
    const now = take();
    if (now !== undefined) return now;
    if (timeout === 0n) return -Errno.EAGAIN;
    // The awaited signals count as unblocked for the wait (Linux's real_blocked).
    const w = signalArrival(t, t.sigmask & ~wanted, timeout);
    return w.done.then((why) => {
      if (why === "timeout") return take() ?? -Errno.EAGAIN;
      return take() ?? -Errno.EINTR;
    });
  },
  rt_sigsuspend: (t, a) => {
    const temp = maskArg(t, addr(a[0]), a[1]);
    if (typeof temp === "number") return temp;
    const mask = temp & ~UNBLOCKABLE;
    const saved = t.sigmask;
    t.sigmask = mask;
    return signalArrival(t, mask).done.then(() => interruptWithMask(t, mask, saved));
  },
};

/**
 * What becomes of a call that a signal interrupted (it returned -ERESTARTSYS), decided
 * when the call returns, as Linux's signal delivery does: "eintr" when the first signal
 * about to be delivered has a handler without SA_RESTART; otherwise "restart" (its
 * handler has SA_RESTART, or no signal can be delivered now): the runner then leaves the
 * pc on the ecall, so the call runs again once the handler has returned.
 */
export function afterInterruption(t: Thread): "restart" | "eintr" {
  const i = firstUnblocked(t, t.sigmask);
  if (i < 0) return "restart";
  const act = t.proc.sigactions.get(t.pending[i]!.signo);
  return act !== undefined && act.handler > 1n && (act.flags & BigInt(Sa.RESTART)) === 0n ? "eintr" : "restart";
}

/**
 * Waits for `wait` unless a signal the thread's mask lets through arrives first: the
 * value, or "signal". (An ignored signal is never queued, a default-action one ends the
 * process when sent, so a queued one has a handler: EINTR is the caller's answer.)
 */
export async function untilSignal<T>(t: Thread, wait: Promise<T>): Promise<{ readonly value: T } | "signal"> {
  const s = signalArrival(t, t.sigmask);
  const r = await Promise.race([wait.then((value) => ({ value })), s.done]);
  s.cancel();
  return typeof r === "object" ? r : "signal";
}

/**
 * A read-like operation on a description that can wait ({@link OpenFile.mayBlock}: a pipe,
 * a socket, the host's stdin on a terminal or pipe) made
 * interruptible, as Linux's: `attempt` runs with O_NONBLOCK set on the description; while
 * it answers -EAGAIN the call waits for the description to change, and a handled signal
 * ends the wait with -ERESTARTSYS: the handler runs at once, then the call runs again if
 * the handler has SA_RESTART, or fails with EINTR ({@link afterInterruption}).
 * A description that is non-blocking itself, or that cannot wait, gets `attempt` as is.
 * `timeoutNs` (a socket's SO_RCVTIMEO) bounds the wait: then -EAGAIN; such a wait is
 * never restarted (-EINTR), as Linux's sock_intr_errno.
 */
export function interruptibleIo<R>(t: Thread, f: OpenFile, attempt: () => R | number | Promise<R | number>, timeoutNs = 0n): R | number | Promise<R | number> {
  if ((f.flags & O.NONBLOCK) !== 0 || !f.mayBlock) return attempt();
  const once = (): R | number | Promise<R | number> => {
    f.flags |= O.NONBLOCK;
    try {
      return attempt();
    } finally {
      f.flags &= ~O.NONBLOCK;
    }
  };
  const first = once();
  if (first !== -Errno.EAGAIN) return first;
  const clock = t.proc.kernel.clock;
  const deadline = timeoutNs > 0n ? clock.monotonicNs() + timeoutNs : undefined;
  const loop = async (): Promise<R | number> => {
    for (;;) {
      let changed = f.changed() ?? new Promise<void>(() => {});
      if (deadline !== undefined) {
        // SO_RCVTIMEO: the wait ends with EAGAIN when the time is up.
        const left = deadline - clock.monotonicNs();
        if (left <= 0n) return -Errno.EAGAIN;
        changed = Promise.race([changed, clock.sleep(left)]);
      }
      if ((await untilSignal(t, changed)) === "signal") {
        // Decided here already (and again by the runner), so -strace shows what the guest gets.
        return deadline === undefined && afterInterruption(t) === "restart" ? -Errno.ERESTARTSYS : -Errno.EINTR;
      }
      const r = await once();
      if (r !== -Errno.EAGAIN) return r;
    }
  };
  return loop();
}

/** SIGPIPE. */
const SIGPIPE = 13;

/**
 * A write that failed with EPIPE (no reader left) also sends SIGPIPE to the writing
 * thread, as Linux's pipe_write and sk_stream_error do (sockets skip it with
 * MSG_NOSIGNAL): by default the process dies of it (status 141); a handler runs when the
 * call returns; ignored, the caller just sees EPIPE.
 */
export function withSigpipe(t: Thread, r: SyscallReturn): SyscallReturn {
  const check = (v: number | bigint): number | bigint => {
    // send_sig(SIGPIPE, current, 0): to this thread, with si_code SI_USER (what kill on oneself gives), not tkill's SI_TKILL.
    if (v === -Errno.EPIPE || v === BigInt(-Errno.EPIPE)) void signalSyscalls.kill!(t, [BigInt(t.proc.pid), BigInt(SIGPIPE), 0n, 0n, 0n, 0n]);
    return v;
  };
  return r instanceof Promise ? r.then(check) : check(r);
}
