// Every RV64 F/D instruction as a function of 64-bit register images: the table the
// reference interpreter and the differential tests use. Operands and results are uint64
// bigints as the registers hold them: f registers with singles NaN-boxed (an improperly
// boxed operand reads as the canonical NaN), x registers with 32-bit results sign-extended.
// The translator calls the typed functions (f32Add, f64Add, ...) directly instead.

import { compareOps } from "./riscv-ops-compare.js";
import { f32Add, f32Div, f32MulAdd, f32Mul, f32Sqrt, f32Sub } from "./f32.js";
import { f64Add, f64Div, f64MulAdd, f64Mul, f64Sqrt, f64Sub } from "./f64.js";
import {
  f32ToF64, f32ToI32, f32ToI64, f32ToU32, f32ToU64, f64ToF32, f64ToI32, f64ToI64, f64ToU32, f64ToU64,
  i32ToF32, i32ToF64, i64ToF32, i64ToF64, u32ToF32, u32ToF64, u64ToF32, u64ToF64,
} from "./convert.js";
import { U32, U64 } from "./bits.js";
import { fmvWX, fmvXW, nanBox, nanUnbox } from "./nanbox.js";
import { fpOp, type FpOp } from "./fp-op.js";
import type { RoundingMode, FpStatus } from "./status.js";

/** An int32 result sign-extended to a 64-bit register image. */
const u = (x: number): bigint => {
  U32[0] = x;
  U32[1] = x < 0 ? 0xffffffff : 0;
  return U64[0]!;
};
const s = nanUnbox;
const M64 = (x: bigint): bigint => BigInt.asUintN(64, x);
/** The low 32 bits of a register image as an int32 (w operands). */
const w = (x: bigint): number => {
  U64[0] = x;
  return U32[0]! | 0;
};

const arith: FpOp[] = [
  fpOp("fadd.s", "ff", "f", true, (a, b, _c, rm, st) => nanBox(f32Add(s(a), s(b), rm, st))),
  fpOp("fsub.s", "ff", "f", true, (a, b, _c, rm, st) => nanBox(f32Sub(s(a), s(b), rm, st))),
  fpOp("fmul.s", "ff", "f", true, (a, b, _c, rm, st) => nanBox(f32Mul(s(a), s(b), rm, st))),
  fpOp("fdiv.s", "ff", "f", true, (a, b, _c, rm, st) => nanBox(f32Div(s(a), s(b), rm, st))),
  fpOp("fsqrt.s", "f", "f", true, (a, _b, _c, rm, st) => nanBox(f32Sqrt(s(a), rm, st))),
  fpOp("fmadd.s", "fff", "f", true, (a, b, c, rm, st) => nanBox(f32MulAdd(s(a), s(b), s(c), false, false, rm, st))),
  fpOp("fmsub.s", "fff", "f", true, (a, b, c, rm, st) => nanBox(f32MulAdd(s(a), s(b), s(c), false, true, rm, st))),
  fpOp("fnmsub.s", "fff", "f", true, (a, b, c, rm, st) => nanBox(f32MulAdd(s(a), s(b), s(c), true, false, rm, st))),
  fpOp("fnmadd.s", "fff", "f", true, (a, b, c, rm, st) => nanBox(f32MulAdd(s(a), s(b), s(c), true, true, rm, st))),
  fpOp("fadd.d", "ff", "f", true, (a, b, _c, rm, st) => f64Add(a, b, rm, st)),
  fpOp("fsub.d", "ff", "f", true, (a, b, _c, rm, st) => f64Sub(a, b, rm, st)),
  fpOp("fmul.d", "ff", "f", true, (a, b, _c, rm, st) => f64Mul(a, b, rm, st)),
  fpOp("fdiv.d", "ff", "f", true, (a, b, _c, rm, st) => f64Div(a, b, rm, st)),
  fpOp("fsqrt.d", "f", "f", true, (a, _b, _c, rm, st) => f64Sqrt(a, rm, st)),
  fpOp("fmadd.d", "fff", "f", true, (a, b, c, rm, st) => f64MulAdd(a, b, c, false, false, rm, st)),
  fpOp("fmsub.d", "fff", "f", true, (a, b, c, rm, st) => f64MulAdd(a, b, c, false, true, rm, st)),
  fpOp("fnmsub.d", "fff", "f", true, (a, b, c, rm, st) => f64MulAdd(a, b, c, true, false, rm, st)),
  fpOp("fnmadd.d", "fff", "f", true, (a, b, c, rm, st) => f64MulAdd(a, b, c, true, true, rm, st)),
];

