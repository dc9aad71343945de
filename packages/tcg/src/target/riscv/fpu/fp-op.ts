// The shape of one row of the F/D instruction table (riscv-ops.ts).

import type { FpStatus, RoundingMode } from "./status.js";

/** Operand kinds of an F/D instruction: f = f register, x = x register. */
export type FpOperands = "f" | "ff" | "fff" | "x";

/** One F/D instruction's semantics on register images. */
export interface FpOp {
  /** The mnemonic, e.g. "fadd.s". */
  readonly name: string;
  /** Source register kinds, in order rs1, rs2, rs3. */
  readonly operands: FpOperands;
  /** Destination register kind. */
  readonly result: "f" | "x";
  /** Whether the instruction has an rm field (the others ignore `rm`). */
  readonly usesRm: boolean;
  /** Computes the destination register image (uint64) and accrues flags into `st`. */
  readonly exec: (a: bigint, b: bigint, c: bigint, rm: RoundingMode, st: FpStatus) => bigint;
}

/** Builds a table entry. */
export function fpOp(name: string, operands: FpOperands, result: "f" | "x", usesRm: boolean, exec: FpOp["exec"]): FpOp {
  return { name, operands, result, usesRm, exec };
}
