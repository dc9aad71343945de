/**
 * The RISC-V target as the execution loop sees it (the `Translator` interface of
 * src/exec): globals, helpers, the state size, pc access, TB flags from the CPU state and
 * translation from guest code.
 *
 * @module
 */
import type { HelperDef } from "../../ir/helper.js";
import type { GuestCodeReader, TranslatedTb, TranslateRequest, Translator } from "../../exec/translator.js";
import { CPU_STATE_BYTES, CpuOffset, Csr, csrSlotOffset, RISCV_EXIT_EXCEPTION, RISCV_EXIT_WFI, RISCV_GLOBALS } from "./cpu-state.js";
import { createRiscvHelpers, type RiscvHelpers } from "./helpers.js";
import { encodeTbFlags } from "./tb-flags.js";
import { createRiscvTranslator, translateBlock, type FetchParcel } from "./translate.js";

/** Options of {@link createRiscvTarget}. */
export interface RiscvTargetOptions {
  /** System mode (privileged instructions and CSRs go to the system helpers). Default: user mode. */
  readonly system?: boolean;
  /** The helper set (default: {@link createRiscvHelpers} with no hooks). */
  readonly helpers?: RiscvHelpers;
  /** Guest page size (default 4096). */
  readonly pageSize?: number;
  /** Cause of a failed instruction fetch at an address (default INSN_ACCESS). */
  readonly fetchFaultCause?: (addr: bigint) => number;
}

/** Every helper of a set, as a list (what a module imports). */
export function riscvHelperList(h: RiscvHelpers): HelperDef[] {
  return [h.raiseException, h.ecall, h.csrRw, h.readCounter, h.mret, h.sret, h.wfi, h.sfenceVma, ...h.fp.values()];
}

function parcelReader(code: GuestCodeReader): FetchParcel {
  return (addr) => code.read(addr, 2);
}

/**
 * The RISC-V target. `exit_tb` codes {@link RISCV_EXIT_EXCEPTION} and {@link RISCV_EXIT_WFI}
 * end the loop (the caller delivers the recorded exception / waits); RISCV_EXIT_NOCHAIN
 * continues at the pc in the state.
 */
export function createRiscvTarget(opts: RiscvTargetOptions = {}): Translator {
  const helpers = opts.helpers ?? createRiscvHelpers();
  const tr = createRiscvTranslator({
    helpers,
    ...(opts.pageSize === undefined ? {} : { pageSize: opts.pageSize }),
    ...(opts.fetchFaultCause === undefined ? {} : { fetchFaultCause: opts.fetchFaultCause }),
  });
  const system = opts.system ?? false;
  const target = {
    globals: RISCV_GLOBALS,
    helpers: riscvHelperList(helpers),
    stateSize: CPU_STATE_BYTES,
    loopExitCodes: [RISCV_EXIT_EXCEPTION, RISCV_EXIT_WFI],
    // The pc is one u64 field: generated code probes the jump cache inline for
    // lookup_and_goto_ptr (every ret and jalr) instead of calling into JavaScript.
    pcOffset: CpuOffset.PC,
    getPc: (state: DataView): bigint => state.getBigUint64(CpuOffset.PC, true),
    setPc: (state: DataView, pc: bigint): void => state.setBigUint64(CpuOffset.PC, BigInt.asUintN(64, pc), true),
    tbFlags: (state: DataView): number => {
      const priv = state.getUint32(CpuOffset.PRIV, true) & 3;
      // mstatus.FS (bits 14..13): Off disables floating point, Dirty needs no marking (system mode only).
      const fs = system ? (state.getBigUint64(csrSlotOffset(Csr.MSTATUS), true) >> 13n) & 3n : 3n;
      return encodeTbFlags({ priv, fsOff: fs === 0n, system, fsDirty: system && fs === 3n });
    },
    translate: (req: TranslateRequest): TranslatedTb | undefined => {
      const fetch = parcelReader(req.code);
      // The first instruction must be fetchable whole (both parcels of a 32-bit one).
      const first = fetch(req.pc);
      if (first === undefined || ((first & 3) === 3 && fetch(req.pc + 2n) === undefined)) return undefined;
      const tb = translateBlock(tr, req.pc, req.flags, req.cflags, fetch);
      return { func: tb.func, size: tb.size, icount: tb.insns, successors: tb.successors };
    },
  };
  return target;
}
