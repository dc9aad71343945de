/**
 * The RISC-V vCPU state: one fixed, typed layout of byte offsets, shared by the front
 * end (IR globals and `ld`/`st` offsets), the helpers, the execution loop, user mode and
 * system mode. Every vCPU has its own block of {@link CPU_STATE_BYTES} bytes in shared
 * memory (a SharedArrayBuffer or the shared WebAssembly.Memory, right after the vCPU's
 * control block, see `CTRL_BYTES` in backend/wasm/lower-abi.ts); offsets below are
 * relative to the start of that block, little-endian, naturally aligned.
 *
 * | offset  | size | field | IR |
 * |---------|------|-------|----|
 * | 0x000   | 8×32 | x0..x31 (x0 reads as zero, never written) | globals `x0`..`x31` (i64) |
 * | 0x100   | 8×32 | f0..f31 raw bits; singles NaN-boxed (upper 32 bits all ones) | globals `f0`..`f31` (i64) |
 * | 0x200   | 8    | pc — valid between TBs only (inside a TB see `insn_start`) | global `pc` |
 * | 0x208   | 8    | load reservation: address | global `res_addr` |
 * | 0x210   | 8    | load reservation: the value LR loaded (SC compares against it) | global `res_val` |
 * | 0x218   | 4    | load reservation: valid (0/1) | global `res_valid` (i32) |
 * | 0x21c   | 4    | fflags (bits 4..0: NV DZ OF UF NX) | `ld`/`st`; FP helpers OR into it |
 * | 0x220   | 4    | frm (0..7; 5..7 make dynamic-rm instructions illegal) | `ld`/`st` |
 * | 0x224   | 4    | priv: current privilege (0 U, 1 S, 3 M) | helpers, exec |
 * | 0x228   | 4    | exitRequest (Int32, see below) | exec |
 * | 0x22c   | 4    | excPending: 1 when an exception was recorded (below) | helpers, exec |
 * | 0x230   | 8    | excCause: the exception cause (mcause encoding, no interrupt bit) | helpers |
 * | 0x238   | 8    | excTval: the trap value (bad instruction bits, bad address, ...) | helpers |
 * | 0x240   | 8    | excPc: the pc of the instruction that raised | helpers |
 * | 0x248   | 8    | csrValue: scratch for the CSR hook's old value | helper → `ld` |
 * | 0x250   | 8    | instret (user mode counts it in the loop; read by `rdinstret`) | exec |
 * | 0x258   | 8    | reserved |
 * | 0x260.. | 8×N  | CSR file for system mode: {@link Csr} (one u64 per CSR) | helpers |
 * | ..0x400 |      | reserved (room for pmp and counters) | |
 *
 * `exitRequest`: the back end polls an Int32 word at every TB entry (the address is in
 * the control block's `EXIT_REQ_PTR`). The execution loop may point it at this field (or
 * at the TB arena's per-vCPU word); another thread sets it with `Atomics.store` to stop the
 * vCPU between TBs (interrupts, safe work, signals).
 *
 * Exceptions (the precise-exception contract; see also translate.ts): generated code
 * never changes architectural state of an instruction that raises. A raising instruction
 * either calls a `noreturn` helper (`raise_exception`, `ecall`), which fills excPending,
 * excCause, excTval and excPc, or a helper that may raise records the same fields and
 * the code exits with `exit_tb` {@link RISCV_EXIT_EXCEPTION}; or a guest memory access
 * faults, which the back end reports with the pc of the last `insn_start` (EXIT_PC) and
 * the faulting address, and the loop turns into a load/store access or misaligned fault.
 *
 * @module
 */
import type { GlobalDef } from "../../ir/temp.js";

/** Bytes of one vCPU's state block (a multiple of 64 so blocks can be packed in an array). */
export const CPU_STATE_BYTES = 0x400;

/** Offset of x[i] (i64). */
export function xOffset(i: number): number {
  return i * 8;
}
/** Offset of f[i] (i64 raw bits). */
export function fOffset(i: number): number {
  return 0x100 + i * 8;
}

/** Byte offsets of the named fields of the CPU state (see the module comment). */
export const CpuOffset = {
  /** x0..x31, 8 bytes each. */
  X: 0x000,
  /** f0..f31, 8 bytes each. */
  F: 0x100,
  /** The pc (i64). */
  PC: 0x200,
  /** Load reservation address (i64). */
  RES_ADDR: 0x208,
  /** Value loaded by LR (i64, sign-extended for lr.w). */
  RES_VAL: 0x210,
  /** Reservation valid (i32, 0 or 1). */
  RES_VALID: 0x218,
  /** fflags (i32, low 5 bits). */
  FFLAGS: 0x21c,
  /** frm (i32, 0..7). */
  FRM: 0x220,
  /** Privilege level (i32: 0 U, 1 S, 3 M). */
  PRIV: 0x224,
  /** Exit request word (Int32). */
  EXIT_REQUEST: 0x228,
  /** 1 when an exception has been recorded (i32). */
  EXC_PENDING: 0x22c,
  /** Exception cause (i64). */
  EXC_CAUSE: 0x230,
  /** Exception trap value (i64). */
  EXC_TVAL: 0x238,
  /** pc of the raising instruction (i64). */
  EXC_PC: 0x240,
  /** Scratch: the CSR hook's result (i64). */
  CSR_VALUE: 0x248,
  /** Retired-instruction counter kept by the loop (i64). */
  INSTRET: 0x250,
  /** Start of the system-mode CSR file, 8 bytes per {@link Csr} slot. */
  CSR_FILE: 0x260,
} as const;

