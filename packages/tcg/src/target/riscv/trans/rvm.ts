/**
 * RV64M: multiplication and division. Division by zero and signed overflow give
 * RISC-V's results (x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0) through the IR's
 * total division ops.
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import { genArith, genArithW, type DisasContext } from "../disas-context.js";
import type { TransTable } from "./types.js";

function transMulhsu(ctx: DisasContext, a: Instruction): boolean {
  // signed(a) * unsigned(b), high half = muluh(a, b) - (a < 0 ? b : 0).
  const hi = ctx.t64();
  const m = ctx.t64();
  ctx.b.muluh(hi, ctx.x(a.rs1), ctx.x(a.rs2));
  ctx.b.sar(m, ctx.x(a.rs1), 63);
  ctx.b.and(m, m, ctx.x(a.rs2));
  ctx.b.sub(hi, hi, m);
  ctx.setX(a.rd, hi);
  return true;
}

/** RV64M translators. */
export const RVM_TRANS = {
  mul: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.mul(d, x, y)),
  mulh: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.mulsh(d, x, y)),
  mulhsu: transMulhsu,
  mulhu: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.muluh(d, x, y)),
  div: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.div(d, x, y)),
  divu: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.divu(d, x, y)),
  rem: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.rem(d, x, y)),
  remu: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.remu(d, x, y)),
  mulw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.mul(d, x, y)),
  divw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.div(d, x, y)),
  divuw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.divu(d, x, y)),
  remw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.rem(d, x, y)),
  remuw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.remu(d, x, y)),
} satisfies TransTable;
