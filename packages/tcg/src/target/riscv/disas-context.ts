/**
 * The per-TB translation context (QEMU's `DisasContext`) and the shared code generators
 * the `trans*` functions call: register access, arithmetic shapes, guest memory, exits
 * (goto_tb / lookup_and_goto_ptr / exit_tb) and exceptions.
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import { IrBuilder, type Val } from "../../ir/builder.js";
import type { Cond } from "../../ir/cond.js";
import type { IrFunc } from "../../ir/func.js";
import type { Temp } from "../../ir/temp.js";
import { Cause, CpuOffset, Csr, csrSlotOffset, GLOBAL_PC, RISCV_EXIT_EXCEPTION } from "./cpu-state.js";
import type { RiscvHelpers } from "./helpers.js";
import { type RiscvTbFlags } from "./tb-flags.js";

/**
 * How the TB continues after an instruction (QEMU's `DisasJumpType`).
 * - `next`: fall through to the next instruction.
 * - `noreturn`: the instruction ended the TB itself (a jump, an exception, an exit).
 * - `exit`: the TB must end after this instruction with pc = next and `exit_tb`
 *   without chaining (state the TB depends on may have changed).
 */
export type DisasJump = "next" | "noreturn" | "exit";

/** mstatus bits set by the first FP state write: FS = Dirty (14..13 = 3) and SD (63). */
const MSTATUS_FS_DIRTY = -0x8000_0000_0000_0000n | (3n << 13n);

/** Binary IR emitter passed to the shared generators (`b.add`, `b.xor`...). */
export type BinEmit<T extends "i32" | "i64"> = (b: IrBuilder, d: Temp<T>, a: Temp<T>, c: Val<T>) => void;

/** The state of one translation. */
export class DisasContext {
  /** The IR builder for the TB. */
  readonly b: IrBuilder;
  /** pc of the TB's first instruction. */
  readonly pcFirst: bigint;
  /** pc of the instruction being translated. */
  pc = 0n;
  /** pc of the next instruction (pc + length). */
  pcNext = 0n;
  /** The instruction being translated. */
  insn!: Instruction;
  /** What happens after the current instruction. */
  isJmp: DisasJump = "next";
  /** Whether a dynamic rounding mode has been checked (frm valid) earlier in this TB. */
  frmChecked = false;
  /** Whether this TB already set mstatus.FS to Dirty. */
  private fsMarked = false;
  /** Out-of-line code emitted after the TB's last instruction (exception paths). */
  private readonly tails: (() => void)[] = [];
  /** The globals: x0..x31 at 0..31, f0..f31 at 32..63 (read in place, not copied per TB). */
  private readonly g: readonly Temp<"i64">[];
  /** The `pc` global. */
  readonly pcReg: Temp<"i64">;
  /** Destinations of the TB's goto_tb exits, in emission order. */
  readonly successors: bigint[] = [];

  /**
   * @param func the TB's IR function (created with RISCV_GLOBALS).
   * @param helpers the helper set.
   * @param flags the TB flags.
   * @param pcFirst the TB's start pc.
   * @param useGotoTb whether direct jumps to `dest` may be chained.
   */
  constructor(
    readonly func: IrFunc,
    readonly helpers: RiscvHelpers,
    readonly flags: RiscvTbFlags,
    pcFirst: bigint,
    private readonly useGotoTb: (dest: bigint) => boolean,
  ) {
    this.b = new IrBuilder(func);
    this.pcFirst = pcFirst;
    const g = func.globals as Temp<"i64">[];
    this.g = g;
    this.pcReg = g[GLOBAL_PC]!;
  }

  /** The global of x[i] (x0 is the hardwired-zero global). */
  x(i: number): Temp<"i64"> {
    return this.g[i]!;
  }
  /** The global of f[i]. */
  f(i: number): Temp<"i64"> {
    return this.g[32 + i]!;
  }
  /** Global `i` of RISCV_GLOBALS (res_addr, ...). */
  global<T extends "i32" | "i64">(index: number): Temp<T> {
    return this.func.globals[index] as Temp<T>;
  }

