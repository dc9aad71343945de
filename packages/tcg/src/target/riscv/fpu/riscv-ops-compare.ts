// The comparison, min/max, fclass and sign-injection rows of the F/D instruction table.

import {
  f32Class, f32Eq, f32Le, f32Lt, f32Max, f32Min, f32Sgnj, f32Sgnjn, f32Sgnjx,
  f64Class, f64Eq, f64Le, f64Lt, f64Max, f64Min, f64Sgnj, f64Sgnjn, f64Sgnjx,
} from "./compare.js";
import { nanBox, nanUnbox as s } from "./nanbox.js";
import { fpOp, type FpOp } from "./fp-op.js";

const ZERO_ONE = [0n, 1n] as const;
/** A small non-negative result (0/1 or an fclass mask) as a register image. */
const x = (v: number): bigint => (v < 2 ? ZERO_ONE[v as 0 | 1] : BigInt(v));

/** Comparison, min/max, fclass and sign-injection instructions. */
export const compareOps: FpOp[] = [
  fpOp("fmin.s", "ff", "f", false, (a, b, _c, _rm, st) => nanBox(f32Min(s(a), s(b), st))),
  fpOp("fmax.s", "ff", "f", false, (a, b, _c, _rm, st) => nanBox(f32Max(s(a), s(b), st))),
  fpOp("feq.s", "ff", "x", false, (a, b, _c, _rm, st) => x(f32Eq(s(a), s(b), st))),
  fpOp("flt.s", "ff", "x", false, (a, b, _c, _rm, st) => x(f32Lt(s(a), s(b), st))),
  fpOp("fle.s", "ff", "x", false, (a, b, _c, _rm, st) => x(f32Le(s(a), s(b), st))),
  fpOp("fclass.s", "f", "x", false, (a) => x(f32Class(s(a)))),
  fpOp("fsgnj.s", "ff", "f", false, (a, b) => nanBox(f32Sgnj(s(a), s(b)))),
  fpOp("fsgnjn.s", "ff", "f", false, (a, b) => nanBox(f32Sgnjn(s(a), s(b)))),
  fpOp("fsgnjx.s", "ff", "f", false, (a, b) => nanBox(f32Sgnjx(s(a), s(b)))),
  fpOp("fmin.d", "ff", "f", false, (a, b, _c, _rm, st) => f64Min(a, b, st)),
  fpOp("fmax.d", "ff", "f", false, (a, b, _c, _rm, st) => f64Max(a, b, st)),
  fpOp("feq.d", "ff", "x", false, (a, b, _c, _rm, st) => x(f64Eq(a, b, st))),
  fpOp("flt.d", "ff", "x", false, (a, b, _c, _rm, st) => x(f64Lt(a, b, st))),
  fpOp("fle.d", "ff", "x", false, (a, b, _c, _rm, st) => x(f64Le(a, b, st))),
  fpOp("fclass.d", "f", "x", false, (a) => x(f64Class(a))),
  fpOp("fsgnj.d", "ff", "f", false, (a, b) => f64Sgnj(a, b)),
  fpOp("fsgnjn.d", "ff", "f", false, (a, b) => f64Sgnjn(a, b)),
  fpOp("fsgnjx.d", "ff", "f", false, (a, b) => f64Sgnjx(a, b)),
];
