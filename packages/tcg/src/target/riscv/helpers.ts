/**
 * The helpers RISC-V TBs call: exceptions, the CSR hook, counters, the privileged
 * operations system mode implements, and one helper per floating-point instruction (on
 * the bit-exact FPU library in ./fpu).
 *
 * Helpers are {@link HelperDef} objects referred to by identity (never by a string looked
 * up at run time). {@link createRiscvHelpers} builds one immutable set; a translator uses
 * one set for all its TBs. The `impl`s given here are the user-mode reference behaviour
 * (the IR interpreter runs them; the wasm execution loop imports them by name and may
 * override any of them, e.g. system mode's CSR hook, with `helperImports(..., direct)`).
 *
 * Exception conventions (see cpu-state.ts): a helper that raises records excPending,
 * excCause, excTval and excPc in the CPU state. `raise_exception` and `ecall` are
 * `noreturn`; the "may raise" helpers (`csr_rw`, `mret`, `sret`, `wfi`, `sfence_vma`)
 * return a non-zero i32 status after recording, and the TB then exits with
 * `exit_tb RISCV_EXIT_EXCEPTION` without touching any other state.
 *
 * @module
 */
import {
  HELPER_NO_READ_GLOBALS, HELPER_NO_RETURN, HELPER_NO_SIDE_EFFECTS, HELPER_NO_WRITE_GLOBALS,
  type HelperDef, type HelperImpl,
} from "../../ir/helper.js";
import type { IrType } from "../../ir/types.js";
import { Cause, CpuOffset, Csr, csrSlotOffset, Priv } from "./cpu-state.js";
import { FP_OPS } from "./fpu/riscv-ops.js";
import { FpStatus, type RoundingMode } from "./fpu/status.js";

/** `op` argument of `csr_rw`: what to do with the CSR (bits 1..0) and whether to read it (bit 2). */
export const CsrOp = {
  /** No write. */
  NONE: 0,
  /** csrrw: csr = src. */
  WRITE: 1,
  /** csrrs: csr |= src. */
  SET: 2,
  /** csrrc: csr &= ~src. */
  CLEAR: 3,
  /** Read the old value into the CPU state's CSR_VALUE. */
  READ: 4,
} as const;

/** Records an exception in the CPU state (the common part of every raising helper). */
export function recordException(state: DataView, cause: number, tval: bigint, pc: bigint): void {
  state.setUint32(CpuOffset.EXC_PENDING, 1, true);
  state.setBigUint64(CpuOffset.EXC_CAUSE, BigInt(cause), true);
  state.setBigUint64(CpuOffset.EXC_TVAL, BigInt.asUintN(64, tval), true);
  state.setBigUint64(CpuOffset.EXC_PC, BigInt.asUintN(64, pc), true);
}

/** The helper set of the RISC-V front end. */
export interface RiscvHelpers {
  /** `raise_exception(i32 cause, i64 tval, i64 pc)`, noreturn. */
  readonly raiseException: HelperDef;
  /** `ecall(i64 pc)`, noreturn: environment call from the current privilege (cause 8 + priv). */
  readonly ecall: HelperDef;
  /** `csr_rw(i32 csr, i32 op, i64 src, i64 pc, i32 insn) -> i32 status`: the CSR hook (old value in CSR_VALUE). */
  readonly csrRw: HelperDef;
  /** `read_counter(i32 csr) -> i64`: cycle, time, instret in user mode. */
  readonly readCounter: HelperDef;
  /** `mret(i64 pc, i32 insn) -> i32 status`: sets pc and privilege from mepc/mstatus. */
  readonly mret: HelperDef;
  /** `sret(i64 pc, i32 insn) -> i32 status`. */
  readonly sret: HelperDef;
  /** `wfi(i64 pc, i32 insn) -> i32 status`. */
  readonly wfi: HelperDef;
  /** `sfence_vma(i64 vaddr, i64 asid, i64 pc, i32 insn) -> i32 status`. */
  readonly sfenceVma: HelperDef;
  /** One helper per F/D instruction by mnemonic (`fp_fadd_s`...): `(operands..., i32 rm) -> i64`. */
  readonly fp: ReadonlyMap<string, HelperDef>;
}

/** Hooks that replace the user-mode reference implementations (e.g. system mode's CSRs). */
export interface RiscvHelperHooks {
  /** Replaces `csr_rw`'s implementation. */
  readonly csrRw?: HelperImpl;
  /** Replaces `read_counter`'s implementation (default: instret for all three). */
  readonly readCounter?: HelperImpl;
  /** Replace the privileged instructions' helpers (system mode; defaults: the spec's xRET on the CSR slots, wfi and sfence.vma do nothing). */
  readonly mret?: HelperImpl;
  readonly sret?: HelperImpl;
  readonly wfi?: HelperImpl;
  readonly sfenceVma?: HelperImpl;
}

function def(name: string, ret: IrType | "void", args: readonly IrType[], flags: number, impl: HelperImpl): HelperDef {
  return Object.freeze({ name, ret, args: Object.freeze([...args]), flags, impl });
}

const u64 = (v: bigint | undefined): bigint => BigInt.asUintN(64, v ?? 0n);
const num = (v: bigint | undefined): number => Number(BigInt.asUintN(32, v ?? 0n));

