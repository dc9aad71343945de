/**
 * Zicond: conditional zero.
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import type { DisasContext } from "../disas-context.js";
import type { TransTable } from "./types.js";

/** rd = (rs2 cond 0) ? 0 : rs1. */
function genCzero(ctx: DisasContext, a: Instruction, cond: "eq" | "ne"): boolean {
  const t = ctx.t64();
  ctx.b.movcond(t, cond, ctx.x(a.rs2), 0, 0, ctx.x(a.rs1));
  ctx.setX(a.rd, t);
  return true;
}

/** Zicond translators. */
export const ZICOND_TRANS = {
  "czero.eqz": (ctx, a) => genCzero(ctx, a, "eq"),
  "czero.nez": (ctx, a) => genCzero(ctx, a, "ne"),
} satisfies TransTable;
