// binary32 arithmetic. Values are uint32 numbers (the raw bits).
//
// Fast path, every rounding mode: a binary32 operation is computed in binary64 together
// with the exact sign of its error (the error term of TwoSum for add, none for mul, an
// exact residual for div and sqrt, TwoSum after an exact product for fused multiply-add).
// The double is then turned into its round-to-odd value (lsb set when inexact), from which
// one rounding to 24 bits in any mode is correct (53 >= 24 + 2). NaN and infinite operands
// take the exact path in exact.ts.

import { F32, F32_MIN_NORMAL, F32_OVERFLOW, F64, U32 } from "./bits.js";
import { BINARY32, exactAdd, exactDiv, exactMul, exactMulAdd, exactSqrt, exactSub } from "./exact.js";
import { FFLAG_NX, FFLAG_OF, FFLAG_UF, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP, type FpStatus, type RoundingMode } from "./status.js";

const TWO64 = 18446744073709551616;
const SPLIT = 134217729; // 2^27 + 1, Veltkamp's constant for binary64

/** Bits of a binary32 value held exactly in a double. */
function bits32(x: number): number {
  F32[0] = x;
  return U32[0]!;
}

function val32(bits: number): number {
  U32[0] = bits;
  return F32[0]!;
}

/** The binary32 neighbour of f (itself a binary32 value) one step up (+1) or down (-1). */
function step32(f: number, up: boolean): number {
  const b = bits32(f);
  if (b === 0 || b === 0x80000000) return up ? val32(1) : val32(0x80000001);
  const pos = b < 0x80000000;
  return val32(pos === up ? b + 1 : b - 1);
}

/** Rounds the double x to a binary32 value in mode rm, ignoring the exponent range's lower end. */
function roundTo32(x: number, rm: RoundingMode): number {
  let f = Math.fround(x);
  if (f === x || rm === RM_RNE) return f;
  switch (rm) {
    case RM_RTZ:
      if (Math.abs(f) > Math.abs(x)) f = step32(f, f < 0);
      break;
    case RM_RDN:
      if (f > x) f = step32(f, false);
      break;
    case RM_RUP:
      if (f < x) f = step32(f, true);
      break;
    case RM_RMM:
      if (Math.abs(f) < Math.abs(x)) {
        const g = step32(f, x > 0);
        if (x - f === g - x) f = g;
      }
      break;
  }
  return f;
}

/**
 * Rounds x + tail to binary32 in mode rm and accrues NX/UF/OF, where x is a finite double,
 * sign(tail) = sign(t) and |tail| <= ulp(x)/2 (x is the binary64 rounding of the exact
 * value). Returns the bits. Also correct when x is a binary32 value and the exact value
 * lies strictly between x and its binary32 neighbour on the side of t, no tie possible.
 */
export function roundF64ToF32(x: number, t: number, rm: RoundingMode, st: FpStatus): number {
  if (t !== 0) {
    // Round to odd: move x one binary64 ulp towards the exact value when its lsb is even.
    F64[0] = x;
    const lo = U32[0]!;
    if ((lo & 1) === 0) {
      if (t > 0 === x > 0) U32[0] = lo | 1;
      else if (lo !== 0) U32[0] = lo - 1;
      else {
        U32[0] = 0xffffffff;
        U32[1] = U32[1]! - 1;
      }
      x = F64[0]!;
    }
  }
  const f = roundTo32(x, rm);
  if (f === x) return bits32(f);
  let flags = FFLAG_NX;
  const ax = Math.abs(x);
  if (ax >= F32_OVERFLOW || f === Infinity || f === -Infinity) {
    flags |= FFLAG_OF;
  } else if (Math.abs(f) <= F32_MIN_NORMAL) {
    // Tininess after rounding: round with an unbounded exponent (scale into range).
    if (Math.abs(roundTo32(x * TWO64, rm)) < F32_MIN_NORMAL * TWO64) flags |= FFLAG_UF;
  }
  st.flags |= flags;
  return bits32(f);
}

function nonFinite(bits: number): boolean {
  return (bits & 0x7f800000) === 0x7f800000;
}

/** fadd.s: a + b in mode rm. */
export function f32Add(a: number, b: number, rm: RoundingMode, st: FpStatus): number {
  if (nonFinite(a) || nonFinite(b)) return Number(exactAdd(BINARY32, BigInt(a >>> 0), BigInt(b >>> 0), rm, st));
  return addFinite(val32(a), val32(b), a === 0 && b === 0, rm, st);
}

/** fsub.s: a - b in mode rm. */
export function f32Sub(a: number, b: number, rm: RoundingMode, st: FpStatus): number {
  if (nonFinite(a) || nonFinite(b)) return Number(exactSub(BINARY32, BigInt(a >>> 0), BigInt(b >>> 0), rm, st));
  return addFinite(val32(a), -val32(b), a === 0 && (b | 0) === -0x80000000, rm, st);
}

