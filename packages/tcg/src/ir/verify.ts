/**
 * The IR verifier: checks operand counts and types, consts, and the control-flow
 * and lifetime rules a back end relies on.
 *
 * Control-flow rules (what makes the IR easy to lower to WebAssembly's structured
 * control flow): every label is placed exactly once with `set_label`; every `br` and
 * `brcond` targets a label placed *later* (forward branches only, no loops inside a
 * TB), so a back end can open one wasm `block` per label at the top of the function,
 * outermost for the last label, and close each at its `set_label`; a branch becomes
 * `br`/`br_if` to the enclosing block. Leaving the TB is only `goto_tb`/`exit_tb`/
 * `lookup_and_goto_ptr` (or a helper with the `noreturn` flag or a faulting access).
 *
 * Lifetime rules: a `bb` temp is read only after a write in the same extended basic
 * block (labels and BB-ending ops other than `brcond` end it); a `tb` temp is read
 * only after some earlier write in op order. Unreachable code (after `br`, `exit_tb`,
 * `lookup_and_goto_ptr` or a `noreturn` helper, up to the next label) is not checked
 * for lifetimes: it never runs, and the optimizer deletes it.
 *
 * @module
 */
import { CONDS } from "./cond.js";
import type { IrFunc } from "./func.js";
import { memopBytes, memopFields, memopIsValid } from "./memop.js";
import type { Op } from "./op.js";
import { HELPER_NO_RETURN } from "./helper.js";
import { BB_END, COND_BRANCH, NO_FALLTHROUGH, type OperandType } from "./opcodes.js";
import type { Temp } from "./temp.js";
import { type IrType, typeBits } from "./types.js";

/** One verifier finding. */
export interface VerifyError {
  /** Index of the offending op in `func.ops` (-1 for function-level problems). */
  readonly opIndex: number;
  /** What is wrong. */
  readonly message: string;
}

function checkOperands(func: IrFunc, op: Op, err: (m: string) => void): void {
  const def = op.def;
  let outTypes: readonly IrType[];
  let inTypes: readonly IrType[];
  if (op.opc === "call") {
    const h = func.helpers[op.consts[0] ?? -1];
    if (h === undefined) return err("call of an unknown helper");
    outTypes = h.ret === "void" ? [] : [h.ret];
    inTypes = h.args;
  } else {
    if (def.types === "none" ? op.type !== undefined : op.type === undefined) return err("missing or unexpected op type");
    if (def.types === "i64" && op.type !== "i64") return err(`${op.opc} exists only for i64`);
    const t = (o: OperandType): IrType => (o === "T" ? (op.type ?? "i64") : o);
    outTypes = def.outs.map(t);
    inTypes = def.ins.map(t);
  }
  if (op.outs.length !== outTypes.length || op.ins.length !== inTypes.length) return err("wrong operand count");
  op.outs.forEach((o, i) => {
    if (o.type !== outTypes[i]) err(`output ${i} has type ${o.type}, expected ${String(outTypes[i])}`);
    if (o.kind === "const") err(`output ${i} is a constant`);
  });
  op.ins.forEach((o, i) => {
    if (o.type !== inTypes[i]) err(`input ${i} has type ${o.type}, expected ${String(inTypes[i])}`);
  });
  if (op.opc !== "call" && op.consts.length !== def.consts.length) err("wrong const count");
}

