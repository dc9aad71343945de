// Fast paths against the exact BigInt path (itself checked against QEMU): many seeded random
// operands per (op, rounding mode), including boundary values, near-cancelling fused
// multiply-adds and the 2^±480 fast-path range limits. Bits and flags must agree.

import { describe, expect, it } from "vitest";
import {
  BINARY32, BINARY64, FpStatus, exactAdd, exactDiv, exactMul, exactMulAdd, exactSqrt, exactSub, exactConvert,
  exactFromInt, exactToInt, f64ToI32, f64ToU32, f64ToI64, f64ToU64, f32ToI32, f32ToU64, i64ToF64, u64ToF64, i64ToF32, f32Add, f32Div, f32MulAdd, f32Mul, f32Sqrt, f32Sub, f64Add, f64Div, f64MulAdd, f64Mul, f64Sqrt, f64Sub, f64ToF32,
  type RoundingMode,
} from "../src/index.js";
import { Rng, nearProduct } from "./fpu-vectors.js";

const COUNT = Number(process.env.WASMU_FPU_VECTORS ?? "0") > 0 ? Number(process.env.WASMU_FPU_VECTORS) * 20 : 4000;
const RMS: RoundingMode[] = [0, 1, 2, 3, 4];
const TIMEOUT = 60_000 + COUNT * 5;

function rand64(r: Rng): bigint {
  const bits = r.u64();
  const mant = bits & 0x800fffffffffffffn;
  switch (r.int(6)) {
    case 0:
      return bits;
    case 5: // extremes, all-ones significands
      return r.pick([0x7fefffffffffffffn, 0x7fdfffffffffffffn, 0x000fffffffffffffn, 0x001fffffffffffffn, 0x3fefffffffffffffn, 0x7fe0000000000000n]) | (bits & 0x8000000000000000n);
    case 1:
      return mant | (BigInt(1015 + r.int(16)) << 52n);
    case 2:
      return mant | (BigInt(r.pick([62, 63, 64, 1, 2, 2045, 2046, 2017, 2018, 2019, 1023 - 480, 1023 + 480, 1023 + 994, 1023 + 996])) << 52n);
    case 3:
      return (bits & 0x8000000000000000n) | (BigInt(1000 + r.int(50)) << 52n) | ((bits & 0xfn) << BigInt(r.int(49)));
    default:
      return mant | (BigInt(r.int(2047)) << 52n);
  }
}

function rand32(r: Rng): number {
  const bits = Number(r.u64() & 0xffffffffn);
  switch (r.int(4)) {
    case 0:
      return bits >>> 0;
    case 1:
      return ((bits & 0x807fffff) | ((120 + r.int(16)) << 23)) >>> 0;
    case 2:
      return ((bits & 0x80000000) | ((100 + r.int(60)) << 23) | ((bits & 0xf) << r.int(20))) >>> 0;
    default:
      return ((bits & 0x807fffff) | (r.pick([0, 1, 2, 253, 254]) << 23)) >>> 0;
  }
}

type Case64 = (a: bigint, b: bigint, c: bigint, rm: RoundingMode, st: FpStatus) => bigint;

function check64(name: string, fast: Case64, exact: Case64, fma: boolean): void {
  it(`${name} (binary64)`, () => {
    const r = new Rng(name.length * 7919);
    const bad: string[] = [];
    for (let i = 0; i < COUNT && bad.length < 10; i++) {
      const a = rand64(r);
      let b = rand64(r);
      if (r.int(4) === 0) {
        // Put b's exponent where a*b or a/b sits at a fast-path limit (product 2^-960 or 2^1020,
        // quotient 2^-958 or 2^994).
        const ea = Number((a >> 52n) & 0x7ffn);
        const target = r.pick([1086 - ea, 3066 - ea, ea + 958, ea - 994]) + r.int(5) - 2;
        if (target >= 1 && target <= 2046) b = (b & 0x800fffffffffffffn) | (BigInt(target) << 52n);
      }
      const c = fma && r.int(2) === 0 ? nearProduct(r, a, b, false) : rand64(r);
      for (const rm of RMS) {
        const s1 = new FpStatus();
        const s2 = new FpStatus();
        const x = fast(a, b, c, rm, s1);
        const y = exact(a, b, c, rm, s2);
        if (x !== y || s1.flags !== s2.flags) bad.push(`${name} rm=${rm} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)}: fast ${x.toString(16)}/${s1.flags} exact ${y.toString(16)}/${s2.flags}`);
      }
    }
    expect(bad).toEqual([]);
  }, TIMEOUT);
}

