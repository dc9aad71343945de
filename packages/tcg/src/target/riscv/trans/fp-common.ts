/**
 * Shared generators of the F and D extensions: FP helper calls with static or dynamic
 * rounding modes, NaN-boxing loads and moves, and the inline sign-injection of doubles.
 *
 * Every F/D instruction is illegal when the TB flags say FS is off. Arithmetic goes
 * through one helper per instruction (`fp_fadd_s`...) on the bit-exact FPU library; the
 * helper ORs its exception flags into fflags. A dynamic rounding mode (rm = 7) is checked
 * at run time (frm of 5..7 raises illegal instruction at this instruction, out of line),
 * once per TB: frm only changes through CSR instructions, which reset the check.
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import { memop } from "../../../ir/memop.js";
import type { Temp } from "../../../ir/temp.js";
import { genAddr, type DisasContext } from "../disas-context.js";

/** Upper word of a NaN-boxed single. */
export const NAN_BOX = -0x1_0000_0000n;

/** Writes f[rd] (and marks the FP state dirty in system mode). */
export function setF(ctx: DisasContext, rd: number, v: Temp<"i64"> | bigint): void {
  ctx.markFsDirty();
  ctx.b.mov(ctx.f(rd), v);
}

/**
 * rd = the FPU helper of the instruction's mnemonic applied to its sources: f registers
 * rs1/rs2/rs3 or x[rs1], as the FPU table says; the rounding-mode argument is the
 * instruction's rm field when it has one.
 */
export function genFpHelper(ctx: DisasContext, a: Instruction): boolean {
  if (ctx.flags.fsOff) return false;
  const h = ctx.helpers.fp.get(a.name);
  if (h === undefined) return false;
  const nIn = h.args.length - 1;
  const fromX = a.spec.operands.includes("frs1") === false;
  const srcs = [a.rs1, a.rs2, a.rs3].slice(0, nIn).map((r) => (fromX ? ctx.x(r) : ctx.f(r)));
  const rm = a.spec.operands.includes("rm") ? ctx.roundingMode(a.rm) : 0;
  const t = ctx.t64();
  ctx.markFsDirty();
  ctx.b.call(h, t, [...srcs, rm]);
  if (a.spec.operands.startsWith("frd")) setF(ctx, a.rd, t);
  else ctx.setX(a.rd, t);
  return true;
}

/** flw/fld: load, NaN-boxing singles. */
export function genFpLoad(ctx: DisasContext, a: Instruction, size: 32 | 64): boolean {
  if (ctx.flags.fsOff) return false;
  const addr = genAddr(ctx, a.rs1, a.imm);
  const t = ctx.t64();
  ctx.b.guestLd(t, addr, memop(size));
  if (size === 32) ctx.b.or(t, t, NAN_BOX);
  setF(ctx, a.rd, t);
  return true;
}

/** fsw/fsd: store the low 32 or all 64 bits of f[rs2]. */
export function genFpStore(ctx: DisasContext, a: Instruction, size: 32 | 64): boolean {
  if (ctx.flags.fsOff) return false;
  const addr = genAddr(ctx, a.rs1, a.imm);
  ctx.b.guestSt(ctx.f(a.rs2), addr, memop(size));
  return true;
}

/** fmv.x.w (sign-extend the low word) / fmv.x.d (copy). */
export function genFmvToX(ctx: DisasContext, a: Instruction, size: 32 | 64): boolean {
  if (ctx.flags.fsOff) return false;
  const t = ctx.t64();
  if (size === 32) ctx.b.ext32s(t, ctx.f(a.rs1));
  else ctx.b.mov(t, ctx.f(a.rs1));
  ctx.setX(a.rd, t);
  return true;
}

/** fmv.w.x (NaN-box the low word) / fmv.d.x (copy). */
export function genFmvFromX(ctx: DisasContext, a: Instruction, size: 32 | 64): boolean {
  if (ctx.flags.fsOff) return false;
  const t = ctx.t64();
  if (size === 32) ctx.b.or(t, ctx.x(a.rs1), NAN_BOX);
  else ctx.b.mov(t, ctx.x(a.rs1));
  setF(ctx, a.rd, t);
  return true;
}

/** fsgnj.d / fsgnjn.d / fsgnjx.d inline: the sign bit of rs2 (negated / xored) on rs1. */
export function genFsgnjD(ctx: DisasContext, a: Instruction, kind: "j" | "n" | "x"): boolean {
  if (ctx.flags.fsOff) return false;
  const b = ctx.b;
  const t = ctx.t64();
  if (kind === "x") {
    b.and(t, ctx.f(a.rs2), -0x8000_0000_0000_0000n);
    b.xor(t, ctx.f(a.rs1), t);
  } else {
    const s = ctx.t64();
    if (kind === "n") b.not(s, ctx.f(a.rs2));
    else b.mov(s, ctx.f(a.rs2));
    b.shr(s, s, 63);
    b.deposit(t, ctx.f(a.rs1), s, 63, 1);
  }
  setF(ctx, a.rd, t);
  return true;
}