/**
 * Slots of the system-mode CSR file (offset `CSR_FILE + 8 * slot`). Only reserved here:
 * system mode's CSR hook owns their semantics (sstatus/sie/sip are views of
 * mstatus/mie/mip and have no slot).
 */
export const Csr = {
  MSTATUS: 0, MISA: 1, MEDELEG: 2, MIDELEG: 3, MIE: 4, MIP: 5, MTVEC: 6, MSCRATCH: 7,
  MEPC: 8, MCAUSE: 9, MTVAL: 10, MCOUNTEREN: 11, MENVCFG: 12, MHARTID: 13, MCYCLE: 14, MINSTRET: 15,
  STVEC: 16, SSCRATCH: 17, SEPC: 18, SCAUSE: 19, STVAL: 20, SCOUNTEREN: 21, SENVCFG: 22, SATP: 23,
  STIMECMP: 24, MTINST: 25, MTVAL2: 26, MSECCFG: 27,
  /** pmpcfg0, pmpcfg2 (RV64 uses the even ones). */
  PMPCFG0: 28, PMPCFG2: 29,
  /** pmpaddr0..pmpaddr15 occupy slots 30..45. */
  PMPADDR0: 30,
} as const;
/** Number of reserved CSR slots ({@link CpuOffset.CSR_FILE} + 8 × this ≤ CPU_STATE_BYTES). */
export const CSR_SLOTS = 52;

/** Offset of CSR-file slot `slot`. */
export function csrSlotOffset(slot: number): number {
  return CpuOffset.CSR_FILE + slot * 8;
}

/** Privilege levels as stored in {@link CpuOffset.PRIV}. */
export const Priv = { U: 0, S: 1, M: 3 } as const;

/** Exception causes (mcause values without the interrupt bit). */
export const Cause = {
  INSN_MISALIGNED: 0, INSN_ACCESS: 1, ILLEGAL_INSN: 2, BREAKPOINT: 3, LOAD_MISALIGNED: 4,
  LOAD_ACCESS: 5, STORE_MISALIGNED: 6, STORE_ACCESS: 7, ECALL_U: 8, ECALL_S: 9, ECALL_M: 11,
  INSN_PAGE_FAULT: 12, LOAD_PAGE_FAULT: 13, STORE_PAGE_FAULT: 15,
} as const;

/**
 * `exit_tb` codes of RISC-V TBs (0 and 1 are the goto_tb slots and belong to the IR):
 * the loop must look at the CPU state before continuing.
 */
/** `exit_tb 2`: state changed in a way that forbids chaining (CSR write, fence.i, mret, wfi...); pc is set. */
export const RISCV_EXIT_NOCHAIN = 2;
/** `exit_tb 3`: a helper recorded an exception (excPending/excCause/excTval/excPc); deliver it. */
export const RISCV_EXIT_EXCEPTION = 3;
/** `exit_tb 4`: wfi — pc is the next instruction; the loop may sleep until an interrupt. */
export const RISCV_EXIT_WFI = 4;

const globals: GlobalDef[] = [];
for (let i = 0; i < 32; i++) globals.push(i === 0 ? { name: "x0", type: "i64", offset: 0, hardwiredZero: true } : { name: `x${i}`, type: "i64", offset: xOffset(i) });
for (let i = 0; i < 32; i++) globals.push({ name: `f${i}`, type: "i64", offset: fOffset(i) });
globals.push({ name: "pc", type: "i64", offset: CpuOffset.PC });
globals.push({ name: "res_addr", type: "i64", offset: CpuOffset.RES_ADDR });
globals.push({ name: "res_val", type: "i64", offset: CpuOffset.RES_VAL });
globals.push({ name: "res_valid", type: "i32", offset: CpuOffset.RES_VALID });

/**
 * The IR globals of the RISC-V CPU state, in a fixed order: x0..x31 (indices 0..31),
 * f0..f31 (32..63), pc (64), res_addr, res_val, res_valid. Pass this same array to every
 * `IrFunc` (it is immutable; the IR checks a global list once).
 */
