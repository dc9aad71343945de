/**
 * Control-flow cleanup: delete ops that cannot run (after `br`, `exit_tb`,
 * `lookup_and_goto_ptr` or a `noreturn` helper, up to the next label), branches to
 * the label that immediately follows, and labels nothing branches to (which merges
 * the blocks around them, so the next simplifier run sees longer straight lines).
 *
 * @module
 */
import type { IrFunc } from "../ir/func.js";
import { HELPER_NO_RETURN } from "../ir/helper.js";
import type { Op } from "../ir/op.js";
import { NO_FALLTHROUGH } from "../ir/opcodes.js";

function noFallthrough(func: IrFunc, op: Op): boolean {
  if ((op.def.flags & NO_FALLTHROUGH) !== 0) return true;
  if (op.opc !== "call") return false;
  const h = func.helpers[op.consts[0] ?? -1];
  return h !== undefined && (h.flags & HELPER_NO_RETURN) !== 0;
}

function branchTarget(op: Op): number | undefined {
  if (op.opc === "br") return op.consts[0];
  if (op.opc === "brcond") return op.consts[1];
  return undefined;
}

/** Whether {@link removeUnreachable} may find anything to do (a quick scan; false means certainly not). */
function needsCleanup(func: IrFunc): boolean {
  const ops = func.ops;
  let labels = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as Op;
    const next = ops[i + 1];
    if (op.opc === "set_label") {
      labels++;
      continue;
    }
    if (next !== undefined && next.opc !== "set_label" && noFallthrough(func, op)) return true;
    if (next?.opc === "set_label" && branchTarget(op) !== undefined) return true;
  }
  if (labels === 0) return false;
  const used = new Uint8Array(func.labels.length);
  for (const op of ops) {
    const t = branchTarget(op);
    if (t !== undefined) used[t] = 1;
  }
  for (const op of ops) if (op.opc === "set_label" && used[op.consts[0] ?? 0] !== 1) return true;
  return false;
}

/** Run the cleanup to a fixed point; returns whether anything changed. */
export function removeUnreachable(func: IrFunc): boolean {
  if (!needsCleanup(func)) return false;
  let changed = false;
  for (;;) {
    let round = false;
    // 1. Dead code after an op that does not fall through.
    const live: Op[] = [];
    let dead = false;
    for (const op of func.ops) {
      if (op.opc === "set_label") dead = false;
      if (dead) {
        round = true;
        continue;
      }
      live.push(op);
      if (noFallthrough(func, op)) dead = true;
    }
    // 2. Branches to the very next label (skipping other labels).
    const kept: Op[] = [];
    for (let i = 0; i < live.length; i++) {
      const op = live[i] as Op;
      const target = branchTarget(op);
      if (target !== undefined) {
        let j = i + 1;
        let hit = false;
        while (j < live.length && live[j]?.opc === "set_label") {
          if (live[j]?.consts[0] === target) hit = true;
          j++;
        }
        if (hit) {
          round = true;
          continue;
        }
      }
      kept.push(op);
    }
    // 3. Labels nothing branches to.
    const used = new Set<number>();
    for (const op of kept) {
      const t = branchTarget(op);
      if (t !== undefined) used.add(t);
    }
    const final = kept.filter((op) => op.opc !== "set_label" || used.has(op.consts[0] ?? -1));
    if (final.length !== kept.length) round = true;
    func.ops = final;
    if (!round) break;
    changed = true;
  }
  return changed;
}
