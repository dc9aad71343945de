/**
 * Comparison conditions used by `setcond`, `movcond` and `brcond`.
 *
 * @module
 */
import { type IrType, unsigned } from "./types.js";

/**
 * A comparison condition. Signed: `lt ge le gt`; unsigned: `ltu geu leu gtu`;
 * bit tests: `tsteq` ((a & b) == 0) and `tstne` ((a & b) != 0).
 */
export type Cond = "eq" | "ne" | "lt" | "ge" | "le" | "gt" | "ltu" | "geu" | "leu" | "gtu" | "tsteq" | "tstne";

/** Every condition, in the order of their numeric encoding in op constants. */
export const CONDS: readonly Cond[] = ["eq", "ne", "lt", "ge", "le", "gt", "ltu", "geu", "leu", "gtu", "tsteq", "tstne"];

const INVERT: Readonly<Record<Cond, Cond>> = {
  eq: "ne", ne: "eq", lt: "ge", ge: "lt", le: "gt", gt: "le",
  ltu: "geu", geu: "ltu", leu: "gtu", gtu: "leu", tsteq: "tstne", tstne: "tsteq",
};

const SWAP: Readonly<Record<Cond, Cond>> = {
  eq: "eq", ne: "ne", lt: "gt", ge: "le", le: "ge", gt: "lt",
  ltu: "gtu", geu: "leu", leu: "geu", gtu: "ltu", tsteq: "tsteq", tstne: "tstne",
};

/** Numeric encoding of a condition (its index in {@link CONDS}), as stored in `Op.consts`. */
export function condCode(c: Cond): number {
  return CONDS.indexOf(c);
}

/** The condition encoded by `code`; throws on an invalid code. */
export function condFromCode(code: number): Cond {
  const c = CONDS[code];
  if (c === undefined) throw new RangeError(`invalid condition code ${code}`);
  return c;
}

/** The condition that is true exactly when `c` is false. */
export function invertCond(c: Cond): Cond {
  return INVERT[c];
}

/** The condition `c'` such that `a c b` equals `b c' a`. */
export function swapCond(c: Cond): Cond {
  return SWAP[c];
}

/** Whether the condition compares unsigned magnitudes. */
export function isUnsignedCond(c: Cond): boolean {
  return c === "ltu" || c === "geu" || c === "leu" || c === "gtu";
}

/** Evaluate `a c b` on canonical values of type `type`. */
export function evalCond(type: IrType, c: Cond, a: bigint, b: bigint): boolean {
  switch (c) {
    case "eq": return a === b;
    case "ne": return a !== b;
    case "lt": return a < b;
    case "ge": return a >= b;
    case "le": return a <= b;
    case "gt": return a > b;
    case "ltu": return unsigned(type, a) < unsigned(type, b);
    case "geu": return unsigned(type, a) >= unsigned(type, b);
    case "leu": return unsigned(type, a) <= unsigned(type, b);
    case "gtu": return unsigned(type, a) > unsigned(type, b);
    case "tsteq": return (a & b) === 0n;
    case "tstne": return (a & b) !== 0n;
  }
}
