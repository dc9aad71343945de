/**
 * The RISC-V translator loop (after QEMU's `translator_loop` with the RISC-V
 * `TranslatorOps`): decode guest instructions from memory through a fetch callback,
 * emit `insn_start` and the instruction's IR, and end the TB.
 *
 * ## When a TB ends
 * - after a control transfer (jal, jalr, branches: goto_tb for direct targets in slots 0
 *   (taken / jump) and 1 (fall-through), lookup_and_goto_ptr for jalr);
 * - after an instruction that raises unconditionally (illegal, ecall, ebreak) or a system
 *   instruction (mret, sret, wfi, sfence.vma, fence.i, a CSR write other than
 *   fflags/frm/fcsr), which exit without chaining (`exit_tb RISCV_EXIT_NOCHAIN`/`_WFI`);
 * - before an instruction on another guest page than the TB's first instruction: a TB
 *   covers one page, except that its *first* instruction may straddle into the next page,
 *   which is then recorded in {@link TranslatedBlock.page2} (the TB machinery links the TB
 *   to both pages, so a write to either invalidates it); any later instruction that would
 *   straddle starts a new TB instead;
 * - after {@link MAX_TB_INSNS} instructions, or the limit in `cflags` (1 single-steps).
 * A TB that stops for a page boundary or the size limit continues with goto_tb slot 0.
 *
 * ## Precise exceptions (the contract with the execution engine)
 * Every instruction starts with `insn_start <pc>`. Generated code changes no
 * architectural state of an instruction before the point where it may raise: sources are
 * read into temps, rd / memory are written last. So when an exception leaves the TB, the
 * CPU state is exactly the state before the raising instruction, and its pc is
 * - the `excPc` recorded by the helper for `raise_exception`, `ecall` (exit kind
 *   HELPER; with the IR interpreter, exit `noreturn`) and for the may-raise helpers
 *   (`exit_tb RISCV_EXIT_EXCEPTION`) — the exception cause and tval are in the state too;
 * - the pc of the last `insn_start` for a faulting guest memory access (the back end's
 *   EXIT_PC in the control block / the interpreter's `fault.pc`); the loop makes it a
 *   load, store/AMO access or misaligned fault with tval = the faulting address (a store
 *   fault for stores, AMOs and SC, a load fault for loads and LR).
 * In every case the `pc` global is *not* updated inside a TB: the loop writes the
 * exception pc into `pc` (or the trap handler's address) before continuing. An
 * instruction fetch that fails raises INSN_ACCESS (tval = the address that could not be
 * fetched; the cause comes from {@link RiscvTranslator.fetchFaultCause}) when it is the TB's
 * first instruction, also when only its second parcel fails; otherwise the TB ends before it.
 *
 * @module
 */
import { decode, type Instruction } from "@wasmu/isa";
import { IrFunc } from "../../ir/func.js";
import { Cause, RISCV_EXIT_NOCHAIN, RISCV_GLOBALS } from "./cpu-state.js";
import { DisasContext } from "./disas-context.js";
import { createRiscvHelpers, type RiscvHelpers } from "./helpers.js";
import { CF_COUNT_MASK } from "../../exec/translator.js";
import { decodeTbFlags } from "./tb-flags.js";
import { RISCV_TRANS } from "./trans/index.js";

/**
 * Upper bound on guest instructions per TB. Bigger TBs mean fewer exits and lookups, but
 * a bigger wasm function (V8 compiles a function as a unit: Liftoff time and TurboFan time
 * grow with its size), more work lost when one store invalidates the TB, and a longer
 * delay before the exit request is seen (it is polled at TB entry only). QEMU uses 512;
 * 128 instructions of straight-line RISC-V code are already far more than a basic block,
 * and keep a TB's function at a few kilobytes.
 */
export const MAX_TB_INSNS = 128;

/** Default guest page size (4 KiB, RISC-V's base page). */
export const GUEST_PAGE_SIZE = 4096;

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const U64_WRAP = 0x1_0000_0000_0000_0000n;

/**
 * Reads the 16-bit parcel at a guest address (little-endian), or undefined when the
 * address cannot be fetched (unmapped, not executable).
 */
export type FetchParcel = (addr: bigint) => number | undefined;

/** A translator context: what stays the same across the TBs one vCPU translates. */
export interface RiscvTranslator {
  /** The helper set (shared by all TBs so modules import the same helpers). */
  readonly helpers: RiscvHelpers;
  /** Guest page size in bytes (a power of two). */
  readonly pageSize: number;
  /**
   * The exception cause of a fetch that failed at `addr` (system mode's MMU tells an
   * instruction page fault from an access fault); default INSN_ACCESS.
   */
  readonly fetchFaultCause?: (addr: bigint) => number;
}

/** Creates a translator context. */
export function createRiscvTranslator(opts: { helpers?: RiscvHelpers; pageSize?: number; fetchFaultCause?: (addr: bigint) => number } = {}): RiscvTranslator {
  return {
    helpers: opts.helpers ?? createRiscvHelpers(),
    pageSize: opts.pageSize ?? GUEST_PAGE_SIZE,
    ...(opts.fetchFaultCause === undefined ? {} : { fetchFaultCause: opts.fetchFaultCause }),
  };
}

