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
import { DEFAULT_IGNORED, sigBit, Ss, STOP_SIGNALS } from "../signals/deliver.js";
import { decodeSigframe, RT_SIGFRAME_SIZE } from "../signals/frame.js";
import type { SyscallFamily } from "./dispatch.js";
import { get, getU64s, put, putU64s } from "./guest-io.js";

/** Signal numbers wasmu needs by name. */
export const Sig = { SIGKILL: 9, SIGSTOP: 19, NSIG: 64 } as const;
/** si_code of kill (SI_USER) and tkill/tgkill (SI_TKILL). */
const SI_USER = 0;
const SI_TKILL = -6;
/** Linux's MINSIGSTKSZ for riscv64. */
const MINSIGSTKSZ = 2048;
const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
const UNBLOCKABLE = (1n << BigInt(Sig.SIGKILL - 1)) | (1n << BigInt(Sig.SIGSTOP - 1));

/**
 * Sends `sig` from thread `t` to `target` (a thread of the same process): nothing for
 * signal 0 or an ignored one, a pending signal for a handler or a blocked signal (the
 * runner delivers it when the target next leaves a system call), the default action
 * (ending the process) otherwise. Another thread is kicked through the process's
 * ThreadHost (its vCPU may be running in a worker).
 */
function sendToSelf(t: Thread, sig: number, code: number, target: Thread = t): number {
  if (sig < 0 || sig > Sig.NSIG) return -Errno.EINVAL;
  if (sig === 0) return 0;
  const handler = t.proc.sigactions.get(sig)?.handler ?? 0n;
  if (sig !== 19 && (handler === 1n || (handler === 0n && DEFAULT_IGNORED.has(sig)))) return 0;
  const blocked = (target.sigmask & sigBit(sig)) !== 0n;
  // A stop signal's default action (job control) is taken by the runner when it delivers it.
  if (handler !== 0n || blocked || STOP_SIGNALS.has(sig)) {
    target.pending.push({ signo: sig, code, pid: t.proc.pid, uid: t.proc.creds.uid });
    // A thread running elsewhere (a vCPU worker) takes it at its next loop exit.
    if (!blocked && target !== t) t.proc.threadHost?.kick(target);
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
  kill: (t, a) => {
    const pid = int(a[0]);
    const sig = int(a[1]);
    if (sig < 0 || sig > Sig.NSIG) return -Errno.EINVAL;
    if (pid === -0x8000_0000) return -Errno.ESRCH;
    // Other guest processes through the kernel (a pid, a group, or all: -1); the caller itself as before.
    const targets = t.proc.kernel.killTargets(t.proc, pid);
    if (targets.length === 0) return isSelf(t, pid) ? sendToSelf(t, sig, SI_USER) : -Errno.ESRCH;
    for (const p of targets) {
      if (p !== t.proc) t.proc.kernel.signalProcess(p, { signo: sig, code: SI_USER, pid: t.proc.pid, uid: t.proc.creds.uid });
    }
    return targets.includes(t.proc) ? sendToSelf(t, sig, SI_USER) : 0;
  },
  tkill: (t, a) => {
    const target = t.proc.threads.get(int(a[0]));
    return target !== undefined ? sendToSelf(t, int(a[1]), SI_TKILL, target) : int(a[0]) <= 0 ? -Errno.EINVAL : -Errno.ESRCH;
  },
  tgkill: (t, a) => {
    if (int(a[0]) <= 0 || int(a[1]) <= 0) return -Errno.EINVAL;
    const target = int(a[0]) === t.proc.pid ? t.proc.threads.get(int(a[1])) : undefined;
    return target !== undefined ? sendToSelf(t, int(a[2]), SI_TKILL, target) : -Errno.ESRCH;
  },
  rt_sigreturn: (t) => {
    const cpu = t.cpu;
    if (cpu === undefined) return -Errno.ENOSYS;
    const sp = Number(BigInt.asUintN(53, cpu.read().x[2]!));
    const b = get(t, sp, RT_SIGFRAME_SIZE);
    if (typeof b === "number") {
      t.exit = { status: 128 + 11, group: true, signal: 11 };
      return 0;
    }
    const { regs, mask } = decodeSigframe(b);
    cpu.write(regs);
    t.sigmask = mask & ~UNBLOCKABLE;
    t.sigreturned = true;
    return regs.x[10]!;
  },
  sigaltstack: (t, a) => {
    const ss = addr(a[0]);
    const old = addr(a[1]);
    const sp = t.cpu !== undefined ? Number(BigInt.asUintN(53, t.cpu.read().x[2]!)) : 0;
    const cur = t.altstack;
    const on = cur.flags !== Ss.DISABLE && sp > cur.sp && sp <= cur.sp + cur.size;
    let next;
    if (ss !== 0) {
      const v = get(t, ss, 24);
      if (typeof v === "number") return v;
      const dv = new DataView(v.buffer);
      const flags = dv.getInt32(8, true);
      const size = Number(dv.getBigUint64(16, true));
      if (on) return -Errno.EPERM;
      if ((flags & ~(Ss.DISABLE | Ss.AUTODISARM | Ss.ONSTACK)) !== 0) return -Errno.EINVAL;
      if ((flags & Ss.DISABLE) !== 0) next = { sp: 0, flags: Ss.DISABLE, size: 0 };
      else if (size < MINSIGSTKSZ) return -Errno.ENOMEM;
      else next = { sp: Number(dv.getBigUint64(0, true)), flags: flags & Ss.AUTODISARM, size };
    }
    if (old !== 0) {
      const b = new Uint8Array(24);
      const dv = new DataView(b.buffer);
      dv.setBigUint64(0, BigInt(cur.sp), true);
      dv.setInt32(8, on ? Ss.ONSTACK : cur.flags, true);
      dv.setBigUint64(16, BigInt(cur.size), true);
      const r = put(t, old, b);
      if (r < 0) return r;
    }
    if (next !== undefined) t.altstack = next;
    return 0;
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