  /**
   * Writes `v` to x[rd] (nothing for x0). Generators compute into temps and write rd last,
   * so an instruction whose rd is also a source reads the old value.
   */
  setX(rd: number, v: Val<"i64">): void {
    if (rd !== 0) this.b.mov(this.x(rd), v);
  }

  /**
   * Before an instruction writes FP state (f registers, fflags, frm): in system mode, unless
   * the TB flags say FS is already Dirty, set mstatus.FS = Dirty and mstatus.SD, once per TB
   * (later TBs are looked up with the new flags).
   */
  markFsDirty(): void {
    if (!this.flags.system || this.flags.fsDirty === true || this.fsMarked) return;
    const t = this.t64();
    this.b.ld(t, csrSlotOffset(Csr.MSTATUS));
    this.b.or(t, t, MSTATUS_FS_DIRTY);
    this.b.st(t, csrSlotOffset(Csr.MSTATUS));
    this.fsMarked = true;
  }

  /** A fresh bb temp of i64. */
  t64(): Temp<"i64"> {
    return this.b.temp("i64");
  }
  /** A fresh bb temp of i32. */
  t32(): Temp<"i32"> {
    return this.b.temp("i32");
  }

  /** Defers `emit` to after the TB's last instruction (must start with `set_label`). */
  addTail(emit: () => void): void {
    this.tails.push(emit);
  }
  /** Emits the deferred out-of-line code. */
  emitTails(): void {
    for (const t of this.tails) t();
    this.tails.length = 0;
  }

  // ---- exits

  /**
   * Notes a pc likely to run soon though no exit of this TB jumps there (a call's return
   * point): the loop may translate it into the same module.
   */
  likelySuccessor(pc: bigint): void {
    const p = BigInt.asUintN(64, pc);
    if (!this.successors.includes(p)) this.successors.push(p);
  }

  /** Ends the TB with a jump to the constant `dest` through goto_tb slot `slot` when allowed. */
  gotoTb(slot: 0 | 1, dest: bigint): void {
    if (this.useGotoTb(dest)) {
      if (!this.successors.includes(dest)) this.successors.push(dest);
      this.b.gotoTb(slot);
      this.b.mov(this.pcReg, dest);
      this.b.exitTb(slot);
    } else {
      this.b.mov(this.pcReg, dest);
      this.b.lookupAndGotoPtr();
    }
  }

  /** Ends the TB with a jump to a computed pc. */
  gotoPtr(dest: Temp<"i64">): void {
    this.b.mov(this.pcReg, dest);
    this.b.lookupAndGotoPtr();
  }

  /**
   * Raises exception `cause` at the current instruction (noreturn helper; state as of
   * before the instruction), and marks the instruction as ending the TB.
   */
  raise(cause: number, tval: bigint): void {
    this.b.call(this.helpers.raiseException, undefined, [cause, tval, this.pc]);
    this.isJmp = "noreturn";
  }

  /** Raises illegal instruction for the current instruction (tval: its bits). */
  illegal(): void {
    this.raise(Cause.ILLEGAL_INSN, BigInt(this.insn.raw));
  }

  /**
   * After a "may raise" helper returned `status`: branch out of line to
   * `exit_tb RISCV_EXIT_EXCEPTION` when it is non-zero.
   */
  checkStatus(status: Temp<"i32">): void {
    const l = this.b.label();
    this.b.brcond("ne", status, 0, l);
    this.addTail(() => {
      this.b.setLabel(l);
      this.b.exitTb(RISCV_EXIT_EXCEPTION);
    });
  }

  /**
   * The rounding mode operand for an instruction's `rm` field: the constant for a static
   * mode; for the dynamic mode (7), a run-time check that frm is valid (raising illegal
   * instruction out of line otherwise), once per TB, and the constant 7 (the helper reads frm).
   */
  roundingMode(rm: number): number {
    if (rm !== 7 || this.frmChecked) return rm;
    const frm = this.t32();
    this.b.ld(frm, CpuOffset.FRM);
    const l = this.b.label();
    this.b.brcond("geu", frm, 5, l);
    const pc = this.pc;
    const raw = BigInt(this.insn.raw);
    this.addTail(() => {
      this.b.setLabel(l);
      this.b.call(this.helpers.raiseException, undefined, [Cause.ILLEGAL_INSN, raw, pc]);
    });
    this.frmChecked = true;
    return 7;
  }
}

