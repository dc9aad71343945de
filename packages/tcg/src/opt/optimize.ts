/**
 * The optimizer pipeline: simplify, clean up control flow, simplify again if that
 * merged blocks, then delete dead code (and clean up again if that emptied a branch),
 * then coalesce single-use copies.
 *
 * @module
 */
import type { IrFunc } from "../ir/func.js";
import { coalesceCopies } from "./coalesce.js";
import { eliminateDeadCode } from "./dce.js";
import { simplify } from "./simplify.js";
import { removeUnreachable } from "./unreachable.js";

/** The optimizer passes, by the names filetests use. */
export const PASSES = {
  /** Copy/constant propagation, folding, identities, branches, idioms, known bits. */
  simplify,
  /** Unreachable code, jumps to the next op, unused labels. */
  unreachable: removeUnreachable,
  /** Dead-code elimination with liveness. */
  dce: eliminateDeadCode,
  /** `t = OP; mov d, t` with t used once -> `d = OP`. */
  coalesce: coalesceCopies,
} as const satisfies Record<string, (f: IrFunc) => boolean>;

/** Name of an optimizer pass. */
export type PassName = keyof typeof PASSES;

/** Whether `s` names an optimizer pass. */
export function isPassName(s: string): s is PassName {
  return Object.prototype.hasOwnProperty.call(PASSES, s);
}

/**
 * Most rounds of simplify + cleanup before DCE. A round after the first only runs when
 * the cleanup removed labels (merging blocks exposes more facts); front-end TBs rarely
 * need more than two, random programs with many labels sometimes three.
 */
const MAX_ROUNDS = 3;

/** Optimize `func` in place with the full pipeline. */
export function optimize(func: IrFunc): void {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    simplify(func);
    if (!removeUnreachable(func)) break;
  }
  // DCE can empty the code between a branch and its label; clean up once more.
  if (eliminateDeadCode(func) && removeUnreachable(func)) eliminateDeadCode(func);
  coalesceCopies(func);
}

/** Run the named passes in order (for filetests and experiments). */
export function runPasses(func: IrFunc, passes: readonly PassName[]): void {
  for (const p of passes) PASSES[p](func);
}
