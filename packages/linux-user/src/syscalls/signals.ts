/**
 * Signal state that needs no delivery yet: rt_sigprocmask (per thread) and rt_sigaction
 * (per process), with Linux's checks; kill, tkill and tgkill to the calling process, where
 * a signal whose disposition is the default ends the process (or is ignored) as Linux's
 * default action would. Delivery to handlers, the riscv64 signal frame and rt_sigreturn
 * come with the signal work of issue 4.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { addr, int } from "./abi.js";
import type { Thread } from "../process/process.js";
import type { SyscallFamily } from "./dispatch.js";
import { getU64s, putU64s } from "./guest-io.js";

/** Signal numbers wasmu needs by name. */
export const Sig = { SIGKILL: 9, SIGSTOP: 19, NSIG: 64 } as const;
const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
const UNBLOCKABLE = (1n << BigInt(Sig.SIGKILL - 1)) | (1n << BigInt(Sig.SIGSTOP - 1));

/** Signals whose default action is to ignore them (SIGCHLD, SIGCONT, SIGURG, SIGWINCH; the stop signals, without job control). */
const DEFAULT_IGNORED = new Set([17, 18, 19, 20, 21, 22, 23, 28]);

/** Sends `sig` to the calling process: the default action, or nothing when ignored; handlers are not run yet. */
function sendToSelf(t: Thread, sig: number): number {
  if (sig < 0 || sig > Sig.NSIG) return -Errno.EINVAL;
  if (sig === 0) return 0;
  const act = t.proc.sigactions.get(sig);
  const handler = act?.handler ?? 0n;
  if (handler === 1n || (handler === 0n && DEFAULT_IGNORED.has(sig))) return 0;
  if (handler !== 0n) {
    t.proc.kernel.warnOnce(`signal-handler:${sig}`, `wasmu: signal ${sig} has a handler; delivery to handlers is not implemented yet (ignored)`);
    return 0;
  }
  t.exit = { status: 128 + sig, group: true, signal: sig };
  return 0;
}

/** Whether `pid` names the calling process (0 and -pgid included). */
function isSelf(t: Thread, pid: number): boolean {
  return pid === 0 || pid === t.proc.pid || pid === -1 || pid === -t.proc.pgid;
}

/** The signal-state handlers. */
export const signalSyscalls: SyscallFamily = {
  rt_sigprocmask: (t, a) => {
    if (Number(BigInt.asUintN(64, a[3])) !== 8) return -Errno.EINVAL;
    const how = int(a[0]);
    const set = addr(a[1]);
    const old = addr(a[2]);
    let next: bigint | undefined;
    if (set !== 0) {
      const v = getU64s(t, set, 1);
      if (typeof v === "number") return v;
      const s = v[0]!;
      if (how === SIG_BLOCK) next = t.sigmask | s;
      else if (how === SIG_UNBLOCK) next = t.sigmask & ~s;
      else if (how === SIG_SETMASK) next = s;
      else return -Errno.EINVAL;
    }
    if (old !== 0) {
      const r = putU64s(t, old, t.sigmask);
      if (r < 0) return r;
    }
    if (next !== undefined) t.sigmask = next & ~UNBLOCKABLE;
    return 0;
  },
  kill: (t, a) => (isSelf(t, int(a[0])) ? sendToSelf(t, int(a[1])) : -Errno.ESRCH),
  tkill: (t, a) => (t.proc.threads.has(int(a[0])) ? sendToSelf(t, int(a[1])) : int(a[0]) <= 0 ? -Errno.EINVAL : -Errno.ESRCH),
  tgkill: (t, a) => {
    if (int(a[0]) <= 0 || int(a[1]) <= 0) return -Errno.EINVAL;
    return int(a[0]) === t.proc.pid && t.proc.threads.has(int(a[1])) ? sendToSelf(t, int(a[2])) : -Errno.ESRCH;
  },
  rt_sigaction: (t, a) => {
    if (Number(BigInt.asUintN(64, a[3])) !== 8) return -Errno.EINVAL;
    const sig = int(a[0]);
    const act = addr(a[1]);
    const oact = addr(a[2]);
    if (sig < 1 || sig > Sig.NSIG) return -Errno.EINVAL;
    if (act !== 0 && (sig === Sig.SIGKILL || sig === Sig.SIGSTOP)) return -Errno.EINVAL;
    let next;
    if (act !== 0) {
      const v = getU64s(t, act, 3);
      if (typeof v === "number") return v;
      next = { handler: v[0]!, flags: v[1]!, mask: v[2]! & ~UNBLOCKABLE };
    }
    if (oact !== 0) {
      const cur = t.proc.sigactions.get(sig) ?? { handler: 0n, flags: 0n, mask: 0n };
      const r = putU64s(t, oact, cur.handler, cur.flags, cur.mask);
      if (r < 0) return r;
    }
    if (next !== undefined) t.proc.sigactions.set(sig, next);
    return 0;
  },
};
