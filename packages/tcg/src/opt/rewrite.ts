/**
 * The vocabulary of the forward simplifier's rules: what a rule may return, and the
 * in-place rewrites it may perform.
 *
 * @module
 */
import { condCode, type Cond } from "../ir/cond.js";
import type { IrFunc } from "../ir/func.js";
import { HELPER_NO_SIDE_EFFECTS, HELPER_NO_WRITE_GLOBALS } from "../ir/helper.js";
import type { Op } from "../ir/op.js";
import { CALL, SIDE_EFFECTS, type OpName } from "../ir/opcodes.js";
import type { Temp } from "../ir/temp.js";
import type { TempState } from "./temp-state.js";

/** Result of a rule: it rewrote the op in place, the op must be deleted, or no change. */
export type RuleResult = "changed" | "deleted" | undefined;

/** What a rule sees besides the op. */
export interface RuleCtx {
  /** The function being simplified (to create constants). */
  readonly func: IrFunc;
  /** Facts about temps before the op. */
  readonly st: TempState;
}

/** A rewrite rule of the forward simplifier. Inputs of `op` are already resolved. */
export type Rule = (ctx: RuleCtx, op: Op) => RuleResult;

/** Turn `op` into `mov out, src` (src must have the output's type). */
export function toMov(op: Op, src: Temp): "changed" {
  const out = op.outs[0];
  if (out === undefined || out.type !== src.type) throw new Error(`toMov: bad rewrite of ${op.mnemonic}`);
  op.opc = "mov";
  op.type = out.type;
  op.ins = [src];
  op.consts = [];
  return "changed";
}

/** Turn `op` into `mov out, $v`. */
export function toConst(ctx: RuleCtx, op: Op, v: bigint): "changed" {
  const out = op.outs[0];
  if (out === undefined) throw new Error(`toConst: ${op.mnemonic} has no output`);
  return toMov(op, ctx.func.constant(out.type, v));
}

/** Turn `op` into another op of the same type with new inputs and consts. */
export function toOp(op: Op, opc: OpName, ins: Temp[], consts: number[]): "changed" {
  op.opc = opc;
  op.ins = ins;
  op.consts = consts;
  return "changed";
}

/** Turn a `brcond` into `br` to its label. */
export function toBr(op: Op): "changed" {
  const label = op.consts[1] ?? 0;
  op.opc = "br";
  op.type = undefined;
  op.ins = [];
  op.consts = [label];
  return "changed";
}

/** Set the condition of a setcond/movcond/brcond. */
export function setCond(op: Op, c: Cond): void {
  op.consts[0] = condCode(c);
}

/** Whether `op` may be deleted when its outputs are unused. */
export function isRemovable(func: IrFunc, op: Op): boolean {
  const f = op.def.flags;
  if ((f & CALL) !== 0) {
    const h = func.helpers[op.consts[0] ?? -1];
    const need = HELPER_NO_SIDE_EFFECTS | HELPER_NO_WRITE_GLOBALS;
    return h !== undefined && (h.flags & need) === need;
  }
  return (f & SIDE_EFFECTS) === 0;
}
