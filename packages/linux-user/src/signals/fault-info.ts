/**
 * The siginfo of a synchronous memory fault: what Linux's riscv64 page-fault and
 * misaligned-access paths put in the SIGSEGV / SIGBUS they force on the thread, from the
 * fault tcg's cpu-exec loop reports (`CpuExit` kinds "fault" and "fetch_fault").
 *
 * | tcg's reason | signal, si_code | si_addr |
 * |--------------|-----------------|---------|
 * | "outside" (beyond the guest window), "unmapped" | SIGSEGV, SEGV_MAPERR | the first byte refused |
 * | "protected" (mapped, without the permission) | SIGSEGV, SEGV_ACCERR | the first byte refused |
 * | "misaligned" (an atomic or LR/SC off its natural alignment) | SIGBUS, BUS_ADRALN | the access address |
 *
 * "The first byte refused" is the access address, or the first byte of the next page when
 * an access crossing a page boundary is refused by that page (as a host fault address
 * would be); for an instruction fetch it is the pc, or the next page's start when only the
 * second half of the first instruction is not executable.
 *
 * @module
 */
import type { CpuExit } from "@wasmu/tcg";
import type { SigInfo } from "./frame.js";

/** SIGBUS. */
export const SIGBUS = 7;
/** SIGSEGV. */
export const SIGSEGV = 11;
/** si_code: address not mapped to an object. */
export const SEGV_MAPERR = 1;
/** si_code: invalid permissions for a mapped object. */
export const SEGV_ACCERR = 2;
/** si_code: invalid address alignment. */
export const BUS_ADRALN = 1;

/** A memory or fetch fault of the cpu-exec loop. */
export type MemoryFault = Extract<CpuExit, { readonly kind: "fault" | "fetch_fault" }>;

/** The siginfo Linux delivers for `e`. */
export function faultSigInfo(e: MemoryFault): SigInfo {
  if (e.reason === "misaligned") return { signo: SIGBUS, code: BUS_ADRALN, addr: e.addr };
  return { signo: SIGSEGV, code: e.reason === "protected" ? SEGV_ACCERR : SEGV_MAPERR, addr: e.addr };
}
