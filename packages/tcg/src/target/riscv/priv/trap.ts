/**
 * Traps, interrupts and the return instructions of an M/S/U hart (RISC-V privileged
 * architecture 1.12, 3.1.6-3.1.9, 3.3.2, 3.1.9 "mip and mie", 4.1.1), over a CsrFile.
 *
 * - Trap entry: a trap taken in S or U mode goes to S when its bit is set in medeleg
 *   (exceptions) or mideleg (interrupts), otherwise to M; traps taken in M mode stay in M.
 *   The target's xepc, xcause (bit 63 for interrupts), xtval are written, xPP gets the old
 *   privilege, xPIE gets xIE and xIE is cleared; pc = xtvec's base, plus 4 × cause for an
 *   interrupt when xtvec's mode is vectored.
 * - Interrupts: pending & enabled; an M-level one (not delegated) is taken when running
 *   below M or in M with mstatus.MIE; an S-level one (delegated) when running in U, or in
 *   S with mstatus.SIE (never in M). M-level interrupts first, then in the priority order
 *   MEI, MSI, MTI, SEI, SSI, STI.
 * - mret / sret: privilege from xPP, xIE from xPIE, xPIE = 1, xPP = U, MPRV cleared when
 *   the new privilege is not M. sret is illegal in U mode and in S mode with mstatus.TSR;
 *   mret below M. wfi is illegal in U mode and in S mode with mstatus.TW.
 */
import { Csr, Priv } from "../cpu-state.js";
import {
  type CsrFile, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP,
  MSTATUS_TSR, MSTATUS_TW,
} from "./csr-file.js";

export const IRQ_S_SOFT = 1;
export const IRQ_M_SOFT = 3;
export const IRQ_S_TIMER = 5;
export const IRQ_M_TIMER = 7;
export const IRQ_S_EXT = 9;
export const IRQ_M_EXT = 11;

/** Interrupt causes from the highest priority down (privileged spec 3.1.9). */
export const INTERRUPT_PRIORITY: readonly number[] = [IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER];

/** Where execution continues after a trap or xRET. */
export interface PrivTarget {
  readonly priv: number;
  readonly pc: bigint;
}

const INTERRUPT_BIT = 1n << 63n;

/** Takes a trap: `cause` (without the interrupt bit), `tval`, at `pc` while running in `priv`. */
export function trapEntry(csrs: CsrFile, priv: number, pc: bigint, cause: number, interrupt: boolean, tval: bigint): PrivTarget {
  const deleg = csrs.get(interrupt ? Csr.MIDELEG : Csr.MEDELEG);
  const toS = priv <= Priv.S && ((deleg >> BigInt(cause)) & 1n) !== 0n;
  const xcause = (interrupt ? INTERRUPT_BIT : 0n) | BigInt(cause);
  let ms = csrs.mstatus;
  let tvec: bigint;
  if (toS) {
    csrs.set(Csr.SEPC, pc);
    csrs.set(Csr.SCAUSE, xcause);
    csrs.set(Csr.STVAL, tval);
    ms = (ms & ~MSTATUS_SPP) | (priv === Priv.S ? MSTATUS_SPP : 0n);
    ms = (ms & ~MSTATUS_SPIE) | ((ms & MSTATUS_SIE) !== 0n ? MSTATUS_SPIE : 0n);
    ms &= ~MSTATUS_SIE;
    tvec = csrs.get(Csr.STVEC);
  } else {
    csrs.set(Csr.MEPC, pc);
    csrs.set(Csr.MCAUSE, xcause);
    csrs.set(Csr.MTVAL, tval);
    ms = (ms & ~MSTATUS_MPP) | (BigInt(priv) << MSTATUS_MPP_SHIFT);
    ms = (ms & ~MSTATUS_MPIE) | ((ms & MSTATUS_MIE) !== 0n ? MSTATUS_MPIE : 0n);
    ms &= ~MSTATUS_MIE;
    tvec = csrs.get(Csr.MTVEC);
  }
  csrs.mstatus = ms;
  const base = tvec & ~3n;
  const target = interrupt && (tvec & 3n) === 1n ? base + 4n * BigInt(cause) : base;
  return { priv: toS ? Priv.S : Priv.M, pc: target };
}

/** The interrupt to take now (its cause), or -1. */
export function pendingInterrupt(csrs: CsrFile, priv: number): number {
  const pending = csrs.mip & csrs.get(Csr.MIE);
  if (pending === 0n) return -1;
  const ms = csrs.mstatus;
  const mideleg = csrs.get(Csr.MIDELEG);
  const mEnabled = priv < Priv.M || (ms & MSTATUS_MIE) !== 0n;
  const sEnabled = priv < Priv.S || (priv === Priv.S && (ms & MSTATUS_SIE) !== 0n);
  const m = mEnabled ? pending & ~mideleg : 0n;
  const s = sEnabled ? pending & mideleg : 0n;
  for (const set of [m, s]) {
    if (set === 0n) continue;
    for (const irq of INTERRUPT_PRIORITY) if (((set >> BigInt(irq)) & 1n) !== 0n) return irq;
  }
  return -1;
}

/** mret; undefined when illegal (below M). */
export function mret(csrs: CsrFile, priv: number): PrivTarget | undefined {
  if (priv !== Priv.M) return undefined;
  let ms = csrs.mstatus;
  const next = Number((ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
  ms = (ms & ~MSTATUS_MIE) | ((ms & MSTATUS_MPIE) !== 0n ? MSTATUS_MIE : 0n);
  ms |= MSTATUS_MPIE;
  ms &= ~MSTATUS_MPP; // U, the least-privileged mode
  if (next !== Priv.M) ms &= ~MSTATUS_MPRV;
  csrs.mstatus = ms;
  return { priv: next, pc: csrs.get(Csr.MEPC) };
}

/** sret; undefined when illegal (U mode, or S mode with mstatus.TSR). */
export function sret(csrs: CsrFile, priv: number): PrivTarget | undefined {
  if (priv === Priv.U || (priv === Priv.S && (csrs.mstatus & MSTATUS_TSR) !== 0n)) return undefined;
  let ms = csrs.mstatus;
  const next = (ms & MSTATUS_SPP) !== 0n ? Priv.S : Priv.U;
  ms = (ms & ~MSTATUS_SIE) | ((ms & MSTATUS_SPIE) !== 0n ? MSTATUS_SIE : 0n);
  ms |= MSTATUS_SPIE;
  ms &= ~MSTATUS_SPP;
  ms &= ~MSTATUS_MPRV;
  csrs.mstatus = ms;
  return { priv: next, pc: csrs.get(Csr.SEPC) };
}

/** Whether wfi raises an illegal-instruction exception here. */
export function wfiIllegal(csrs: CsrFile, priv: number): boolean {
  return priv === Priv.U || (priv === Priv.S && (csrs.mstatus & MSTATUS_TW) !== 0n);
}

/** The privilege loads and stores use: mstatus.MPP when running in M with MPRV set. */
export function dataPrivilege(csrs: CsrFile, priv: number): number {
  const ms = csrs.mstatus;
  return priv === Priv.M && (ms & MSTATUS_MPRV) !== 0n ? Number((ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) : priv;
}
