/**
 * Multi-op idioms the RISC-V front end produces, recognized through the op that
 * defined an input (valid while that op's own inputs are unchanged):
 *
 * - `shl t, x, $k; shr d, t, $k` -> `extract d, x, 0, w-k` (RV64GC's `zext.w` and
 *   `zext.h` are `slli`+`srli` pairs), and `sar` likewise -> `sextract` (`sext.b`,
 *   `sext.h` as `slli`+`srai`);
 * - `extract`/`sextract` at position 0 of 8/16/32 bits -> the `ext*` op of that width;
 * - `extrl_i64_i32` then `ext_i32_i64`/`extu_i32_i64` -> `ext32s`/`ext32u` of the i64,
 *   also through an 8/16-bit `ext*` on the i32 (-> that `ext*` on the i64);
 * - `extrl_i64_i32` of an `ext_i32_i64`/`extu_i32_i64` -> the original i32.
 *
 * @module
 */
import type { Op } from "../ir/op.js";
import type { OpName } from "../ir/opcodes.js";
import { typeBits, unsigned } from "../ir/types.js";
import { toMov, toOp, type RuleCtx, type RuleResult } from "./rewrite.js";

const ZEXT: Readonly<Record<number, OpName>> = { 8: "ext8u", 16: "ext16u", 32: "ext32u" };
const SEXT: Readonly<Record<number, OpName>> = { 8: "ext8s", 16: "ext16s", 32: "ext32s" };

/** Recognize the idioms listed in the module comment. */
export function idioms(ctx: RuleCtx, op: Op): RuleResult {
  const a = op.ins[0];
  if (a === undefined) return undefined;
  switch (op.opc) {
    case "shr":
    case "sar": {
      const b = op.ins[1];
      if (op.type === undefined || b?.kind !== "const") return undefined;
      const w = typeBits(op.type);
      const k = Number(unsigned(op.type, b.value) & BigInt(w - 1));
      const d = ctx.st.defOf(a);
      const x = d?.ins[0];
      const dk = d?.ins[1];
      if (k === 0 || d?.opc !== "shl" || x === undefined || dk?.kind !== "const") return undefined;
      if (Number(unsigned(op.type, dk.value) & BigInt(w - 1)) !== k) return undefined;
      return toOp(op, op.opc === "shr" ? "extract" : "sextract", [x], [0, w - k]);
    }
    case "extract":
    case "sextract": {
      const [pos, len = 0] = op.consts;
      const name = (op.opc === "extract" ? ZEXT : SEXT)[len];
      if (pos !== 0 || name === undefined || (len === 32 && op.type !== "i64")) return undefined;
      return toOp(op, name, [a], []);
    }
    case "ext_i32_i64":
    case "extu_i32_i64": {
      const d = ctx.st.defOf(a);
      const x = d?.ins[0];
      if (d === undefined || x === undefined) return undefined;
      if (d.opc === "extrl_i64_i32") {
        op.type = "i64";
        return toOp(op, op.opc === "ext_i32_i64" ? "ext32s" : "ext32u", [x], []);
      }
      // ext_i32_i64(ext16s_i32(extrl(x))) is ext16s_i64(x); likewise 8 bits, and the
      // zero-extending forms (an i32 ext*u value is the same under either widening).
      const inner = ctx.st.defOf(x);
      const y = inner?.ins[0];
      if (inner?.opc !== "extrl_i64_i32" || y === undefined) return undefined;
      const unsignedInner = d.opc === "ext8u" || d.opc === "ext16u";
      const signedInner = d.opc === "ext8s" || d.opc === "ext16s";
      if (!unsignedInner && !(signedInner && op.opc === "ext_i32_i64")) return undefined;
      op.type = "i64";
      return toOp(op, d.opc, [y], []);
    }
    case "extrl_i64_i32": {
      const d = ctx.st.defOf(a);
      const x = d?.ins[0];
      if ((d?.opc !== "ext_i32_i64" && d?.opc !== "extu_i32_i64") || x === undefined) return undefined;
      return toMov(op, x);
    }
    default:
      return undefined;
  }
}