const conversions: FpOp[] = [
  fpOp("fcvt.w.s", "f", "x", true, (a, _b, _c, rm, st) => u(f32ToI32(s(a), rm, st))),
  fpOp("fcvt.wu.s", "f", "x", true, (a, _b, _c, rm, st) => u(f32ToU32(s(a), rm, st))),
  fpOp("fcvt.l.s", "f", "x", true, (a, _b, _c, rm, st) => M64(f32ToI64(s(a), rm, st))),
  fpOp("fcvt.lu.s", "f", "x", true, (a, _b, _c, rm, st) => M64(f32ToU64(s(a), rm, st))),
  fpOp("fcvt.s.w", "x", "f", true, (a, _b, _c, rm, st) => nanBox(i32ToF32(w(a), rm, st))),
  fpOp("fcvt.s.wu", "x", "f", true, (a, _b, _c, rm, st) => nanBox(u32ToF32(w(a), rm, st))),
  fpOp("fcvt.s.l", "x", "f", true, (a, _b, _c, rm, st) => nanBox(i64ToF32(a, rm, st))),
  fpOp("fcvt.s.lu", "x", "f", true, (a, _b, _c, rm, st) => nanBox(u64ToF32(a, rm, st))),
  fpOp("fcvt.w.d", "f", "x", true, (a, _b, _c, rm, st) => u(f64ToI32(a, rm, st))),
  fpOp("fcvt.wu.d", "f", "x", true, (a, _b, _c, rm, st) => u(f64ToU32(a, rm, st))),
  fpOp("fcvt.l.d", "f", "x", true, (a, _b, _c, rm, st) => M64(f64ToI64(a, rm, st))),
  fpOp("fcvt.lu.d", "f", "x", true, (a, _b, _c, rm, st) => M64(f64ToU64(a, rm, st))),
  fpOp("fcvt.d.w", "x", "f", false, (a) => i32ToF64(w(a))),
  fpOp("fcvt.d.wu", "x", "f", false, (a) => u32ToF64(w(a))),
  fpOp("fcvt.d.l", "x", "f", true, (a, _b, _c, rm, st) => i64ToF64(a, rm, st)),
  fpOp("fcvt.d.lu", "x", "f", true, (a, _b, _c, rm, st) => u64ToF64(a, rm, st)),
  fpOp("fcvt.s.d", "f", "f", true, (a, _b, _c, rm, st) => nanBox(f64ToF32(a, rm, st))),
  fpOp("fcvt.d.s", "f", "f", false, (a, _b, _c, _rm, st) => f32ToF64(s(a), st)),
  fpOp("fmv.x.w", "f", "x", false, (a) => u(fmvXW(a))),
  fpOp("fmv.w.x", "x", "f", false, (a) => fmvWX(w(a))),
  fpOp("fmv.x.d", "f", "x", false, (a) => M64(a)),
  fpOp("fmv.d.x", "x", "f", false, (a) => M64(a)),
];

/** All RV64 F and D instructions (except loads and stores), keyed by mnemonic. */
export const FP_OPS: ReadonlyMap<string, FpOp> = new Map([...arith, ...conversions, ...compareOps].map((op) => [op.name, op]));

/**
 * Executes the F/D instruction `name` on register images (uint64 bigints) with rounding
 * mode rm (already resolved from dyn), accruing flags into st. Throws on an unknown name.
 */
export function execFpOp(name: string, a: bigint, b: bigint, c: bigint, rm: RoundingMode, st: FpStatus): bigint {
  const op = FP_OPS.get(name);
  if (op === undefined) throw new Error(`unknown F/D instruction ${name}`);
  return op.exec(a, b, c, rm, st);
}
