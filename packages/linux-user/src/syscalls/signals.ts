/**
 * Signal state that needs no delivery yet: rt_sigprocmask (per thread) and rt_sigaction
 * (per process), with Linux's checks. Delivery, the riscv64 signal frame and
 * rt_sigreturn come with the execution engine.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { addr, int } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { getU64s, putU64s } from "./guest-io.js";

/** Signal numbers wasmu needs by name. */
export const Sig = { SIGKILL: 9, SIGSTOP: 19, NSIG: 64 } as const;
const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
const UNBLOCKABLE = (1n << BigInt(Sig.SIGKILL - 1)) | (1n << BigInt(Sig.SIGSTOP - 1));

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
