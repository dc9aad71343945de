// binary64 arithmetic. Values are uint64 bigints (the raw bits).
//
// Fast path: the native (round-to-nearest-even) double operation, plus an error-free
// transformation giving the exact sign (or value) of its error: TwoSum for add/sub,
// Dekker's TwoProduct (Veltkamp splitting) for mul, the residual x - q*y for div and
// x - q*q for sqrt. RNE is then exact; RTZ/RDN/RUP step the result one ulp when the error
// points that way; RMM differs from RNE only on exact ties, detected from the exact error.
// Operands and results must stay in a range where those transformations are exact and the
// result is not near the underflow threshold; everything else (NaN, infinities,
// subnormal operands, products or quotients outside about [2^-960, 2^1020], sqrt of values
// below 2^-960, inexact results below 2^-1021, sums that overflow) takes the exact path in
// exact.ts.

import { F64, F64_MIN_NORMAL, U32, U64 } from "./bits.js";
import { BINARY64, exactAdd, exactDiv, exactMul, exactMulAdd, exactSqrt, exactSub } from "./exact.js";
import { FFLAG_NX, FFLAG_OF, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP, type FpStatus, type RoundingMode } from "./status.js";

const SPLIT = 134217729; // 2^27 + 1
const TINY_GUARD = 2 * F64_MIN_NORMAL; // 2^-1021
const FMA_GUARD = 2 ** -960;
const SIGN = 0x8000000000000000n;
/** Largest biased exponent Veltkamp's split takes without overflow (|x| < 2^996). */
const SPLIT_MAX = 1023 + 995;

/**
 * Biased operand exponents for which a*b has an exact TwoProduct error: both normal and
 * splittable, and 2^-960 <= |a*b| < 2^1022 (the error term does not underflow, the product
 * does not overflow).
 */
function mulInRange(ea: number, eb: number): boolean {
  const sum = ea + eb - 2046;
  return ea !== 0 && eb !== 0 && ea <= SPLIT_MAX && eb <= SPLIT_MAX && sum >= -960 && sum <= 1020;
}

/** Steps the nonzero finite double s one ulp away from zero (up = true) or towards zero. */
function stepMag(s: number, up: boolean): number {
  F64[0] = s;
  const lo = U32[0]!;
  if (up) {
    if (lo === 0xffffffff) {
      U32[0] = 0;
      U32[1] = U32[1]! + 1;
    } else U32[0] = lo + 1;
  } else if (lo === 0) {
    U32[0] = 0xffffffff;
    U32[1] = U32[1]! - 1;
  } else U32[0] = lo - 1;
  return F64[0];
}

function toBits(x: number): bigint {
  F64[0] = x;
  return U64[0]!;
}

/**
 * Final rounding of a fast-path result: s is the RNE result (normal, finite, |s| >= 2^-1021),
 * e the exact error (exact value = s + e) or, when `tieFree`, only its sign.
 */
function finish(s: number, e: number, tieFree: boolean, rm: RoundingMode, st: FpStatus): bigint {
  if (e === 0) return toBits(s);
  st.flags |= FFLAG_NX;
  switch (rm) {
    case RM_RNE:
      return toBits(s);
    case RM_RTZ:
      if (e > 0 !== s > 0) s = stepMag(s, false);
      return toBits(s);
    case RM_RDN:
      if (e < 0) s = s > 0 ? stepMag(s, false) : stepMag(s, true);
      break;
    case RM_RUP:
      if (e > 0) s = s > 0 ? stepMag(s, true) : stepMag(s, false);
      break;
    case RM_RMM:
      if (!tieFree && e > 0 === s > 0) {
        const g = stepMag(s, true);
        if (g - s === 2 * e) s = g;
      }
      break;
  }
  if (s === Infinity || s === -Infinity) st.flags |= FFLAG_OF;
  return toBits(s);
}

/** fadd.d: a + b in mode rm. */
export function f64Add(a: bigint, b: bigint, rm: RoundingMode, st: FpStatus): bigint {
  U64[0] = a;
  const ea = (U32[1]! >>> 20) & 0x7ff;
  const x = F64[0]!;
  U64[0] = b;
  const eb = (U32[1]! >>> 20) & 0x7ff;
  const y = F64[0]!;
  // |operands| < 2^1023 keeps TwoSum's intermediate s - x from overflowing.
  if (ea >= 2046 || eb >= 2046) return exactAdd(BINARY64, a, b, rm, st);
  const r = addFinite(x, y, a === 0n && b === 0n, rm, st);
  return r ?? exactAdd(BINARY64, a, b, rm, st);
}