export const RISCV_GLOBALS: readonly GlobalDef[] = Object.freeze(globals);
/** Index of `pc` in {@link RISCV_GLOBALS}. */
export const GLOBAL_PC = 64;
/** Index of `res_addr` in {@link RISCV_GLOBALS}. */
export const GLOBAL_RES_ADDR = 65;
/** Index of `res_val` in {@link RISCV_GLOBALS}. */
export const GLOBAL_RES_VAL = 66;
/** Index of `res_valid` in {@link RISCV_GLOBALS}. */
export const GLOBAL_RES_VALID = 67;

/**
 * A typed view of one vCPU's state block in a (shared) buffer. Reads and writes are plain
 * (not atomic) except {@link RiscvCpuState.requestExit}: the block belongs to its vCPU's
 * thread while it runs.
 */
export class RiscvCpuState {
  /** DataView over exactly this vCPU's block. */
  readonly view: DataView;
  private readonly i32: Int32Array;

  /**
   * @param buffer the memory holding the block (SharedArrayBuffer for several threads).
   * @param byteOffset where the block starts (a multiple of 8).
   */
  constructor(buffer: ArrayBufferLike, readonly byteOffset = 0) {
    if (byteOffset % 8 !== 0) throw new RangeError("the CPU state must be 8-byte aligned");
    this.view = new DataView(buffer, byteOffset, CPU_STATE_BYTES);
    this.i32 = new Int32Array(buffer, byteOffset, CPU_STATE_BYTES / 4);
  }

  /** A state block in a fresh (non-shared) buffer, for tests and single-threaded tools. */
  static create(): RiscvCpuState {
    return new RiscvCpuState(new ArrayBuffer(CPU_STATE_BYTES));
  }

  /** x[i] as a signed 64-bit value (x0 always reads 0). */
  x(i: number): bigint {
    return i === 0 ? 0n : this.view.getBigInt64(xOffset(i), true);
  }
  /** Sets x[i] (ignored for x0). */
  setX(i: number, v: bigint): void {
    if (i !== 0) this.view.setBigUint64(xOffset(i), BigInt.asUintN(64, v), true);
  }
  /** f[i] raw bits, unsigned. */
  f(i: number): bigint {
    return this.view.getBigUint64(fOffset(i), true);
  }
  /** Sets f[i] raw bits. */
  setF(i: number, v: bigint): void {
    this.view.setBigUint64(fOffset(i), BigInt.asUintN(64, v), true);
  }
  /** The pc (unsigned). */
  get pc(): bigint {
    return this.view.getBigUint64(CpuOffset.PC, true);
  }
  set pc(v: bigint) {
    this.view.setBigUint64(CpuOffset.PC, BigInt.asUintN(64, v), true);
  }
  /** fflags (5 bits). */
  get fflags(): number {
    return this.view.getUint32(CpuOffset.FFLAGS, true) & 0x1f;
  }
  set fflags(v: number) {
    this.view.setUint32(CpuOffset.FFLAGS, v & 0x1f, true);
  }
  /** frm (3 bits). */
  get frm(): number {
    return this.view.getUint32(CpuOffset.FRM, true) & 7;
  }
  set frm(v: number) {
    this.view.setUint32(CpuOffset.FRM, v & 7, true);
  }
  /** Privilege level. */
  get priv(): number {
    return this.view.getUint32(CpuOffset.PRIV, true);
  }
  set priv(v: number) {
    this.view.setUint32(CpuOffset.PRIV, v, true);
  }
  /** The recorded exception, or undefined when none is pending. */
  get exception(): { cause: number; tval: bigint; pc: bigint } | undefined {
    if (this.view.getUint32(CpuOffset.EXC_PENDING, true) === 0) return undefined;
    return {
      cause: Number(this.view.getBigUint64(CpuOffset.EXC_CAUSE, true)),
      tval: this.view.getBigUint64(CpuOffset.EXC_TVAL, true),
      pc: this.view.getBigUint64(CpuOffset.EXC_PC, true),
    };
  }
  /** Forgets the recorded exception (after delivering it). */
  clearException(): void {
    this.view.setUint32(CpuOffset.EXC_PENDING, 0, true);
  }
  /** Asks the vCPU to stop at its next TB entry (any thread; needs a shared buffer across threads). */
  requestExit(): void {
    Atomics.store(this.i32, CpuOffset.EXIT_REQUEST / 4, 1);
  }
  /** Reads and clears the exit request (the vCPU's own thread). */
  takeExitRequest(): boolean {
    return Atomics.exchange(this.i32, CpuOffset.EXIT_REQUEST / 4, 0) !== 0;
  }
  /** CSR-file slot (system mode). */
  csr(slot: number): bigint {
    return this.view.getBigUint64(csrSlotOffset(slot), true);
  }
  /** Sets a CSR-file slot. */
  setCsr(slot: number, v: bigint): void {
    this.view.setBigUint64(csrSlotOffset(slot), BigInt.asUintN(64, v), true);
  }
}

// Layout invariants, checked once at load time.
if (CpuOffset.CSR_FILE + CSR_SLOTS * 8 > CPU_STATE_BYTES) throw new Error("cpu-state: the CSR file overflows the block");
