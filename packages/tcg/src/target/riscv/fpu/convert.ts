// Conversions: binary32 <-> binary64, float -> integer (RISC-V saturation) and
// integer -> float. binary32 is a uint32 number, binary64 a uint64 bigint.
//
// Float -> integer saturates as the RISC-V spec's table says (and QEMU does): NaN gives
// the largest value, out-of-range values clamp to the nearest end; both raise NV and not
// NX. In-range inexact conversions raise NX. 32-bit results are returned as int32 numbers,
// i.e. already sign-extended the way RV64 writes them to x registers (fcvt.wu too);
// 64-bit results are bigints: fcvt.l signed, fcvt.lu in [0, 2^64).

import { F32_CANONICAL_NAN, F64, F64_CANONICAL_NAN, U32, U64, f32FromBits, f32IsSignalingNaN } from "./bits.js";
import { roundF64ToF32 } from "./f32.js";
import { FFLAG_NV, FFLAG_NX, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP, type FpStatus, type RoundingMode } from "./status.js";

const TWO31 = 2147483648;
const TWO32 = 4294967296;
const TWO53 = 9007199254740992;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/** fcvt.d.s: widen (exact); a NaN gives the canonical NaN (NV if signaling). */
export function f32ToF64(a: number, st: FpStatus): bigint {
  if ((a & 0x7fffffff) > 0x7f800000) {
    if (f32IsSignalingNaN(a)) st.flags |= FFLAG_NV;
    return F64_CANONICAL_NAN;
  }
  F64[0] = f32FromBits(a);
  return U64[0]!;
}

/** fcvt.s.d: narrow with rounding mode rm; a NaN gives the canonical NaN (NV if signaling). */
export function f64ToF32(a: bigint, rm: RoundingMode, st: FpStatus): number {
  U64[0] = a;
  const x = F64[0]!;
  if (x !== x) {
    if ((U32[1]! & 0x00080000) === 0) st.flags |= FFLAG_NV;
    return F32_CANONICAL_NAN;
  }
  if (x === 0) return Object.is(x, -0) ? 0x80000000 : 0;
  if (x === Infinity) return 0x7f800000;
  if (x === -Infinity) return 0xff800000;
  return roundF64ToF32(x, 0, rm, st);
}

/** Rounds the double x to an integer-valued double in mode rm. */
function roundToInteger(x: number, rm: RoundingMode): number {
  switch (rm) {
    case RM_RNE: {
      if (Math.abs(x) >= TWO53) return x;
      const fl = Math.floor(x);
      const d = x - fl;
      return d > 0.5 || (d === 0.5 && fl % 2 !== 0) ? fl + 1 : fl;
    }
    case RM_RTZ:
      return Math.trunc(x);
    case RM_RDN:
      return Math.floor(x);
    case RM_RUP:
      return Math.ceil(x);
    case RM_RMM: {
      const m = Math.abs(x);
      const fl = Math.floor(m);
      const r = m - fl >= 0.5 ? fl + 1 : fl;
      return x < 0 ? -r : r;
    }
  }
}

/**
 * Converts the double x (NaN allowed) to an integer in [lo, hiExclusive) with RISC-V
 * saturation (NaN and too large give hiValue, too small gives lo), as a double.
 */
function toIntRange(x: number, lo: number, hiExclusive: number, hiValue: number, rm: RoundingMode, st: FpStatus): number {
  if (x !== x) {
    st.flags |= FFLAG_NV;
    return hiValue;
  }
  const r = roundToInteger(x, rm);
  if (r < lo) {
    st.flags |= FFLAG_NV;
    return lo;
  }
  if (r >= hiExclusive) {
    st.flags |= FFLAG_NV;
    return hiValue;
  }
  if (r !== x) st.flags |= FFLAG_NX;
  return r;
}

function f64Value(a: bigint): number {
  U64[0] = a;
  return F64[0]!;
}

/** fcvt.w.s: to int32 (result as an int32 number). */
export function f32ToI32(a: number, rm: RoundingMode, st: FpStatus): number {
  return toIntRange(f32FromBits(a), -TWO31, TWO31, TWO31 - 1, rm, st) | 0;
}

/** fcvt.wu.s: to uint32; returned sign-extended as an int32 number (RV64 register image). */
export function f32ToU32(a: number, rm: RoundingMode, st: FpStatus): number {
  return toIntRange(f32FromBits(a), 0, TWO32, TWO32 - 1, rm, st) | 0;
}

/** fcvt.l.s: to int64 (signed bigint). */
export function f32ToI64(a: number, rm: RoundingMode, st: FpStatus): bigint {
  const x = f32FromBits(a);
  if (x !== x || x >= TWO63 || x < -TWO63) return satI64(x, st);
  return BigInt(toIntRange(x, -TWO63, TWO63, 0, rm, st));
}

/** fcvt.lu.s: to uint64 (bigint in [0, 2^64)). */
export function f32ToU64(a: number, rm: RoundingMode, st: FpStatus): bigint {
  const x = f32FromBits(a);
  if (x !== x || x >= TWO64) return satU64(x, st);
  return BigInt(toIntRange(x, 0, TWO64, 0, rm, st));
}

