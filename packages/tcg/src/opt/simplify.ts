/**
 * The forward simplifier: one walk over the ops that propagates copies and constants
 * into operands, then applies the rewrite rules until none fires, then records what
 * the op's outputs are known to hold.
 *
 * Facts flow only forward along straight-line code: a `set_label` (where control
 * flow merges) forgets everything; a `brcond` keeps everything (its fall-through has
 * a single predecessor); a helper call that may write globals forgets the globals.
 * Writes to a hardwired-zero global (RISC-V x0) are deleted, or redirected to a
 * scratch temp if the op must stay for its side effects (a load that may fault).
 *
 * @module
 */
import { HELPER_NO_WRITE_GLOBALS } from "../ir/helper.js";
import type { IrFunc } from "../ir/func.js";
import type { Op } from "../ir/op.js";
import { VALUE_OPS } from "../ir/eval.js";
import { CALL, type OpName } from "../ir/opcodes.js";
import { canonicalOrder, identities, reassociate } from "./algebraic.js";
import { canonicalZeroTest, foldBrcond, foldMovcond, foldSetcond } from "./branches.js";
import { foldConstants } from "./fold-constants.js";
import { idioms } from "./idioms.js";
import { type Bits, knownBitsRule, outputBits } from "./known-bits.js";
import { isRemovable, toConst, type Rule, type RuleCtx } from "./rewrite.js";
import { TempState } from "./temp-state.js";

const BINARY: readonly OpName[] = [
  "add", "sub", "mul", "mulsh", "muluh", "div", "divu", "rem", "remu",
  "and", "or", "xor", "andc", "orc", "eqv", "nand", "nor", "shl", "shr", "sar", "rotl", "rotr",
];

/**
 * The rules, in the order they are tried, each with the ops it can rewrite (the
 * driver only offers an op to the rules that name its opcode).
 */
export const SIMPLIFY_RULES: readonly (readonly [Rule, readonly OpName[]])[] = [
  [foldConstants, [...VALUE_OPS].filter((o) => o !== "mov")],
  [canonicalOrder, ["add", "mul", "mulsh", "muluh", "and", "or", "xor", "eqv", "nand", "nor", "setcond", "brcond", "movcond"]],
  [identities, BINARY],
  [reassociate, ["add", "and", "or", "xor"]],
  [canonicalZeroTest, ["setcond", "movcond", "brcond"]],
  [foldBrcond, ["brcond"]],
  [foldSetcond, ["setcond"]],
  [foldMovcond, ["movcond"]],
  [idioms, ["shr", "sar", "extract", "sextract", "ext_i32_i64", "extu_i32_i64", "extrl_i64_i32"]],
  [knownBitsRule, ["ext8u", "ext16u", "ext32u", "extract", "ext8s", "ext16s", "ext32s", "sextract", "and"]],
];

const NO_RULES: readonly Rule[] = [];

/** Rules by opcode, in table order. */
const RULES_BY_OP: ReadonlyMap<OpName, readonly Rule[]> = (() => {
  const m = new Map<OpName, Rule[]>();
  for (const [rule, ops] of SIMPLIFY_RULES) {
    for (const o of ops) {
      let l = m.get(o);
      if (l === undefined) m.set(o, (l = []));
      l.push(rule);
    }
  }
  return m;
})();

/** Upper bound on rule rewrites of one op (each rewrite makes the op simpler; this is a safety net). */
const MAX_REWRITES_PER_OP = 16;

/** Run the forward simplifier over `func`; returns whether anything changed. */
export function simplify(func: IrFunc): boolean {
  const st = new TempState(func);
  const ctx: RuleCtx = { func, st };
  const kept: Op[] = [];
  let changed = false;
  for (const op of func.ops) {
    if (op.opc === "set_label") {
      st.forgetAll();
      kept.push(op);
      continue;
    }
    for (let i = 0; i < op.ins.length; i++) {
      const t = op.ins[i];
      if (t === undefined) continue;
      const r = st.resolve(t);
      if (r !== t) {
        op.ins[i] = r;
        changed = true;
      }
    }
    const out = op.outs[0];
    if (out?.global?.hardwiredZero === true) {
      changed = true;
      if (isRemovable(func, op)) continue;
      op.outs[0] = func.newTemp(out.type, "bb");
    }
    let deleted = false;
    for (let n = 0; n < MAX_REWRITES_PER_OP; n++) {
      let fired = false;
      for (const rule of RULES_BY_OP.get(op.opc) ?? NO_RULES) {
        const r = rule(ctx, op);
        if (r === undefined) continue;
        changed = true;
        if (r === "deleted") deleted = true;
        fired = true;
        break;
      }
      if (!fired || deleted) break;
    }
    if (deleted) continue;
    let bits: Bits | undefined;
    if (op.opc !== "mov" && op.outs.length === 1) {
      bits = outputBits(st, op);
      if (bits.z === 0n && isRemovable(func, op)) {
        toConst(ctx, op, 0n);
        changed = true;
      }
    }
    if (op.opc === "mov") {
      const [d] = op.outs;
      const [s] = op.ins;
      if (d !== undefined && s !== undefined) {
        if (st.resolve(d) === s || d === s) {
          changed = true;
          continue;
        }
        st.copied(d, s);
      }
      kept.push(op);
      continue;
    }
    if (op.outs.length > 0) {
      bits ??= outputBits(st, op);
      for (const o of op.outs) {
        st.written(o, bits.z, bits.s);
        st.setDef(o, op);
      }
    }
    if ((op.def.flags & CALL) !== 0) {
      const h = func.helpers[op.consts[0] ?? -1];
      if (h === undefined || (h.flags & HELPER_NO_WRITE_GLOBALS) === 0) st.forgetGlobals();
    }
    kept.push(op);
  }
  func.ops = kept;
  return changed;
}
