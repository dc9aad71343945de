/**
 * Copy coalescing: `t = OP ...; mov d, t` with `t` read nowhere else becomes
 * `d = OP ...`. The RISC-V front end computes each result into a temp and moves it to
 * the destination register last (so a faulting instruction changes nothing); when the
 * two are adjacent, writing the register directly is the same thing: an op writes its
 * outputs only after reading its inputs, and not at all if it faults.
 *
 * Runs after DCE, on what is left; saves an op and a wasm local per match.
 *
 * @module
 */
import type { IrFunc } from "../ir/func.js";
import type { Op } from "../ir/op.js";

/** Coalesce adjacent single-use copies; returns whether anything changed. */
export function coalesceCopies(func: IrFunc): boolean {
  const reads = new Uint32Array(func.temps.length);
  for (const op of func.ops) for (const t of op.ins) reads[t.id] = (reads[t.id] ?? 0) + 1;
  const kept: Op[] = [];
  let changed = false;
  const ops = func.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as Op;
    kept.push(op);
    const next = ops[i + 1];
    const t = op.outs[0];
    if (next?.opc !== "mov" || t === undefined || op.outs.length !== 1 || op.opc === "discard") continue;
    const d = next.outs[0];
    if (d === undefined || next.ins[0] !== t || reads[t.id] !== 1 || (t.kind !== "bb" && t.kind !== "tb")) continue;
    op.outs[0] = d;
    i++; // drop the mov
    changed = true;
  }
  if (changed) func.ops = kept;
  return changed;
}