/** The result of translating one TB. */
export interface TranslatedBlock {
  /** The IR. */
  readonly func: IrFunc;
  /** Guest pc of the first instruction. */
  readonly pc: bigint;
  /** Guest bytes covered (from pc). */
  readonly size: number;
  /** Number of guest instructions (including one that raises). */
  readonly insns: number;
  /** Address of the page of the TB's first byte. */
  readonly page1: bigint;
  /** Address of the second page when the first instruction straddles into it, else undefined. */
  readonly page2: bigint | undefined;
  /** The pc of each instruction, in order (what the `insn_start` ops carry). */
  readonly insnPcs: readonly bigint[];
  /** Static destinations of the goto_tb exits and a call's return point (candidates for translating into the same module). */
  readonly successors: readonly bigint[];
}

/**
 * Translates the TB at `pc` for the given TB `flags` (see tb-flags.ts) and `cflags`
 * (bits 8..0: instruction limit, 0 = {@link MAX_TB_INSNS}), reading code through `fetch`.
 */
export function translateBlock(tr: RiscvTranslator, pc: bigint, flags: number, cflags: number, fetch: FetchParcel): TranslatedBlock {
  const f = decodeTbFlags(flags);
  const pageMask = ~BigInt(tr.pageSize - 1);
  const page1 = pc & pageMask;
  // Direct jumps chain within the TB's page in system mode (the mapping of another page may
  // change without this TB being invalidated); anywhere in user mode.
  const useGotoTb = f.system ? (dest: bigint): boolean => (dest & pageMask) === page1 : (): boolean => true;
  const func = new IrFunc(RISCV_GLOBALS);
  const ctx = new DisasContext(func, tr.helpers, f, pc, useGotoTb);
  const limit = Math.min((cflags & CF_COUNT_MASK) || MAX_TB_INSNS, MAX_TB_INSNS);
  const insnPcs: bigint[] = [];
  let cur = pc;
  let page2: bigint | undefined;
  // Page arithmetic on numbers: `inPage` is cur's offset in page1 (every instruction of a
  // TB starts in page1, so a boundary test is `inPage + bytes > pageSize`); the bigint
  // work per instruction is cur itself and a 32-bit instruction's second parcel address.
  const pageSize = tr.pageSize;
  let inPage = Number(pc & BigInt(pageSize - 1));

  for (;;) {
    const first = insnPcs.length === 0;
    // Fetch: one 16-bit parcel, or two for a 32-bit instruction.
    let failAt: bigint | undefined;
    let word = fetch(cur);
    if (word === undefined) failAt = cur;
    else if ((word & 3) !== 3) word &= 0xffff;
    else {
      const hi = fetch(cur + 2n);
      if (hi === undefined) failAt = cur + 2n;
      else word = ((hi & 0xffff) << 16 | (word & 0xffff)) >>> 0;
    }
    if (failAt !== undefined || word === undefined) {
      if (!first) break;
      ctx.b.insnStart(cur);
      insnPcs.push(cur);
      ctx.pc = cur;
      const at = failAt ?? cur;
      const cause = tr.fetchFaultCause?.(at) ?? Cause.INSN_ACCESS;
      ctx.b.call(tr.helpers.raiseException, undefined, [cause, at, cur]);
      ctx.isJmp = "noreturn";
      cur += 2n;
      break;
    }
    const insn = decode(word);
    const len = insn.length;
    if (inPage + len > pageSize) {
      if (!first) break;
      page2 = (cur + BigInt(len - 1)) & pageMask;
    }
    ctx.b.insnStart(cur);
    insnPcs.push(cur);
    ctx.pc = cur;
    const next = cur + (len === 4 ? 4n : 2n);
    ctx.pcNext = next > U64_MAX ? next - U64_WRAP : next;
    if (insn.illegal) {
      ctx.b.call(tr.helpers.raiseException, undefined, [Cause.ILLEGAL_INSN, BigInt(insn.raw >>> 0), cur]);
      ctx.isJmp = "noreturn";
    } else {
      translateInsn(ctx, insn);
    }
    cur = ctx.pcNext;
    inPage += len;
    if (ctx.isJmp !== "next") break;
    if (insnPcs.length >= limit || inPage >= pageSize) break;
  }

  // tb_stop
  if (ctx.isJmp === "next") ctx.gotoTb(0, cur);
  else if (ctx.isJmp === "exit") {
    ctx.b.mov(ctx.pcReg, cur);
    ctx.b.exitTb(RISCV_EXIT_NOCHAIN);
  }
  ctx.emitTails();
  return { func, pc, size: Number(cur - pc), insns: insnPcs.length, page1, page2, insnPcs, successors: ctx.successors };
}

/** Translates one decoded instruction; an instruction its translator rejects raises illegal instruction. */
function translateInsn(ctx: DisasContext, insn: Instruction): void {
  ctx.insn = insn;
  ctx.isJmp = "next";
  const ok = RISCV_TRANS[insn.name](ctx, insn);
  if (!ok) {
    // Nothing was emitted for a rejected instruction (translators check before emitting).
    ctx.illegal();
  }
}
