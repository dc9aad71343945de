/**
 * Privileged instructions: ecall and ebreak raise; mret, sret, wfi and sfence.vma call
 * the system helpers (they are illegal in user mode, and below the privilege they need,
 * decided statically from the TB flags) and end the TB without chaining.
 *
 * @module
 */
import type { Instruction } from "@wasmu/isa";
import type { HelperDef } from "../../../ir/helper.js";
import { Cause, Priv, RISCV_EXIT_NOCHAIN, RISCV_EXIT_WFI } from "../cpu-state.js";
import type { DisasContext } from "../disas-context.js";
import type { TransTable } from "./types.js";

function transEcall(ctx: DisasContext): boolean {
  ctx.b.call(ctx.helpers.ecall, undefined, [ctx.pc]);
  ctx.isJmp = "noreturn";
  return true;
}

function transEbreak(ctx: DisasContext): boolean {
  ctx.raise(Cause.BREAKPOINT, ctx.pc);
  return true;
}

/** Calls a may-raise system helper; then pc = next (unless the helper set it) and exit. */
function genSystem(ctx: DisasContext, a: Instruction, h: HelperDef, minPriv: number, args: (bigint | ReturnType<DisasContext["x"]>)[], setsPc: boolean, exit: number): boolean {
  if (!ctx.flags.system || ctx.flags.priv < minPriv) return false;
  const status = ctx.t32();
  ctx.b.call(h, status, [...args, ctx.pc, a.raw]);
  ctx.checkStatus(status);
  if (!setsPc) ctx.b.mov(ctx.pcReg, ctx.pcNext);
  ctx.b.exitTb(exit);
  ctx.isJmp = "noreturn";
  return true;
}

/** Privileged-instruction translators. */
export const PRIV_TRANS = {
  ecall: transEcall,
  ebreak: transEbreak,
  mret: (ctx, a) => genSystem(ctx, a, ctx.helpers.mret, Priv.M, [], true, RISCV_EXIT_NOCHAIN),
  sret: (ctx, a) => genSystem(ctx, a, ctx.helpers.sret, Priv.S, [], true, RISCV_EXIT_NOCHAIN),
  wfi: (ctx, a) => genSystem(ctx, a, ctx.helpers.wfi, Priv.S, [], false, RISCV_EXIT_WFI),
  "sfence.vma": (ctx, a) => genSystem(ctx, a, ctx.helpers.sfenceVma, Priv.S, [ctx.x(a.rs1), ctx.x(a.rs2)], false, RISCV_EXIT_NOCHAIN),
} satisfies TransTable;
