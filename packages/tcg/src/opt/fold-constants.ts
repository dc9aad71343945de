/**
 * Constant folding: a value op whose inputs are all constants becomes a `mov` of the
 * result. Together with copy propagation this folds RISC-V's `lui`+`addi` and
 * `auipc`+`addi` pairs (the front end emits the `lui`/`auipc` result as a constant).
 *
 * @module
 */
import { evalValueOp, VALUE_OPS } from "../ir/eval.js";
import type { Op } from "../ir/op.js";
import { toConst, type RuleCtx, type RuleResult } from "./rewrite.js";

/** Fold a value op with all-constant inputs. */
export function foldConstants(ctx: RuleCtx, op: Op): RuleResult {
  if (op.opc === "mov" || !VALUE_OPS.has(op.opc) || op.outs.length !== 1) return undefined;
  for (const t of op.ins) if (t.kind !== "const") return undefined;
  const v = evalValueOp(op.opc, op.type ?? "i64", op.ins.map((t) => t.value), op.consts);
  return toConst(ctx, op, v);
}
