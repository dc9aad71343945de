/**
 * The riscv64 signal frame (arch/riscv/kernel/signal.c, uapi asm/ucontext.h and
 * asm/sigcontext.h), byte for byte:
 *
 * | offset | what |
 * |--------|------|
 * | 0 | siginfo (128 bytes): si_signo, si_errno, si_code, then si_addr or si_pid/si_uid at 16 |
 * | 128 | ucontext: uc_flags, uc_link, uc_stack {ss_sp, ss_flags, ss_size}, uc_sigmask at +40 |
 * | 128 + 176 | uc_mcontext.sc_regs: pc, then x1..x31 (32 × 8 bytes) |
 * | 128 + 432 | sc_fpregs: f0..f31 (d state, 8 bytes each), fcsr at +256; 528 bytes with the q reserve |
 *
 * 1088 bytes in all (AT_MINSIGSTKSZ). The handler returns through a trampoline
 * (`li a7, 139; ecall`) that Linux keeps in the vDSO; wasmu maps it on its own page.
 *
 * @module
 */

/** Bytes of struct rt_sigframe. */
export const RT_SIGFRAME_SIZE = 1088;
/** Offset of the ucontext in the frame. */
export const UC_OFFSET = 128;
/** Offsets inside the ucontext. */
export const Uc = { FLAGS: 0, LINK: 8, STACK_SP: 16, STACK_FLAGS: 24, STACK_SIZE: 32, SIGMASK: 40, MCONTEXT: 176 } as const;
/** Offset of the FP state in the mcontext. */
export const MC_FP = 256;
/** The trampoline: `li a7, 139` (rt_sigreturn), `ecall`. */
export const SIGRETURN_TRAMPOLINE = new Uint8Array([0x93, 0x08, 0xb0, 0x08, 0x73, 0x00, 0x00, 0x00]);

/** The register state a frame saves: pc, x1..x31, f0..f31, fcsr. */
export interface SavedRegs {
  /** pc. */
  pc: bigint;
  /** x0..x31 (x0 ignored). */
  readonly x: bigint[];
  /** f0..f31 raw bits. */
  readonly f: bigint[];
  /** fcsr (frm << 5 | fflags). */
  fcsr: number;
}

/** What siginfo carries. */
export interface SigInfo {
  /** Signal number. */
  readonly signo: number;
  /** si_code (SI_USER 0, SI_TKILL -6, SEGV_MAPERR 1, ILL_ILLOPC 1...). */
  readonly code: number;
  /** si_addr for faults. */
  readonly addr?: bigint;
  /** Sender's pid and uid for kill/tkill. */
  readonly pid?: number;
  /** See {@link pid}. */
  readonly uid?: number;
  /** SIGCHLD's si_status (the exit code or the signal). */
  readonly status?: number;
}

/** The alternate signal stack of a thread. */
export interface AltStack {
  /** ss_sp. */
  sp: number;
  /** ss_flags (SS_DISABLE = 2, SS_ONSTACK = 1, SS_AUTODISARM). */
  flags: number;
  /** ss_size. */
  size: number;
}

/** Builds the frame bytes. */
export function encodeSigframe(info: SigInfo, regs: SavedRegs, mask: bigint, stack: AltStack): Uint8Array {
  const b = new Uint8Array(RT_SIGFRAME_SIZE);
  const v = new DataView(b.buffer);
  v.setInt32(0, info.signo, true);
  v.setInt32(8, info.code, true);
  if (info.addr !== undefined) v.setBigUint64(16, BigInt.asUintN(64, info.addr), true);
  else if (info.pid !== undefined) {
    v.setInt32(16, info.pid, true);
    v.setUint32(20, info.uid ?? 0, true);
    if (info.status !== undefined) v.setInt32(24, info.status, true);
  }
  const uc = UC_OFFSET;
  v.setBigUint64(uc + Uc.STACK_SP, BigInt(stack.sp), true);
  v.setInt32(uc + Uc.STACK_FLAGS, stack.flags, true);
  v.setBigUint64(uc + Uc.STACK_SIZE, BigInt(stack.size), true);
  v.setBigUint64(uc + Uc.SIGMASK, mask, true);
  const mc = uc + Uc.MCONTEXT;
  v.setBigUint64(mc, BigInt.asUintN(64, regs.pc), true);
  for (let i = 1; i < 32; i++) v.setBigUint64(mc + i * 8, BigInt.asUintN(64, regs.x[i]!), true);
  for (let i = 0; i < 32; i++) v.setBigUint64(mc + MC_FP + i * 8, BigInt.asUintN(64, regs.f[i]!), true);
  v.setUint32(mc + MC_FP + 256, regs.fcsr, true);
  return b;
}

/** Reads the registers and the signal mask back from a frame (rt_sigreturn). */
export function decodeSigframe(b: Uint8Array): { regs: SavedRegs; mask: bigint } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const mc = UC_OFFSET + Uc.MCONTEXT;
  const x = [0n];
  for (let i = 1; i < 32; i++) x.push(v.getBigUint64(mc + i * 8, true));
  const f: bigint[] = [];
  for (let i = 0; i < 32; i++) f.push(v.getBigUint64(mc + MC_FP + i * 8, true));
  return {
    regs: { pc: v.getBigUint64(mc, true), x, f, fcsr: v.getUint32(mc + MC_FP + 256, true) },
    mask: v.getBigUint64(UC_OFFSET + Uc.SIGMASK, true),
  };
}
