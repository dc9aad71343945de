/**
 * Delivering a signal to a thread as Linux's get_signal / handle_signal / setup_rt_frame
 * do for riscv64: the default action (ignore or kill), or a frame on the thread's stack
 * (or its alternate stack with SA_ONSTACK), registers set for the handler (a0 = signal,
 * a1 = &siginfo, a2 = &ucontext, ra = the rt_sigreturn trampoline), the handler's mask
 * added (and the signal itself unless SA_NODEFER), SA_RESETHAND honoured.
 *
 * @module
 */
import type { Thread } from "../process/process.js";
import { formatTakenSignal } from "../syscalls/strace.js";
import { encodeSigframe, RT_SIGFRAME_SIZE, type SigInfo } from "./frame.js";

/** sigaction flags. */
export const Sa = { NOCLDSTOP: 1, NOCLDWAIT: 2, SIGINFO: 4, ONSTACK: 0x0800_0000, RESTART: 0x1000_0000, NODEFER: 0x4000_0000, RESETHAND: 0x8000_0000 } as const;
/** sigaltstack flags. */
export const Ss = { ONSTACK: 1, DISABLE: 2, AUTODISARM: 0x8000_0000 } as const;

/** Signals whose default action is to ignore them (SIGCHLD, SIGCONT, SIGURG, SIGWINCH). */
export const DEFAULT_IGNORED: ReadonlySet<number> = new Set([17, 18, 23, 28]);
/** Signals whose default action stops the process (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU): job control. */
export const STOP_SIGNALS: ReadonlySet<number> = new Set([19, 20, 21, 22]);

/** What delivering a signal did. */
export type Delivery = "handled" | "ignored" | { readonly kill: number } | { readonly stop: number };

/** The mask bit of signal `sig`. */
export function sigBit(sig: number): bigint {
  return 1n << BigInt(sig - 1);
}

/**
 * Delivers `info` to thread `t` now (the caller checked it is not blocked, or it is a
 * synchronous fault, which Linux forces through: a blocked or ignored fault kills).
 */
export function deliverSignal(t: Thread, info: SigInfo, forced = false): Delivery {
  const sig = info.signo;
  t.proc.kernel.strace?.(formatTakenSignal(info)); // -strace: QEMU prints every signal taken, whatever its action
  const act = t.proc.sigactions.get(sig);
  const handler = act?.handler ?? 0n;
  const blocked = (t.sigmask & sigBit(sig)) !== 0n;
  if (forced && (blocked || handler === 1n)) return { kill: sig };
  if (handler === 1n) return "ignored";
  if (handler === 0n || sig === 19) return STOP_SIGNALS.has(sig) ? { stop: sig } : DEFAULT_IGNORED.has(sig) ? "ignored" : { kill: sig };
  const cpu = t.cpu;
  if (cpu === undefined || t.proc.sigTrampoline === 0) return { kill: sig };
  const regs = cpu.read();
  const flags = Number(BigInt.asUintN(32, act!.flags));
  let sp = Number(BigInt.asUintN(53, regs.x[2]!));
  const alt = t.altstack;
  const onAlt = alt.flags !== Ss.DISABLE && sp > alt.sp && sp <= alt.sp + alt.size;
  if ((flags & Sa.ONSTACK) !== 0 && alt.flags !== Ss.DISABLE && !onAlt) sp = alt.sp + alt.size;
  const frame = (sp - RT_SIGFRAME_SIZE) & ~15;
  const bytes = encodeSigframe(info, regs, t.sigmask, { sp: alt.sp, flags: onAlt ? Ss.ONSTACK : alt.flags, size: alt.size });
  if (!t.proc.mm.write(frame, bytes)) return { kill: 11 };
  regs.pc = act!.handler;
  regs.x[1] = BigInt(t.proc.sigTrampoline);
  regs.x[2] = BigInt(frame);
  regs.x[10] = BigInt(sig);
  regs.x[11] = BigInt(frame);
  regs.x[12] = BigInt(frame + 128);
  cpu.write(regs);
  t.sigmask |= act!.mask | ((flags & Sa.NODEFER) !== 0 ? 0n : sigBit(sig));
  if ((flags & Sa.RESETHAND) !== 0) t.proc.sigactions.delete(sig);
  return "handled";
}

/** Delivers the thread's pending signals that are not blocked; a kill ends the loop. */
export function deliverPending(t: Thread): Delivery {
  for (let i = 0; i < t.pending.length; i++) {
    const info = t.pending[i]!;
    if ((t.sigmask & sigBit(info.signo)) !== 0n) continue;
    t.pending.splice(i--, 1);
    const d = deliverSignal(t, info);
    if (d !== "handled" && d !== "ignored") return d;
  }
  return "handled";
}
