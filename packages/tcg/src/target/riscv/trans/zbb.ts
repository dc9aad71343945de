/**
 * Zbb: basic bit manipulation.
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import { genArith, genArithImm, genArithW, genUnary, type DisasContext } from "../disas-context.js";
import type { TransTable } from "./types.js";

function genMinMax(ctx: DisasContext, a: Instruction, cond: "lt" | "ltu" | "gt" | "gtu"): boolean {
  const t = ctx.t64();
  ctx.b.movcond(t, cond, ctx.x(a.rs1), ctx.x(a.rs2), ctx.x(a.rs1), ctx.x(a.rs2));
  ctx.setX(a.rd, t);
  return true;
}

/** clzw: clz of the zero-extended low word, minus 32 (32 for a zero word). */
function transClzw(ctx: DisasContext, a: Instruction): boolean {
  return genUnary(ctx, a, (b, d, s) => {
    b.ext32u(d, s);
    b.clz(d, d);
    b.sub(d, d, 32);
  });
}

/** ctzw: ctz with bit 32 set, so a zero word gives 32. */
function transCtzw(ctx: DisasContext, a: Instruction): boolean {
  return genUnary(ctx, a, (b, d, s) => {
    b.or(d, s, 0x1_0000_0000n);
    b.ctz(d, d);
  });
}

/**
 * orc.b: each byte becomes 0xff if non-zero, else 0. Bit 7 of ((x & 0x7f..) + 0x7f..) | x
 * is set exactly for the non-zero bytes; that bit times 0xff fills the byte.
 */
function transOrcB(ctx: DisasContext, a: Instruction): boolean {
  const lo7 = 0x7f7f_7f7f_7f7f_7f7fn;
  return genUnary(ctx, a, (b, d, s) => {
    b.and(d, s, lo7);
    b.add(d, d, lo7);
    b.or(d, d, s);
    b.andc(d, d, lo7);
    b.shr(d, d, 7);
    b.mul(d, d, 0xff);
  });
}

/** Zbb translators. */
export const ZBB_TRANS = {
  andn: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.andc(d, x, y)),
  orn: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.orc(d, x, y)),
  xnor: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.eqv(d, x, y)),
  clz: (ctx, a) => genUnary(ctx, a, (b, d, s) => b.clz(d, s)),
  ctz: (ctx, a) => genUnary(ctx, a, (b, d, s) => b.ctz(d, s)),
  cpop: (ctx, a) => genUnary(ctx, a, (b, d, s) => b.ctpop(d, s)),
  clzw: transClzw,
  ctzw: transCtzw,
  cpopw: (ctx, a) => genUnary(ctx, a, (b, d, s) => {
    b.ext32u(d, s);
    b.ctpop(d, d);
  }),
  max: (ctx, a) => genMinMax(ctx, a, "gt"),
  maxu: (ctx, a) => genMinMax(ctx, a, "gtu"),
  min: (ctx, a) => genMinMax(ctx, a, "lt"),
  minu: (ctx, a) => genMinMax(ctx, a, "ltu"),
  "sext.b": (ctx, a) => genUnary(ctx, a, (b, d, s) => b.ext8s(d, s)),
  "sext.h": (ctx, a) => genUnary(ctx, a, (b, d, s) => b.ext16s(d, s)),
  "zext.h": (ctx, a) => genUnary(ctx, a, (b, d, s) => b.ext16u(d, s)),
  rol: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.rotl(d, x, y)),
  ror: (ctx, a) => genArith(ctx, a, (b, d, x, y) => b.rotr(d, x, y)),
  rolw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.rotl(d, x, y)),
  rorw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.rotr(d, x, y)),
  rori: (ctx, a) => genArithImm(ctx, a, (b, d, x, y) => b.rotr(d, x, y)),
  roriw: (ctx, a) => genArithW(ctx, a, (b, d, x, y) => b.rotr(d, x, y), a.imm),
  "orc.b": transOrcB,
  rev8: (ctx, a) => genUnary(ctx, a, (b, d, s) => b.bswap64(d, s)),
} satisfies TransTable;
