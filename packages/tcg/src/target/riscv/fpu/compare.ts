// Comparisons, min/max, fclass and sign injection for binary32 (uint32 number) and
// binary64 (uint64 bigint). RISC-V semantics (ISA 2.2+, QEMU's *_minimum_number and
// *_maximum_number): -0 < +0, a quiet NaN operand loses to a number, a signaling NaN
// raises NV, two NaNs give the canonical NaN. feq signals only on signaling NaNs, flt/fle
// on any NaN.

import { F32_CANONICAL_NAN, F64, F64_CANONICAL_NAN, U32, U64, f32FromBits, f32IsNaN, f32IsSignalingNaN } from "./bits.js";
import { FFLAG_NV, type FpStatus } from "./status.js";

function minMax32(a: number, b: number, max: boolean, st: FpStatus): number {
  const na = f32IsNaN(a);
  const nb = f32IsNaN(b);
  if (na || nb) {
    if (f32IsSignalingNaN(a) || f32IsSignalingNaN(b)) st.flags |= FFLAG_NV;
    if (na && nb) return F32_CANONICAL_NAN;
    return na ? b >>> 0 : a >>> 0;
  }
  const x = f32FromBits(a);
  const y = f32FromBits(b);
  if (x === y) {
    // Equal values differ only for zeros of opposite signs.
    const aNeg = a >>> 31 === 1;
    return (aNeg !== max ? a : b) >>> 0;
  }
  return (x < y !== max ? a : b) >>> 0;
}

/** fmin.s. */
export function f32Min(a: number, b: number, st: FpStatus): number {
  return minMax32(a, b, false, st);
}

/** fmax.s. */
export function f32Max(a: number, b: number, st: FpStatus): number {
  return minMax32(a, b, true, st);
}

/**
 * Loads a binary64 into the scratch and classifies its NaN-ness from the high word:
 * 0 = not a NaN, 1 = quiet NaN, 2 = signaling NaN. The value stays in F64[0].
 */
function nanKind64(a: bigint): number {
  U64[0] = a;
  const hi = U32[1]! & 0x7fffffff;
  if (hi < 0x7ff00000) return 0;
  if (hi >= 0x7ff80000) return 1;
  return hi > 0x7ff00000 || U32[0] !== 0 ? 2 : 0;
}

function minMax64(a: bigint, b: bigint, max: boolean, st: FpStatus): bigint {
  const ka = nanKind64(a);
  const x = F64[0]!;
  const kb = nanKind64(b);
  const y = F64[0]!;
  if (ka !== 0 || kb !== 0) {
    if (ka === 2 || kb === 2) st.flags |= FFLAG_NV;
    if (ka !== 0 && kb !== 0) return F64_CANONICAL_NAN;
    return ka !== 0 ? b : a;
  }
  if (x === y) {
    const aNeg = Object.is(x, -0) || x < 0;
    return aNeg !== max ? a : b;
  }
  return x < y !== max ? a : b;
}

/** fmin.d. */
export function f64Min(a: bigint, b: bigint, st: FpStatus): bigint {
  return minMax64(a, b, false, st);
}

/** fmax.d. */
export function f64Max(a: bigint, b: bigint, st: FpStatus): bigint {
  return minMax64(a, b, true, st);
}

/** feq.s: 1 when equal (quiet: NV only for signaling NaNs), else 0. */
export function f32Eq(a: number, b: number, st: FpStatus): number {
  if (f32IsNaN(a) || f32IsNaN(b)) {
    if (f32IsSignalingNaN(a) || f32IsSignalingNaN(b)) st.flags |= FFLAG_NV;
    return 0;
  }
  return f32FromBits(a) === f32FromBits(b) ? 1 : 0;
}

/** flt.s: 1 when a < b (signaling: NV on any NaN), else 0. */
export function f32Lt(a: number, b: number, st: FpStatus): number {
  if (f32IsNaN(a) || f32IsNaN(b)) {
    st.flags |= FFLAG_NV;
    return 0;
  }
  return f32FromBits(a) < f32FromBits(b) ? 1 : 0;
}

