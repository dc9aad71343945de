/**
 * Dead-code elimination with liveness, in one backward walk.
 *
 * Liveness rules: every global is live at a TB exit (`exit_tb`, `lookup_and_goto_ptr`,
 * `goto_tb`, a `noreturn` helper), before an op that may fault (the exception path
 * reads the CPU state) and before a helper call that may read globals. `tb` and `bb`
 * temps are dead at the end of the TB. Because every branch goes forward, the
 * backward walk reaches each label before the branches to it, so the liveness at a
 * label is known exactly when a `br`/`brcond` needs it.
 *
 * An op is deleted when it is removable (no side effects; for calls, a helper
 * flagged both `no_side_effects` and `no_write_globals`) and none of its outputs is
 * live; `discard` ops are dropped after use.
 *
 * @module
 */
import type { IrFunc } from "../ir/func.js";
import { HELPER_NO_READ_GLOBALS, HELPER_NO_RETURN } from "../ir/helper.js";
import type { Op } from "../ir/op.js";
import { BB_EXIT, CAN_FAULT, NO_FALLTHROUGH } from "../ir/opcodes.js";
import { isRemovable } from "./rewrite.js";

/** Delete dead ops; returns whether anything changed. */
export function eliminateDeadCode(func: IrFunc): boolean {
  const n = func.temps.length;
  const live = new Uint8Array(n);
  // Globals are the first temps of a function (ids 0 .. globals.length - 1).
  const nGlobals = func.globals.length;
  const liveAtLabel = new Map<number, Uint8Array>();
  const allGlobalsLive = (): void => {
    live.fill(1, 0, nGlobals);
  };
  const mergeLabel = (label: number): void => {
    const at = liveAtLabel.get(label);
    if (at === undefined) {
      // Not placed after the branch: invalid IR; stay safe.
      allGlobalsLive();
      for (const t of func.temps) if (t.kind === "tb") live[t.id] = 1;
      return;
    }
    for (let i = 0; i < n; i++) live[i] = (live[i] ?? 0) | (at[i] ?? 0);
  };

  allGlobalsLive();
  const kept: Op[] = [];
  let changed = false;
  for (let i = func.ops.length - 1; i >= 0; i--) {
    const op = func.ops[i] as Op;
    const f = op.def.flags;
    if (op.opc === "set_label") {
      liveAtLabel.set(op.consts[0] ?? -1, live.slice());
      kept.push(op);
      continue;
    }
    if (op.opc === "discard") {
      for (const o of op.outs) live[o.id] = 0;
      changed = true;
      continue;
    }
    const helper = op.opc === "call" ? func.helpers[op.consts[0] ?? -1] : undefined;
    const noReturn = helper !== undefined && (helper.flags & HELPER_NO_RETURN) !== 0;
    // Control transfers: what is live after this op.
    if ((f & NO_FALLTHROUGH) !== 0 || noReturn) {
      live.fill(0);
      if (op.opc !== "br") allGlobalsLive();
    }
    if (op.opc === "br") mergeLabel(op.consts[0] ?? -1);
    else if (op.opc === "brcond") mergeLabel(op.consts[1] ?? -1);
    if ((f & BB_EXIT) !== 0) allGlobalsLive();
    // The op itself.
    if (op.outs.length > 0 && isRemovable(func, op) && op.outs.every((o) => live[o.id] === 0)) {
      changed = true;
      continue;
    }
    for (const o of op.outs) live[o.id] = 0;
    if ((f & CAN_FAULT) !== 0) allGlobalsLive();
    if (helper !== undefined && (helper.flags & HELPER_NO_READ_GLOBALS) === 0) allGlobalsLive();
    for (const t of op.ins) if (t.kind !== "const") live[t.id] = 1;
    kept.push(op);
  }
  kept.reverse();
  func.ops = kept;
  return changed;
}