type Case32 = (a: number, b: number, c: number, rm: RoundingMode, st: FpStatus) => number;

function check32(name: string, fast: Case32, exact: (a: bigint, b: bigint, c: bigint, rm: RoundingMode, st: FpStatus) => bigint, fma: boolean): void {
  it(`${name} (binary32)`, () => {
    const r = new Rng(name.length * 104729);
    const bad: string[] = [];
    for (let i = 0; i < COUNT && bad.length < 10; i++) {
      const a = rand32(r);
      const b = rand32(r);
      const c = fma && r.int(2) === 0 ? Number(nearProduct(r, BigInt(a), BigInt(b), true) & 0xffffffffn) : rand32(r);
      for (const rm of RMS) {
        const s1 = new FpStatus();
        const s2 = new FpStatus();
        const x = fast(a, b, c, rm, s1);
        const y = Number(exact(BigInt(a), BigInt(b), BigInt(c), rm, s2));
        if (x !== y || s1.flags !== s2.flags) bad.push(`${name} rm=${rm} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)}: fast ${x.toString(16)}/${s1.flags} exact ${y.toString(16)}/${s2.flags}`);
      }
    }
    expect(bad).toEqual([]);
  }, TIMEOUT);
}

function checkInt(name: string, fast: (v: bigint, rm: RoundingMode, st: FpStatus) => bigint, exact: (v: bigint, rm: RoundingMode, st: FpStatus) => bigint, signed: boolean): void {
  it(`${name} (integer to float)`, () => {
    const r = new Rng(name.length * 31337);
    const bad: string[] = [];
    for (let i = 0; i < COUNT && bad.length < 10; i++) {
      let v = r.u64() >> BigInt(r.int(64));
      if (r.int(4) === 0) v = (v >> 11n) << 11n | BigInt(r.pick([0, 0x400, 0x401, 0x3ff, 0x7ff, 0x200]));
      if (signed) v = BigInt.asIntN(64, r.int(2) === 0 ? v : -v);
      for (const rm of RMS) {
        const s1 = new FpStatus();
        const s2 = new FpStatus();
        const x = fast(v, rm, s1);
        const y = exact(v, rm, s2);
        if (x !== y || s1.flags !== s2.flags) bad.push(`${name} rm=${rm} ${v}: fast ${x.toString(16)}/${s1.flags} exact ${y.toString(16)}/${s2.flags}`);
      }
    }
    expect(bad).toEqual([]);
  }, TIMEOUT);
}

const I32 = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const U32R = [0n, 2n ** 32n - 1n] as const;
const I64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const U64R = [0n, 2n ** 64n - 1n] as const;

describe("FPU float-to-integer conversions agree with the exact path", () => {
  const s32 = (v: number): bigint => BigInt(v | 0);
  check64("fcvt.w.d", (a, _b, _c, rm, st) => s32(f64ToI32(a, rm, st)), (a, _b, _c, rm, st) => exactToInt(BINARY64, a, I32[0], I32[1], rm, st), false);
  check64("fcvt.wu.d", (a, _b, _c, rm, st) => BigInt.asUintN(32, s32(f64ToU32(a, rm, st))), (a, _b, _c, rm, st) => exactToInt(BINARY64, a, U32R[0], U32R[1], rm, st), false);
  check64("fcvt.l.d", (a, _b, _c, rm, st) => f64ToI64(a, rm, st), (a, _b, _c, rm, st) => exactToInt(BINARY64, a, I64[0], I64[1], rm, st), false);
  check64("fcvt.lu.d", (a, _b, _c, rm, st) => f64ToU64(a, rm, st), (a, _b, _c, rm, st) => exactToInt(BINARY64, a, U64R[0], U64R[1], rm, st), false);
  check32("fcvt.w.s", (a, _b, _c, rm, st) => f32ToI32(a, rm, st), (a, _b, _c, rm, st) => exactToInt(BINARY32, a, I32[0], I32[1], rm, st), false);
  // check32 compares numbers: fold the 64-bit results to their low 52 bits (exact in a double).
  check32("fcvt.lu.s", (a, _b, _c, rm, st) => Number(BigInt.asIntN(52, f32ToU64(a, rm, st))), (a, _b, _c, rm, st) => BigInt.asIntN(52, exactToInt(BINARY32, a, U64R[0], U64R[1], rm, st)), false);
});