function checkConsts(func: IrFunc, op: Op, err: (m: string) => void): void {
  const width = op.type === undefined ? 64 : typeBits(op.type);
  op.def.consts.forEach(([name, kind], i) => {
    const v = op.consts[i] ?? -1;
    if (!Number.isInteger(v)) return err(`${name} is not an integer`);
    switch (kind) {
      case "cond":
        if (CONDS[v] === undefined) err(`invalid condition ${v}`);
        break;
      case "label":
        if (func.labels[v] === undefined) err(`unknown label ${v}`);
        break;
      case "memop":
        if (!memopIsValid(v)) err(`invalid memop ${v}`);
        else if (memopBytes(v) * 8 > width) err(`memop size ${memopFields(v).size} exceeds the op type`);
        break;
      case "offset":
        if (v < 0) err("negative offset");
        break;
      default:
        break;
    }
  });
  if (op.opc === "extract" || op.opc === "sextract" || op.opc === "deposit") {
    const [pos = -1, len = -1] = op.consts;
    if (pos < 0 || len < 1 || pos + len > width) err(`bit field ${pos}+${len} out of range`);
  }
  if (op.opc === "goto_tb" && op.consts[0] !== 0 && op.consts[0] !== 1) err("goto_tb slot must be 0 or 1");
  if (op.opc === "insn_start" && op.ins[0]?.kind !== "const") err("insn_start takes a constant pc");
  if (op.def.consts.some(([, k]) => k === "offset")) {
    const off = op.consts[0] ?? 0;
    const size = hostAccessBytes(op);
    for (const g of func.globals) {
      const d = g.global;
      if (d === undefined) continue;
      const gEnd = d.offset + typeBits(d.type) / 8;
      if (off < gEnd && d.offset < off + size) err(`CPU-state access at 0x${off.toString(16)} overlaps global '${d.name}'`);
    }
  }
}

/** Size in bytes of the CPU-state access of a `ld*`/`st*` op. */
export function hostAccessBytes(op: Op): number {
  switch (op.opc) {
    case "ld8u": case "ld8s": case "st8": return 1;
    case "ld16u": case "ld16s": case "st16": return 2;
    case "ld32u": case "ld32s": case "st32": return 4;
    default: return op.type === "i32" ? 4 : 8;
  }
}

/** Check a function; returns the problems found (empty when valid). */
export function verifyIr(func: IrFunc): VerifyError[] {
  const errors: VerifyError[] = [];
  const placed = new Map<number, number>();
  const branches: [number, number][] = [];
  const liveBb = new Set<Temp>();
  const writtenTb = new Set<Temp>();
  let reachable = true;
  func.ops.forEach((op, i) => {
    const err = (message: string): void => {
      errors.push({ opIndex: i, message: `${op.mnemonic}: ${message}` });
    };
    checkOperands(func, op, err);
    checkConsts(func, op, err);
    if (op.opc === "set_label") reachable = true;
    // Code after an op that does not fall through (up to the next label) never runs; its
    // reads are not checked (passes turn branches into `br` before deleting such code).
    if (reachable) {
      for (const t of op.ins) {
        if (t.kind === "bb" && !liveBb.has(t)) err(`bb temp ${t.id} read outside the block that wrote it`);
        if (t.kind === "tb" && !writtenTb.has(t)) err(`tb temp ${t.id} read before any write`);
      }
    }
    if (op.opc === "set_label") {
      const l = op.consts[0] ?? -1;
      if (placed.has(l)) err(`label ${l} placed twice`);
      placed.set(l, i);
    } else if (op.opc === "br" || op.opc === "brcond") {
      branches.push([i, op.consts[op.opc === "br" ? 0 : 1] ?? -1]);
    }
    if ((op.def.flags & BB_END) !== 0 && (op.def.flags & COND_BRANCH) === 0) liveBb.clear();
    if ((op.def.flags & NO_FALLTHROUGH) !== 0) reachable = false;
    if (op.opc === "call" && ((func.helpers[op.consts[0] ?? -1]?.flags ?? 0) & HELPER_NO_RETURN) !== 0) reachable = false;
    for (const t of op.outs) {
      if (t.kind === "bb") liveBb.add(t);
      if (t.kind === "tb") writtenTb.add(t);
    }
    if (op.opc === "discard") for (const t of op.outs) liveBb.delete(t);
  });
  for (const [i, l] of branches) {
    const at = placed.get(l);
    if (at === undefined) errors.push({ opIndex: i, message: `branch to label ${l}, which is never placed` });
    else if (at < i) errors.push({ opIndex: i, message: `backward branch to label ${l}` });
  }
  return errors;
}

/** Throw if {@link verifyIr} finds anything. */
export function assertValidIr(func: IrFunc): void {
  const errors = verifyIr(func);
  if (errors.length > 0) {
    throw new Error(`invalid IR:\n${errors.map((e) => `  op ${e.opIndex}: ${e.message}`).join("\n")}`);
  }
}
