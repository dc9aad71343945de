/**
 * Algebraic identities: canonical operand order and ops that reduce to a move or a
 * constant (x + 0, x & x, x * 1, x - x, ...). Every rule makes the op cheaper or
 * leaves it alone; none introduces a new op.
 *
 * @module
 */
import { condFromCode, swapCond } from "../ir/cond.js";
import type { Op } from "../ir/op.js";
import type { OpName } from "../ir/opcodes.js";
import { canon, type IrType } from "../ir/types.js";
import { setCond, toConst, toMov, toOp, type RuleCtx, type RuleResult } from "./rewrite.js";

const COMMUTATIVE: ReadonlySet<OpName> = new Set<OpName>(["add", "mul", "mulsh", "muluh", "and", "or", "xor", "eqv", "nand", "nor"]);

function isConst(t: { kind: string } | undefined): boolean {
  return t?.kind === "const";
}

/**
 * Put a constant operand second: in commutative ops, and in comparisons (swapping the
 * condition). Later rules then only look at the second operand.
 */
export function canonicalOrder(_ctx: RuleCtx, op: Op): RuleResult {
  const [a, b] = op.ins;
  if (a === undefined || b === undefined || !isConst(a) || isConst(b)) return undefined;
  if (COMMUTATIVE.has(op.opc)) {
    op.ins[0] = b;
    op.ins[1] = a;
    return "changed";
  }
  if (op.opc === "setcond" || op.opc === "brcond" || op.opc === "movcond") {
    op.ins[0] = b;
    op.ins[1] = a;
    setCond(op, swapCond(condFromCode(op.consts[0] ?? 0)));
    return "changed";
  }
  return undefined;
}

/** Identities with a constant second operand, or with both operands the same temp. */
export function identities(ctx: RuleCtx, op: Op): RuleResult {
  const [a, b] = op.ins;
  if (a === undefined || b === undefined || op.outs.length !== 1 || op.ins.length !== 2 || op.type === undefined) return undefined;
  const type: IrType = op.type;
  if (isConst(b)) {
    const c = b.value;
    switch (op.opc) {
      case "add": case "shl": case "shr": case "sar": case "rotl": case "rotr":
        return c === 0n ? toMov(op, a) : undefined;
      case "or":
        if (c === 0n) return toMov(op, a);
        return c === -1n ? toConst(ctx, op, -1n) : undefined;
      case "xor":
        if (c === 0n) return toMov(op, a);
        return c === -1n ? toOp(op, "not", [a], []) : undefined;
      case "nor":
        return c === -1n ? toConst(ctx, op, 0n) : c === 0n ? toOp(op, "not", [a], []) : undefined;
      case "nand":
        return c === 0n ? toConst(ctx, op, -1n) : c === -1n ? toOp(op, "not", [a], []) : undefined;
      case "sub":
        if (c === 0n) return toMov(op, a);
        return toOp(op, "add", [a, ctx.func.constant(type, canon(type, -c))], []);
      case "andc":
        if (c === 0n) return toMov(op, a);
        return toOp(op, "and", [a, ctx.func.constant(type, ~c)], []);
      case "orc":
        if (c === -1n) return toMov(op, a);
        return toOp(op, "or", [a, ctx.func.constant(type, ~c)], []);
      case "mul":
        if (c === 0n) return toConst(ctx, op, 0n);
        if (c === 1n) return toMov(op, a);
        return undefined;
      case "mulsh": case "muluh":
        return c === 0n ? toConst(ctx, op, 0n) : undefined;
      case "and":
        if (c === 0n) return toConst(ctx, op, 0n);
        if (c === -1n) return toMov(op, a);
        return undefined;
      case "div": case "divu":
        return c === 1n ? toMov(op, a) : undefined;
      case "rem": case "remu":
        return c === 1n ? toConst(ctx, op, 0n) : undefined;
      case "eqv":
        return c === -1n ? toMov(op, a) : c === 0n ? toOp(op, "not", [a], []) : undefined;
      default:
        break;
    }
    return undefined;
  }
  if (a === b) {
    switch (op.opc) {
      case "sub": case "xor": case "andc": return toConst(ctx, op, 0n);
      case "and": case "or": return toMov(op, a);
      case "eqv": case "orc": return toConst(ctx, op, -1n);
      default: return undefined;
    }
  }
  return undefined;
}

const REASSOCIATIVE: ReadonlySet<OpName> = new Set<OpName>(["add", "and", "or", "xor"]);

/**
 * Reassociate constants: `t = x op $c1; d = t op $c2` -> `d = x op $(c1 op c2)` for
 * add/and/or/xor (RISC-V `addi` chains and address arithmetic: `addi a0, a0, 8` then
 * `ld a1, 8(a0)`). The first op is left for DCE.
 */
export function reassociate(ctx: RuleCtx, op: Op): RuleResult {
  const [a, b] = op.ins;
  if (a === undefined || b?.kind !== "const" || op.type === undefined || !REASSOCIATIVE.has(op.opc)) return undefined;
  const d = ctx.st.defOf(a);
  const [x, c1] = d?.ins ?? [];
  if (d?.opc !== op.opc || d.type !== op.type || x === undefined || c1?.kind !== "const") return undefined;
  let v: bigint;
  switch (op.opc) {
    case "add": v = c1.value + b.value; break;
    case "and": v = c1.value & b.value; break;
    case "or": v = c1.value | b.value; break;
    default: v = c1.value ^ b.value;
  }
  return toOp(op, op.opc, [x, ctx.func.constant(op.type, v)], []);
}