/** fcvt.w.d: to int32 (result as an int32 number). */
export function f64ToI32(a: bigint, rm: RoundingMode, st: FpStatus): number {
  return toIntRange(f64Value(a), -TWO31, TWO31, TWO31 - 1, rm, st) | 0;
}

/** fcvt.wu.d: to uint32; returned sign-extended as an int32 number (RV64 register image). */
export function f64ToU32(a: bigint, rm: RoundingMode, st: FpStatus): number {
  return toIntRange(f64Value(a), 0, TWO32, TWO32 - 1, rm, st) | 0;
}

/** fcvt.l.d: to int64 (signed bigint). */
export function f64ToI64(a: bigint, rm: RoundingMode, st: FpStatus): bigint {
  const x = f64Value(a);
  if (x !== x || x >= TWO63 || x < -TWO63) return satI64(x, st);
  // |x| >= 2^53 is already an integer, so the double result is exact.
  return BigInt(toIntRange(x, -TWO63, TWO63, 0, rm, st));
}

/** fcvt.lu.d: to uint64 (bigint in [0, 2^64)). */
export function f64ToU64(a: bigint, rm: RoundingMode, st: FpStatus): bigint {
  const x = f64Value(a);
  if (x !== x || x >= TWO64) return satU64(x, st);
  return BigInt(toIntRange(x, 0, TWO64, 0, rm, st));
}

function satI64(x: number, st: FpStatus): bigint {
  st.flags |= FFLAG_NV;
  return x < 0 ? -(1n << 63n) : (1n << 63n) - 1n;
}

function satU64(x: number, st: FpStatus): bigint {
  st.flags |= FFLAG_NV;
  return x < 0 ? 0n : (1n << 64n) - 1n;
}

/** fcvt.s.w: int32 (any number; its low 32 bits, signed) to binary32. */
export function i32ToF32(x: number, rm: RoundingMode, st: FpStatus): number {
  return roundF64ToF32(x | 0, 0, rm, st);
}

/** fcvt.s.wu: uint32 (any number; its low 32 bits, unsigned) to binary32. */
export function u32ToF32(x: number, rm: RoundingMode, st: FpStatus): number {
  return roundF64ToF32(x >>> 0, 0, rm, st);
}

/** fcvt.s.l: int64 (a bigint; its low 64 bits, signed) to binary32. */
export function i64ToF32(x: bigint, rm: RoundingMode, st: FpStatus): number {
  return bigToF32(BigInt.asIntN(64, x), rm, st);
}

/** fcvt.s.lu: uint64 (a bigint; its low 64 bits, unsigned) to binary32. */
export function u64ToF32(x: bigint, rm: RoundingMode, st: FpStatus): number {
  return bigToF32(BigInt.asUintN(64, x), rm, st);
}

function bigToF32(v: bigint, rm: RoundingMode, st: FpStatus): number {
  const d = Number(v); // RNE to binary64
  const e = v - BigInt(d);
  return roundF64ToF32(d, e > 0n ? 1 : e < 0n ? -1 : 0, rm, st);
}

/** fcvt.d.w: int32 (low 32 bits, signed) to binary64 (exact). */
export function i32ToF64(x: number): bigint {
  F64[0] = x | 0;
  return U64[0]!;
}

/** fcvt.d.wu: uint32 (low 32 bits, unsigned) to binary64 (exact). */
export function u32ToF64(x: number): bigint {
  F64[0] = x >>> 0;
  return U64[0]!;
}

/** fcvt.d.l: int64 (low 64 bits, signed) to binary64 in mode rm. */
export function i64ToF64(x: bigint, rm: RoundingMode, st: FpStatus): bigint {
  return bigToF64(BigInt.asIntN(64, x), rm, st);
}

/** fcvt.d.lu: uint64 (low 64 bits, unsigned) to binary64 in mode rm. */
export function u64ToF64(x: bigint, rm: RoundingMode, st: FpStatus): bigint {
  return bigToF64(BigInt.asUintN(64, x), rm, st);
}

function bigToF64(v: bigint, rm: RoundingMode, st: FpStatus): bigint {
  const d = Number(v); // RNE; exact up to 2^53
  F64[0] = d;
  if (v <= 9007199254740992n && v >= -9007199254740992n) return U64[0]!;
  const tail = v - BigInt(d); // exact error, |tail| <= ulp(d)/2
  if (tail === 0n) return U64[0]!;
  st.flags |= FFLAG_NX;
  const up = tail > 0n;
  let away: boolean; // step |d| one ulp up (true), down, or keep d
  switch (rm) {
    case RM_RNE:
      return U64[0]!;
    case RM_RTZ:
      if (up === d > 0) return U64[0]!;
      away = false;
      break;
    case RM_RDN:
      if (up) return U64[0]!;
      away = d < 0;
      break;
    case RM_RUP:
      if (!up) return U64[0]!;
      away = d > 0;
      break;
    case RM_RMM: {
      if (up !== d > 0) return U64[0]!;
      // A tie (|tail| = ulp/2) went to even; RMM takes the larger magnitude.
      const bits = U64[0]!;
      const next = bits + 1n;
      U64[0] = next;
      const ulp = BigInt(F64[0]) - BigInt(d);
      if ((tail < 0n ? -tail : tail) * 2n === (ulp < 0n ? -ulp : ulp)) return next;
      return bits;
    }
  }
  return away ? U64[0]! + 1n : U64[0]! - 1n;
}