describe("FPU fast paths agree with the exact path", () => {
  checkInt("fcvt.d.l", (v, rm, st) => i64ToF64(v, rm, st), (v, rm, st) => exactFromInt(BINARY64, v, rm, st), true);
  checkInt("fcvt.d.lu", (v, rm, st) => u64ToF64(v, rm, st), (v, rm, st) => exactFromInt(BINARY64, v, rm, st), false);
  checkInt("fcvt.s.l", (v, rm, st) => BigInt(i64ToF32(v, rm, st)), (v, rm, st) => exactFromInt(BINARY32, v, rm, st), true);
  check64("add", (a, b, _c, rm, st) => f64Add(a, b, rm, st), (a, b, _c, rm, st) => exactAdd(BINARY64, a, b, rm, st), false);
  check64("sub", (a, b, _c, rm, st) => f64Sub(a, b, rm, st), (a, b, _c, rm, st) => exactSub(BINARY64, a, b, rm, st), false);
  check64("mul", (a, b, _c, rm, st) => f64Mul(a, b, rm, st), (a, b, _c, rm, st) => exactMul(BINARY64, a, b, rm, st), false);
  check64("div", (a, b, _c, rm, st) => f64Div(a, b, rm, st), (a, b, _c, rm, st) => exactDiv(BINARY64, a, b, rm, st), false);
  check64("sqrt", (a, _b, _c, rm, st) => f64Sqrt(a, rm, st), (a, _b, _c, rm, st) => exactSqrt(BINARY64, a, rm, st), false);
  check64("fmadd", (a, b, c, rm, st) => f64MulAdd(a, b, c, false, false, rm, st), (a, b, c, rm, st) => exactMulAdd(BINARY64, a, b, c, false, false, rm, st), true);
  check64("fnmsub", (a, b, c, rm, st) => f64MulAdd(a, b, c, true, false, rm, st), (a, b, c, rm, st) => exactMulAdd(BINARY64, a, b, c, true, false, rm, st), true);
  check64("fcvt.s.d", (a, _b, _c, rm, st) => BigInt(f64ToF32(a, rm, st)), (a, _b, _c, rm, st) => exactConvert(BINARY64, BINARY32, a, rm, st), false);
  check32("add", (a, b, _c, rm, st) => f32Add(a, b, rm, st), (a, b, _c, rm, st) => exactAdd(BINARY32, a, b, rm, st), false);
  check32("sub", (a, b, _c, rm, st) => f32Sub(a, b, rm, st), (a, b, _c, rm, st) => exactSub(BINARY32, a, b, rm, st), false);
  check32("mul", (a, b, _c, rm, st) => f32Mul(a, b, rm, st), (a, b, _c, rm, st) => exactMul(BINARY32, a, b, rm, st), false);
  check32("div", (a, b, _c, rm, st) => f32Div(a, b, rm, st), (a, b, _c, rm, st) => exactDiv(BINARY32, a, b, rm, st), false);
  check32("sqrt", (a, _b, _c, rm, st) => f32Sqrt(a, rm, st), (a, _b, _c, rm, st) => exactSqrt(BINARY32, a, rm, st), false);
  check32("fmadd", (a, b, c, rm, st) => f32MulAdd(a, b, c, false, false, rm, st), (a, b, c, rm, st) => exactMulAdd(BINARY32, a, b, c, false, false, rm, st), true);
  check32("fmsub", (a, b, c, rm, st) => f32MulAdd(a, b, c, false, true, rm, st), (a, b, c, rm, st) => exactMulAdd(BINARY32, a, b, c, false, true, rm, st), true);
});