// ---- shared generators (QEMU's gen_* helpers)

/** rd = op(rs1, rs2) on 64 bits. */
export function genArith(ctx: DisasContext, a: Instruction, op: BinEmit<"i64">): boolean {
  const t = ctx.t64();
  op(ctx.b, t, ctx.x(a.rs1), ctx.x(a.rs2));
  ctx.setX(a.rd, t);
  return true;
}

/** rd = op(rs1, imm) on 64 bits. */
export function genArithImm(ctx: DisasContext, a: Instruction, op: BinEmit<"i64">, imm: Val<"i64"> = a.imm): boolean {
  const t = ctx.t64();
  op(ctx.b, t, ctx.x(a.rs1), imm);
  ctx.setX(a.rd, t);
  return true;
}

/** The low 32 bits of an x register as an i32 temp. */
export function low32(ctx: DisasContext, r: number): Temp<"i32"> {
  const t = ctx.t32();
  ctx.b.extrlI64I32(t, ctx.x(r));
  return t;
}

/** rd = sext(op32(rs1[31:0], rs2[31:0] or imm)): the *W instructions. */
export function genArithW(ctx: DisasContext, a: Instruction, op: BinEmit<"i32">, imm?: number): boolean {
  const r = ctx.t32();
  op(ctx.b, r, low32(ctx, a.rs1), imm ?? low32(ctx, a.rs2));
  const t = ctx.t64();
  ctx.b.extI32I64(t, r);
  ctx.setX(a.rd, t);
  return true;
}

/** rd = op(rs1) on 64 bits. */
export function genUnary(ctx: DisasContext, a: Instruction, op: (b: IrBuilder, d: Temp<"i64">, s: Temp<"i64">) => void): boolean {
  const t = ctx.t64();
  op(ctx.b, t, ctx.x(a.rs1));
  ctx.setX(a.rd, t);
  return true;
}

/** rd = (rs1 cond rs2-or-imm) ? 1 : 0. */
export function genSetcond(ctx: DisasContext, a: Instruction, cond: Cond, imm?: number): boolean {
  const t = ctx.t64();
  ctx.b.setcond(t, cond, ctx.x(a.rs1), imm ?? ctx.x(a.rs2));
  ctx.setX(a.rd, t);
  return true;
}

/** The effective address rs1 + imm. */
export function genAddr(ctx: DisasContext, rs1: number, imm: number): Temp<"i64"> {
  if (imm === 0) return ctx.x(rs1);
  const t = ctx.t64();
  ctx.b.add(t, ctx.x(rs1), imm);
  return t;
}

/** rd = load(rs1 + imm) with MemOp `mop`. */
export function genLoad(ctx: DisasContext, a: Instruction, mop: number): boolean {
  const addr = genAddr(ctx, a.rs1, a.imm);
  const t = ctx.t64();
  ctx.b.guestLd(t, addr, mop);
  ctx.setX(a.rd, t);
  return true;
}

/** store(rs1 + imm) = rs2 with MemOp `mop`. */
export function genStore(ctx: DisasContext, a: Instruction, mop: number): boolean {
  const addr = genAddr(ctx, a.rs1, a.imm);
  ctx.b.guestSt(ctx.x(a.rs2), addr, mop);
  return true;
}

/** Conditional branch to pc + imm: goto_tb 1 on fall-through, goto_tb 0 when taken. */
export function genBranch(ctx: DisasContext, a: Instruction, cond: Cond): boolean {
  const taken = ctx.b.label();
  ctx.b.brcond(cond, ctx.x(a.rs1), ctx.x(a.rs2), taken);
  ctx.gotoTb(1, ctx.pcNext);
  ctx.b.setLabel(taken);
  ctx.gotoTb(0, BigInt.asUintN(64, ctx.pc + BigInt(a.imm)));
  ctx.isJmp = "noreturn";
  return true;
}