/** fsub.d: a - b in mode rm. */
export function f64Sub(a: bigint, b: bigint, rm: RoundingMode, st: FpStatus): bigint {
  U64[0] = a;
  const ea = (U32[1]! >>> 20) & 0x7ff;
  const x = F64[0]!;
  U64[0] = b;
  const eb = (U32[1]! >>> 20) & 0x7ff;
  const y = F64[0]!;
  if (ea >= 2046 || eb >= 2046) return exactSub(BINARY64, a, b, rm, st);
  const r = addFinite(x, -y, a === 0n && b === SIGN, rm, st);
  return r ?? exactSub(BINARY64, a, b, rm, st);
}

function addFinite(x: number, y: number, bothPlusZero: boolean, rm: RoundingMode, st: FpStatus): bigint | undefined {
  const s = x + y;
  if (s === 0) {
    if (rm === RM_RDN) return bothPlusZero ? 0n : SIGN;
    return Object.is(s, -0) ? SIGN : 0n;
  }
  // RNE overflowed; whether the other modes do depends on the exact sum: exact path.
  if (s === Infinity || s === -Infinity) return undefined;
  const bb = s - x;
  const e = x - (s - bb) + (y - bb);
  if (e !== 0 && Math.abs(s) < TINY_GUARD) return undefined;
  return finish(s, e, false, rm, st);
}

/** fmul.d: a * b in mode rm. */
export function f64Mul(a: bigint, b: bigint, rm: RoundingMode, st: FpStatus): bigint {
  U64[0] = a;
  const ea = (U32[1]! >>> 20) & 0x7ff;
  const x = F64[0]!;
  U64[0] = b;
  const eb = (U32[1]! >>> 20) & 0x7ff;
  const y = F64[0]!;
  if (mulInRange(ea, eb)) {
    const p = x * y;
    let c = SPLIT * x;
    const xh = c - (c - x);
    const xl = x - xh;
    c = SPLIT * y;
    const yh = c - (c - y);
    const yl = y - yh;
    const e = xh * yh - p + xh * yl + xl * yh + xl * yl;
    return finish(p, e, false, rm, st);
  }
  if ((x === 0 && eb !== 0x7ff) || (y === 0 && ea !== 0x7ff)) return toBits(x * y);
  return exactMul(BINARY64, a, b, rm, st);
}

/** fdiv.d: a / b in mode rm. */
export function f64Div(a: bigint, b: bigint, rm: RoundingMode, st: FpStatus): bigint {
  U64[0] = a;
  const ea = (U32[1]! >>> 20) & 0x7ff;
  const x = F64[0]!;
  U64[0] = b;
  const eb = (U32[1]! >>> 20) & 0x7ff;
  const y = F64[0]!;
  // 2^-960 <= |x| < 2^1023, y normal and splittable, 2^-959 <= |q| < 2^995.
  if (ea >= 1023 - 960 && ea <= 2045 && eb !== 0 && eb <= SPLIT_MAX && ea - eb >= -958 && ea - eb <= 994) {
    const q = x / y;
    // Residual x - q*y, exact: q*y = p + pe (TwoProduct), x - p exact (Sterbenz).
    const p = q * y;
    let c = SPLIT * q;
    const qh = c - (c - q);
    const ql = q - qh;
    c = SPLIT * y;
    const yh = c - (c - y);
    const yl = y - yh;
    const pe = qh * yh - p + qh * yl + ql * yh + ql * yl;
    const r = x - p - pe;
    return finish(q, y > 0 ? r : -r, true, rm, st);
  }
  if (x === 0 && eb !== 0x7ff && y !== 0) return toBits(x / y);
  return exactDiv(BINARY64, a, b, rm, st);
}

