/**
 * Zbs: single-bit instructions (the bit index is taken modulo 64, as the IR's shifts do).
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import type { Val } from "../../../ir/builder.js";
import type { DisasContext } from "../disas-context.js";
import type { TransTable } from "./types.js";

type BitOp = "clr" | "inv" | "set" | "ext";

function genBit(ctx: DisasContext, a: Instruction, op: BitOp, imm: boolean): boolean {
  const b = ctx.b;
  const t = ctx.t64();
  const idx: Val<"i64"> = imm ? a.imm : ctx.x(a.rs2);
  if (op === "ext") {
    b.shr(t, ctx.x(a.rs1), idx);
    b.and(t, t, 1);
  } else {
    const bit = ctx.t64();
    if (imm) b.mov(bit, 1n << BigInt(a.imm));
    else b.shl(bit, b.constant("i64", 1), idx);
    if (op === "clr") b.andc(t, ctx.x(a.rs1), bit);
    else if (op === "inv") b.xor(t, ctx.x(a.rs1), bit);
    else b.or(t, ctx.x(a.rs1), bit);
  }
  ctx.setX(a.rd, t);
  return true;
}

/** Zbs translators. */
export const ZBS_TRANS = {
  bclr: (ctx, a) => genBit(ctx, a, "clr", false),
  bclri: (ctx, a) => genBit(ctx, a, "clr", true),
  bext: (ctx, a) => genBit(ctx, a, "ext", false),
  bexti: (ctx, a) => genBit(ctx, a, "ext", true),
  binv: (ctx, a) => genBit(ctx, a, "inv", false),
  binvi: (ctx, a) => genBit(ctx, a, "inv", true),
  bset: (ctx, a) => genBit(ctx, a, "set", false),
  bseti: (ctx, a) => genBit(ctx, a, "set", true),
} satisfies TransTable;