/** fle.s: 1 when a <= b (signaling: NV on any NaN), else 0. */
export function f32Le(a: number, b: number, st: FpStatus): number {
  if (f32IsNaN(a) || f32IsNaN(b)) {
    st.flags |= FFLAG_NV;
    return 0;
  }
  return f32FromBits(a) <= f32FromBits(b) ? 1 : 0;
}

/** feq.d: 1 when equal (quiet: NV only for signaling NaNs), else 0. */
export function f64Eq(a: bigint, b: bigint, st: FpStatus): number {
  const ka = nanKind64(a);
  const x = F64[0]!;
  const kb = nanKind64(b);
  if (ka !== 0 || kb !== 0) {
    if (ka === 2 || kb === 2) st.flags |= FFLAG_NV;
    return 0;
  }
  return x === F64[0]! ? 1 : 0;
}

/** flt.d: 1 when a < b (signaling: NV on any NaN), else 0. */
export function f64Lt(a: bigint, b: bigint, st: FpStatus): number {
  const ka = nanKind64(a);
  const x = F64[0]!;
  const kb = nanKind64(b);
  if (ka !== 0 || kb !== 0) {
    st.flags |= FFLAG_NV;
    return 0;
  }
  return x < F64[0]! ? 1 : 0;
}

/** fle.d: 1 when a <= b (signaling: NV on any NaN), else 0. */
export function f64Le(a: bigint, b: bigint, st: FpStatus): number {
  const ka = nanKind64(a);
  const x = F64[0]!;
  const kb = nanKind64(b);
  if (ka !== 0 || kb !== 0) {
    st.flags |= FFLAG_NV;
    return 0;
  }
  return x <= F64[0]! ? 1 : 0;
}

/**
 * fclass bit indices: 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal,
 * 6 +normal, 7 +inf, 8 signaling NaN, 9 quiet NaN. Returns the one-hot mask.
 */
function classify(neg: boolean, expAllOnes: boolean, expZero: boolean, mantZero: boolean, quiet: boolean): number {
  if (expAllOnes) {
    if (mantZero) return neg ? 1 << 0 : 1 << 7;
    return quiet ? 1 << 9 : 1 << 8;
  }
  if (expZero) {
    if (mantZero) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}

/** fclass.s: the one-hot class mask (bit 0 -inf ... bit 9 quiet NaN). */
export function f32Class(a: number): number {
  const e = (a >>> 23) & 0xff;
  return classify(a >>> 31 === 1, e === 0xff, e === 0, (a & 0x7fffff) === 0, (a & 0x400000) !== 0);
}

/** fclass.d: the one-hot class mask (bit 0 -inf ... bit 9 quiet NaN). */
export function f64Class(a: bigint): number {
  U64[0] = a;
  const hi = U32[1]!;
  const e = (hi >>> 20) & 0x7ff;
  return classify(hi >>> 31 === 1, e === 0x7ff, e === 0, (hi & 0xfffff) === 0 && U32[0] === 0, (hi & 0x80000) !== 0);
}

/** fsgnj.s: a's magnitude with b's sign. No flags. */
export function f32Sgnj(a: number, b: number): number {
  return ((a & 0x7fffffff) | (b & 0x80000000)) >>> 0;
}

/** fsgnjn.s: a's magnitude with the opposite of b's sign. No flags. */
export function f32Sgnjn(a: number, b: number): number {
  return ((a & 0x7fffffff) | (~b & 0x80000000)) >>> 0;
}

/** fsgnjx.s: a with its sign XORed with b's sign. No flags. */
export function f32Sgnjx(a: number, b: number): number {
  return (a ^ (b & 0x80000000)) >>> 0;
}

const MAG64 = 0x7fffffffffffffffn;
const SIGN64 = 0x8000000000000000n;

/** fsgnj.d: a's magnitude with b's sign. No flags. */
export function f64Sgnj(a: bigint, b: bigint): bigint {
  return (a & MAG64) | (b & SIGN64);
}

/** fsgnjn.d: a's magnitude with the opposite of b's sign. No flags. */
export function f64Sgnjn(a: bigint, b: bigint): bigint {
  return (a & MAG64) | (~b & SIGN64);
}

/** fsgnjx.d: a with its sign XORed with b's sign. No flags. */
export function f64Sgnjx(a: bigint, b: bigint): bigint {
  return a ^ (b & SIGN64);
}