/** fsqrt.d: sqrt(a) in mode rm. */
export function f64Sqrt(a: bigint, rm: RoundingMode, st: FpStatus): bigint {
  U64[0] = a;
  const ea = (U32[1]! >>> 20) & 0x7ff;
  const x = F64[0]!;
  if (x > 0 && ea >= 1023 - 960 && ea <= 2045) { // q*q must not overflow
    const q = Math.sqrt(x);
    const p = q * q;
    const c = SPLIT * q;
    const qh = c - (c - q);
    const ql = q - qh;
    const pe = qh * qh - p + 2 * qh * ql + ql * ql;
    return finish(q, x - p - pe, true, rm, st);
  }
  return exactSqrt(BINARY64, a, rm, st);
}

/**
 * Fused multiply-add family on binary64 with a single rounding:
 * (-1)^negProd * a * b + (-1)^negAdd * c.
 *
 * Fast path (Boldo and Melquiond's emulation through rounding to odd): p + pe = a*b
 * exactly (TwoProduct), th + tl = c + p exactly (TwoSum), v = tl + pe rounded to odd, and
 * th + v rounded once in mode rm equals the rounding of the exact result. (Either c + p is
 * exact and v is too, or |v| is far below ulp(th) and v's odd last bit acts as a sticky bit.)
 */
export function f64MulAdd(a: bigint, b: bigint, c: bigint, negProd: boolean, negAdd: boolean, rm: RoundingMode, st: FpStatus): bigint {
  U64[0] = a;
  const ea = (U32[1]! >>> 20) & 0x7ff;
  let x = F64[0]!;
  U64[0] = b;
  const eb = (U32[1]! >>> 20) & 0x7ff;
  const y = F64[0]!;
  U64[0] = c;
  const ec = (U32[1]! >>> 20) & 0x7ff;
  let z = F64[0]!;
  if (mulInRange(ea, eb) && ec <= 2045) {
    if (negProd) x = -x;
    if (negAdd) z = -z;
    const p = x * y;
    let k = SPLIT * x;
    const xh = k - (k - x);
    const xl = x - xh;
    k = SPLIT * y;
    const yh = k - (k - y);
    const yl = y - yh;
    const pe = xh * yh - p + xh * yl + xl * yh + xl * yl;
    // TwoSum(z, p)
    const th = z + p;
    let bb = th - z;
    const tl = z - (th - bb) + (p - bb);
    // v = RO(tl + pe)
    let v = tl + pe;
    bb = v - tl;
    const ve = tl - (v - bb) + (pe - bb);
    if (ve !== 0) {
      F64[0] = v;
      if ((U32[0]! & 1) === 0) v = stepMag(v, ve > 0 === v > 0);
    }
    const s = th + v;
    if (s === 0) {
      // c + a*b is exactly zero (v is then exact): +0, or -0 when rounding down.
      return rm === RM_RDN ? SIGN : 0n;
    }
    if (s !== Infinity && s !== -Infinity) {
      bb = s - th;
      const e = th - (s - bb) + (v - bb);
      // Far from the subnormal range v keeps its full 53 bits, so its odd last bit is well
      // below half an ulp of s; nearer, leave inexact cases to the exact path.
      if ((e === 0 && ve === 0) || Math.abs(s) >= FMA_GUARD) return finish(s, e, false, rm, st);
    }
  }
  return exactMulAdd(BINARY64, a, b, c, negProd, negAdd, rm, st);
}

/** fmadd.d: a * b + c. */
export function f64Madd(a: bigint, b: bigint, c: bigint, rm: RoundingMode, st: FpStatus): bigint {
  return f64MulAdd(a, b, c, false, false, rm, st);
}

/** fmsub.d: a * b - c. */
export function f64Msub(a: bigint, b: bigint, c: bigint, rm: RoundingMode, st: FpStatus): bigint {
  return f64MulAdd(a, b, c, false, true, rm, st);
}

/** fnmsub.d: -(a * b) + c. */
export function f64Nmsub(a: bigint, b: bigint, c: bigint, rm: RoundingMode, st: FpStatus): bigint {
  return f64MulAdd(a, b, c, true, false, rm, st);
}

/** fnmadd.d: -(a * b) - c. */
export function f64Nmadd(a: bigint, b: bigint, c: bigint, rm: RoundingMode, st: FpStatus): bigint {
  return f64MulAdd(a, b, c, true, true, rm, st);
}
