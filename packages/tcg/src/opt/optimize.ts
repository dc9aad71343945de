/**
 * The optimizer pipeline: simplify, clean up control flow, simplify again if that
 * merged blocks, then delete dead code (and clean up again if that emptied a branch),
 * then coalesce single-use copies.
 *
 * @module
 */
import type { IrFunc } from "../ir/func.js";
import { assertValidIr, verifyIr } from "../ir/verify.js";
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

/** Options of {@link optimize} and {@link runPasses}. */
export interface OptimizeOptions {
  /**
   * Verify the IR before the first pass and after every pass, throwing with the name of
   * the pass that broke it (a debugging aid: costs more than the optimizer itself).
   */
  readonly verify?: boolean;
}

function checked(func: IrFunc, name: string, pass: (f: IrFunc) => boolean, verify: boolean): boolean {
  const changed = pass(func);
  if (verify) {
    const errors = verifyIr(func);
    if (errors.length > 0) {
      throw new Error(`optimizer pass '${name}' produced invalid IR:\n${errors.map((e) => `  op ${e.opIndex}: ${e.message}`).join("\n")}`);
    }
  }
  return changed;
}

/** Optimize `func` in place with the full pipeline. */
export function optimize(func: IrFunc, opts: OptimizeOptions = {}): void {
  const v = opts.verify === true;
  if (v) assertValidIr(func);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    checked(func, "simplify", simplify, v);
    if (!checked(func, "unreachable", removeUnreachable, v)) break;
  }
  // DCE can empty the code between a branch and its label; clean up once more.
  if (checked(func, "dce", eliminateDeadCode, v) && checked(func, "unreachable", removeUnreachable, v)) {
    checked(func, "dce", eliminateDeadCode, v);
  }
  checked(func, "coalesce", coalesceCopies, v);
}

/**
 * How much of the optimizer the execution loop runs on each translated TB:
 *
 * - `"copies"` (the default): copy coalescing only. On 3,000 libc TBs it removes 14.5% of
 *   the ops for 4.9 µs per TB, where the full pipeline removes 16.9% for 28.9 µs; V8's
 *   TurboFan then optimizes the code that gets hot. `perl -e 'print(1)'` (12,683 TBs):
 *   3.52 s of CPU with "full", 2.81 s with "copies", 2.97 s with "none"; the compute
 *   kernels of the bench's `tcg` entry run at the same speed with all three (CPU-time
 *   throughput, best of 12, within ±5%).
 * - `"full"`: {@link optimize}.
 * - `"none"`: the front end's IR as it is.
 */
export type TbOptLevel = "full" | "copies" | "none";

/** Optimizes a freshly translated TB at `level` (see {@link TbOptLevel}). */
export function optimizeTb(func: IrFunc, level: TbOptLevel): void {
  if (level === "full") optimize(func);
  else if (level === "copies") coalesceCopies(func);
}

/** Run the named passes in order (for filetests and experiments). */
export function runPasses(func: IrFunc, passes: readonly PassName[], opts: OptimizeOptions = {}): void {
  const v = opts.verify === true;
  if (v) assertValidIr(func);
  for (const p of passes) checked(func, p, PASSES[p], v);
}