function addFinite(x: number, y: number, bothPlusZero: boolean, rm: RoundingMode, st: FpStatus): number {
  const s = x + y;
  if (s === 0) {
    // Exact zero: +0 unless both were -0; under RDN -0 unless both were +0.
    if (rm === RM_RDN) return bothPlusZero ? 0 : 0x80000000;
    return Object.is(s, -0) ? 0x80000000 : 0;
  }
  const bb = s - x;
  const t = x - (s - bb) + (y - bb);
  return roundF64ToF32(s, t, rm, st);
}

/** fmul.s: a * b in mode rm (the product of two binary32 values is exact in binary64). */
export function f32Mul(a: number, b: number, rm: RoundingMode, st: FpStatus): number {
  if (nonFinite(a) || nonFinite(b)) return Number(exactMul(BINARY32, BigInt(a >>> 0), BigInt(b >>> 0), rm, st));
  const p = val32(a) * val32(b);
  if (p === 0) return Object.is(p, -0) ? 0x80000000 : 0;
  return roundF64ToF32(p, 0, rm, st);
}

/** fdiv.s: a / b in mode rm. */
export function f32Div(a: number, b: number, rm: RoundingMode, st: FpStatus): number {
  if (nonFinite(a) || nonFinite(b) || (b & 0x7fffffff) === 0) {
    return Number(exactDiv(BINARY32, BigInt(a >>> 0), BigInt(b >>> 0), rm, st));
  }
  const x = val32(a);
  const y = val32(b);
  const q = x / y;
  if (q === 0) return Object.is(q, -0) ? 0x80000000 : 0;
  // Exact residual x - q*y: split q (53 bits) into 26 + 27 bits; y has 24 bits.
  const c = SPLIT * q;
  const qh = c - (c - q);
  const ql = q - qh;
  const r = x - qh * y - ql * y;
  return roundF64ToF32(q, y > 0 ? r : -r, rm, st);
}

/** fsqrt.s: sqrt(a) in mode rm. */
export function f32Sqrt(a: number, rm: RoundingMode, st: FpStatus): number {
  if (nonFinite(a) || (a & 0x80000000) !== 0) return Number(exactSqrt(BINARY32, BigInt(a >>> 0), rm, st));
  const x = val32(a);
  if (x === 0) return a;
  // f is the correctly rounded (RNE) result; f*f is exact (48 bits), so is x - f*f.
  const f = Math.fround(Math.sqrt(x));
  return roundF64ToF32(f, x - f * f, rm, st);
}

/**
 * Fused multiply-add family on binary32 with a single rounding:
 * (-1)^negProd * a * b + (-1)^negAdd * c. fmadd.s = (false, false), fmsub.s = (false, true),
 * fnmsub.s = (true, false), fnmadd.s = (true, true).
 */
export function f32MulAdd(a: number, b: number, c: number, negProd: boolean, negAdd: boolean, rm: RoundingMode, st: FpStatus): number {
  if (nonFinite(a) || nonFinite(b) || nonFinite(c)) {
    return Number(exactMulAdd(BINARY32, BigInt(a >>> 0), BigInt(b >>> 0), BigInt(c >>> 0), negProd, negAdd, rm, st));
  }
  let p = val32(a) * val32(b); // exact
  if (negProd) p = -p;
  let z = val32(c);
  if (negAdd) z = -z;
  const s = p + z;
  if (s === 0) {
    if (rm === RM_RDN) return Object.is(p, 0) && Object.is(z, 0) ? 0 : 0x80000000;
    return Object.is(s, -0) ? 0x80000000 : 0;
  }
  const bb = s - p;
  const t = p - (s - bb) + (z - bb);
  return roundF64ToF32(s, t, rm, st);
}

/** fmadd.s: a * b + c. */
export function f32Madd(a: number, b: number, c: number, rm: RoundingMode, st: FpStatus): number {
  return f32MulAdd(a, b, c, false, false, rm, st);
}

/** fmsub.s: a * b - c. */
export function f32Msub(a: number, b: number, c: number, rm: RoundingMode, st: FpStatus): number {
  return f32MulAdd(a, b, c, false, true, rm, st);
}

/** fnmsub.s: -(a * b) + c. */
export function f32Nmsub(a: number, b: number, c: number, rm: RoundingMode, st: FpStatus): number {
  return f32MulAdd(a, b, c, true, false, rm, st);
}

/** fnmadd.s: -(a * b) - c. */
export function f32Nmadd(a: number, b: number, c: number, rm: RoundingMode, st: FpStatus): number {
  return f32MulAdd(a, b, c, true, true, rm, st);
}
