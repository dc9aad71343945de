/**
 * Comparisons and branches: fold `brcond`/`setcond`/`movcond` whose outcome is known,
 * and fuse a `setcond` feeding a test against zero into the consumer
 * (`setcond t, a, b, lt; brcond t, $0, ne, L` -> `brcond a, b, lt, L`), which is how
 * RISC-V's `slt` + `bnez` and the front end's own compare sequences reach the back end.
 *
 * @module
 */
import { condFromCode, evalCond, invertCond, type Cond } from "../ir/cond.js";
import type { Op } from "../ir/op.js";
import type { Temp } from "../ir/temp.js";
import { setCond, toBr, toConst, toMov, type RuleCtx, type RuleResult } from "./rewrite.js";

/** The outcome of `a cond b` if it is known without running the code. */
export function knownOutcome(ctx: RuleCtx, cond: Cond, a: Temp, b: Temp): boolean | undefined {
  const type = a.type;
  if (a.kind === "const" && b.kind === "const") return evalCond(type, cond, a.value, b.value);
  if (a === b) {
    switch (cond) {
      case "eq": case "le": case "ge": case "leu": case "geu": return true;
      case "ne": case "lt": case "gt": case "ltu": case "gtu": return false;
      default: return undefined;
    }
  }
  if (b.kind === "const" && b.value === 0n) {
    if (cond === "ltu") return false;
    if (cond === "geu") return true;
    if (cond === "tsteq") return true;
    if (cond === "tstne") return false;
  }
  if (b.kind === "const" && (cond === "tsteq" || cond === "tstne") && (ctx.st.zmask(a) & b.value) === 0n) {
    return cond === "tsteq";
  }
  return undefined;
}

/**
 * If `t` is a 0/1 value produced by a still valid `setcond`, and `cond` tests `t`
 * against zero, return the comparison it stands for.
 */
function fuseCompare(ctx: RuleCtx, t: Temp, cond: Cond, zero: Temp): [Temp, Temp, Cond] | undefined {
  if (zero.kind !== "const" || zero.value !== 0n || (cond !== "ne" && cond !== "eq")) return undefined;
  const d = ctx.st.defOf(t);
  if (d?.opc !== "setcond" || d.type !== t.type) return undefined;
  const [a, b] = d.ins;
  if (a === undefined || b === undefined) return undefined;
  const c = condFromCode(d.consts[0] ?? 0);
  return [a, b, cond === "ne" ? c : invertCond(c)];
}

/**
 * Canonical tests against zero: unsigned `x < 1` is `x == 0`, `x >= 1` is `x != 0`,
 * `x > 0` is `x != 0`, `x <= 0` is `x == 0` (RISC-V `seqz` is `sltiu rd, rs, 1`;
 * `snez` is `sltu rd, x0, rs`). Returns the new condition, if any.
 */
function zeroTest(cond: Cond, b: Temp): Cond | undefined {
  if (b.kind !== "const") return undefined;
  if (b.value === 1n && cond === "ltu") return "eq";
  if (b.value === 1n && cond === "geu") return "ne";
  if (b.value === 0n && cond === "gtu") return "ne";
  if (b.value === 0n && cond === "leu") return "eq";
  return undefined;
}

/** Rewrite unsigned comparisons with 0 or 1 into tests against zero (setcond, movcond, brcond). */
export function canonicalZeroTest(ctx: RuleCtx, op: Op): RuleResult {
  if (op.opc !== "setcond" && op.opc !== "movcond" && op.opc !== "brcond") return undefined;
  const [a, b] = op.ins;
  if (a === undefined || b === undefined) return undefined;
  const c = zeroTest(condFromCode(op.consts[0] ?? 0), b);
  if (c === undefined) return undefined;
  op.ins[1] = ctx.func.constant(b.type, 0);
  setCond(op, c);
  return "changed";
}

/** Fold or fuse a `brcond`. */
export function foldBrcond(ctx: RuleCtx, op: Op): RuleResult {
  if (op.opc !== "brcond") return undefined;
  const [a, b] = op.ins;
  if (a === undefined || b === undefined) return undefined;
  const cond = condFromCode(op.consts[0] ?? 0);
  const k = knownOutcome(ctx, cond, a, b);
  if (k === true) return toBr(op);
  if (k === false) return "deleted";
  const f = fuseCompare(ctx, a, cond, b);
  if (f === undefined) return undefined;
  op.ins = [f[0], f[1]];
  setCond(op, f[2]);
  return "changed";
}

/** Fold or simplify a `setcond`. */
export function foldSetcond(ctx: RuleCtx, op: Op): RuleResult {
  if (op.opc !== "setcond") return undefined;
  const [a, b] = op.ins;
  if (a === undefined || b === undefined) return undefined;
  const cond = condFromCode(op.consts[0] ?? 0);
  const k = knownOutcome(ctx, cond, a, b);
  if (k !== undefined) return toConst(ctx, op, k ? 1n : 0n);
  // A 0/1 value tested against zero with "ne" is itself.
  if (b.kind === "const" && b.value === 0n && cond === "ne" && (ctx.st.zmask(a) & ~1n) === 0n) return toMov(op, a);
  const f = fuseCompare(ctx, a, cond, b);
  if (f === undefined) return undefined;
  op.ins = [f[0], f[1]];
  setCond(op, f[2]);
  return "changed";
}

/** Fold or fuse a `movcond`. */
export function foldMovcond(ctx: RuleCtx, op: Op): RuleResult {
  if (op.opc !== "movcond") return undefined;
  const [c1, c2, v1, v2] = op.ins;
  if (c1 === undefined || c2 === undefined || v1 === undefined || v2 === undefined) return undefined;
  if (v1 === v2) return toMov(op, v1);
  const cond = condFromCode(op.consts[0] ?? 0);
  const k = knownOutcome(ctx, cond, c1, c2);
  if (k !== undefined) return toMov(op, k ? v1 : v2);
  const f = fuseCompare(ctx, c1, cond, c2);
  if (f === undefined) return undefined;
  op.ins = [f[0], f[1], v1, v2];
  setCond(op, f[2]);
  return "changed";
}