/** User-mode CSR hook: every CSR the front end does not handle itself is illegal. */
const userCsrRw: HelperImpl = (env, a) => {
  recordException(env.state, Cause.ILLEGAL_INSN, u64(a[4]) & 0xffffffffn, u64(a[3]));
  return 1n;
};

const instret: HelperImpl = (env) => env.state.getBigInt64(CpuOffset.INSTRET, true);

function xret(m: boolean): HelperImpl {
  // The spec's xRET: pc = xepc; priv = xPP; xIE = xPIE; xPIE = 1; xPP = U (and MPRV = 0 if leaving M).
  return (env, a) => {
    const s = env.state;
    const priv = s.getUint32(CpuOffset.PRIV, true);
    let ms = s.getBigUint64(csrSlotOffset(Csr.MSTATUS), true);
    if (!m && (priv < Priv.S || (priv === Priv.S && (ms & (1n << 22n)) !== 0n))) {
      recordException(s, Cause.ILLEGAL_INSN, u64(a[1]) & 0xffffffffn, u64(a[0]));
      return 1n;
    }
    const epc = s.getBigUint64(csrSlotOffset(m ? Csr.MEPC : Csr.SEPC), true);
    let pp: number;
    if (m) {
      pp = Number((ms >> 11n) & 3n);
      ms = (ms & ~(1n << 3n)) | (((ms >> 7n) & 1n) << 3n);
      ms = (ms | (1n << 7n)) & ~(3n << 11n);
    } else {
      pp = Number((ms >> 8n) & 1n);
      ms = (ms & ~(1n << 1n)) | (((ms >> 5n) & 1n) << 1n);
      ms = (ms | (1n << 5n)) & ~(1n << 8n);
    }
    if (pp !== Priv.M) ms &= ~(1n << 17n);
    s.setBigUint64(csrSlotOffset(Csr.MSTATUS), ms, true);
    s.setUint32(CpuOffset.PRIV, pp, true);
    s.setBigUint64(CpuOffset.PC, epc & ~1n, true);
    return 0n;
  };
}

const okStatus: HelperImpl = () => 0n;

function fpHelper(name: string): HelperDef {
  const op = FP_OPS.get(name);
  if (op === undefined) throw new Error(`no FPU operation '${name}'`);
  const n = op.operands.length;
  const args: IrType[] = [...Array<IrType>(n).fill("i64"), "i32"];
  const impl: HelperImpl = (env, a) => {
    const s = env.state;
    let rm = num(a[n]);
    if (rm === 7) rm = s.getUint32(CpuOffset.FRM, true) & 7;
    const st = new FpStatus();
    const r = op.exec(u64(a[0]), u64(a[1]), u64(a[2]), (rm > 4 ? 0 : rm) as RoundingMode, st);
    if (st.flags !== 0) s.setUint32(CpuOffset.FFLAGS, (s.getUint32(CpuOffset.FFLAGS, true) | st.flags) & 0x1f, true);
    return BigInt.asIntN(64, r);
  };
  // Reads only its arguments and fflags/frm (not globals); writes only fflags.
  return def(`fp_${name.replace(/\./g, "_")}`, "i64", args, HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS, impl);
}

/**
 * Builds the helper set. Call once per translator (or once per process) and reuse it:
 * helpers are identified by object identity within a TB and by name across modules.
 */
export function createRiscvHelpers(hooks: RiscvHelperHooks = {}): RiscvHelpers {
  const quiet = HELPER_NO_READ_GLOBALS | HELPER_NO_WRITE_GLOBALS;
  const fp = new Map<string, HelperDef>();
  for (const name of FP_OPS.keys()) fp.set(name, fpHelper(name));
  return Object.freeze({
    raiseException: def("raise_exception", "void", ["i32", "i64", "i64"], HELPER_NO_RETURN | HELPER_NO_WRITE_GLOBALS, (env, a) => {
      recordException(env.state, num(a[0]), u64(a[1]), u64(a[2]));
      return undefined;
    }),
    ecall: def("ecall", "void", ["i64"], HELPER_NO_RETURN | HELPER_NO_WRITE_GLOBALS, (env, a) => {
      const priv = env.state.getUint32(CpuOffset.PRIV, true);
      recordException(env.state, Cause.ECALL_U + priv, 0n, u64(a[0]));
      return undefined;
    }),
    csrRw: def("csr_rw", "i32", ["i32", "i32", "i64", "i64", "i32"], 0, hooks.csrRw ?? userCsrRw),
    readCounter: def("read_counter", "i64", ["i32"], quiet | HELPER_NO_SIDE_EFFECTS, hooks.readCounter ?? instret),
    mret: def("mret", "i32", ["i64", "i32"], 0, hooks.mret ?? xret(true)),
    sret: def("sret", "i32", ["i64", "i32"], 0, hooks.sret ?? xret(false)),
    wfi: def("wfi", "i32", ["i64", "i32"], 0, hooks.wfi ?? okStatus),
    sfenceVma: def("sfence_vma", "i32", ["i64", "i64", "i64", "i32"], 0, hooks.sfenceVma ?? okStatus),
    fp,
  });
}
