/**
 * Zba: address generation (shift-and-add, unsigned-word forms).
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import type { DisasContext } from "../disas-context.js";
import type { TransTable } from "./types.js";

/** rd = (rs1 (zero-extended from 32 bits when `uw`) << sh) + rs2. */
function genShAdd(ctx: DisasContext, a: Instruction, sh: number, uw: boolean): boolean {
  const t = ctx.t64();
  if (uw) ctx.b.ext32u(t, ctx.x(a.rs1));
  else ctx.b.mov(t, ctx.x(a.rs1));
  if (sh !== 0) ctx.b.shl(t, t, sh);
  ctx.b.add(t, t, ctx.x(a.rs2));
  ctx.setX(a.rd, t);
  return true;
}

function transSlliUw(ctx: DisasContext, a: Instruction): boolean {
  const t = ctx.t64();
  ctx.b.ext32u(t, ctx.x(a.rs1));
  ctx.b.shl(t, t, a.imm);
  ctx.setX(a.rd, t);
  return true;
}

/** Zba translators. */
export const ZBA_TRANS = {
  sh1add: (ctx, a) => genShAdd(ctx, a, 1, false),
  sh2add: (ctx, a) => genShAdd(ctx, a, 2, false),
  sh3add: (ctx, a) => genShAdd(ctx, a, 3, false),
  "add.uw": (ctx, a) => genShAdd(ctx, a, 0, true),
  "sh1add.uw": (ctx, a) => genShAdd(ctx, a, 1, true),
  "sh2add.uw": (ctx, a) => genShAdd(ctx, a, 2, true),
  "sh3add.uw": (ctx, a) => genShAdd(ctx, a, 3, true),
  "slli.uw": transSlliUw,
} satisfies TransTable;
