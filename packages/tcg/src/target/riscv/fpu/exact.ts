// The exact (slow) path: IEEE 754 binary32/binary64 arithmetic on BigInt significands,
// correct for every input and rounding mode, with RISC-V's NaN rules (canonical NaN out,
// NV on signaling NaN) and tininess detected after rounding, as QEMU's target/riscv does
// (it keeps softfloat's default, float_tininess_after_rounding). The fast paths in f32.ts
// and f64.ts fall back to these functions, and tests compare the two.
//
// Values travel as bigint bits for both formats here; f32.ts converts.

import { FFLAG_DZ, FFLAG_NV, FFLAG_NX, FFLAG_OF, FFLAG_UF, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP, type FpStatus, type RoundingMode } from "./status.js";

/** Parameters of an IEEE binary interchange format. */
export interface FloatFormat {
  /** Total width in bits. */
  readonly width: 32 | 64;
  /** Stored significand bits (23 or 52). */
  readonly mantBits: number;
  /** Exponent bias (127 or 1023). */
  readonly bias: number;
  /** The all-ones biased exponent (255 or 2047). */
  readonly expMax: number;
  /** The canonical quiet NaN bits. */
  readonly nan: bigint;
}

/**
 * How often the exact (BigInt) path ran: a cheap counter for benchmarks and tests that
 * check which inputs stay on the fast paths. Reset it by assigning 0 to `calls`.
 */
export const EXACT_PATH_STATS = { calls: 0 };

/** binary32. */
export const BINARY32: FloatFormat = { width: 32, mantBits: 23, bias: 127, expMax: 255, nan: 0x7fc00000n };
/** binary64. */
export const BINARY64: FloatFormat = { width: 64, mantBits: 52, bias: 1023, expMax: 2047, nan: 0x7ff8000000000000n };

/** Operand classes of the slow path. */
const Cls = { Zero: 0, Finite: 1, Inf: 2, QNaN: 3, SNaN: 4 } as const;
type Cls = (typeof Cls)[keyof typeof Cls];

/** An unpacked value: finite ones are (-1)^sign * sig * 2^exp exactly. */
interface Parts {
  cls: Cls;
  sign: boolean;
  sig: bigint;
  exp: number;
}

function unpack(f: FloatFormat, bits: bigint): Parts {
  const mb = BigInt(f.mantBits);
  const sign = ((bits >> BigInt(f.width - 1)) & 1n) === 1n;
  const be = Number((bits >> mb) & BigInt(f.expMax));
  const mant = bits & ((1n << mb) - 1n);
  if (be === f.expMax) {
    if (mant === 0n) return { cls: Cls.Inf, sign, sig: 0n, exp: 0 };
    return { cls: (mant >> (mb - 1n)) === 1n ? Cls.QNaN : Cls.SNaN, sign, sig: 0n, exp: 0 };
  }
  if (be === 0) {
    if (mant === 0n) return { cls: Cls.Zero, sign, sig: 0n, exp: 0 };
    return { cls: Cls.Finite, sign, sig: mant, exp: 1 - f.bias - f.mantBits };
  }
  return { cls: Cls.Finite, sign, sig: mant | (1n << mb), exp: be - f.bias - f.mantBits };
}

function signBit(f: FloatFormat, sign: boolean): bigint {
  return sign ? 1n << BigInt(f.width - 1) : 0n;
}

function infBits(f: FloatFormat, sign: boolean): bigint {
  return signBit(f, sign) | (BigInt(f.expMax) << BigInt(f.mantBits));
}

function maxFiniteBits(f: FloatFormat, sign: boolean): bigint {
  return infBits(f, sign) - 1n;
}

function bitLength(x: bigint): number {
  // x > 0. toString(2) is fast enough for the slow path and exact.
  return x.toString(2).length;
}

/** Increment decision for dropping `rem` (out of `half * 2`) plus a sticky tail. */
function roundsUp(rm: RoundingMode, sign: boolean, lsbOdd: boolean, rem: bigint, half: bigint, sticky: boolean): boolean {
  switch (rm) {
    case RM_RNE:
      return rem > half || (rem === half && (sticky || lsbOdd));
    case RM_RMM:
      return rem >= half;
    case RM_RTZ:
      return false;
    case RM_RDN:
      return sign && (rem !== 0n || sticky);
    case RM_RUP:
      return !sign && (rem !== 0n || sticky);
  }
}

/** Bits of the result of overflow in mode `rm` (flags are the caller's). */
function overflowBits(f: FloatFormat, sign: boolean, rm: RoundingMode): bigint {
  const toInf = rm === RM_RNE || rm === RM_RMM || (rm === RM_RDN && sign) || (rm === RM_RUP && !sign);
  return toInf ? infBits(f, sign) : maxFiniteBits(f, sign);
}

/**
 * Rounds (-1)^sign * (sig + sticky) * 2^exp (sig > 0; `sticky` means a nonzero tail below
 * bit 0 of sig) to format `f` in mode `rm`, accruing NX/UF/OF. Returns the bits.
 */
export function roundPack(f: FloatFormat, sign: boolean, sig: bigint, exp: number, sticky: boolean, rm: RoundingMode, st: FpStatus): bigint {
  const p = f.mantBits + 1;
  let n = bitLength(sig);
  if (n < p + 2) {
    sig <<= BigInt(p + 2 - n);
    exp -= p + 2 - n;
    n = p + 2;
  }
  const emin = 1 - f.bias;
  const emax = f.bias;
  // Unbounded-exponent rounding to p bits: decides overflow and tininess.
  const e = exp + n - 1; // value in [2^e, 2^(e+1))
  const sh = BigInt(n - p);
  const half = 1n << (sh - 1n);
  let q = sig >> sh;
  const rem = sig & ((1n << sh) - 1n);
  let eu = e;
  if (roundsUp(rm, sign, (q & 1n) === 1n, rem, half, sticky)) {
    q += 1n;
    if (q >> BigInt(p) === 1n) eu += 1;
  }
  const inexactUnbounded = rem !== 0n || sticky;
  if (eu > emax) {
    st.flags |= FFLAG_OF | FFLAG_NX;
    return overflowBits(f, sign, rm);
  }
  const tiny = eu < emin;
  if (e >= emin) {
    // Normal: the unbounded rounding is the answer (q may have carried to 2^p).
    if (inexactUnbounded) st.flags |= FFLAG_NX;
    let be = e + f.bias;
    if (q >> BigInt(p) === 1n) {
      q >>= 1n;
      be += 1;
    }
    return signBit(f, sign) | (BigInt(be) << BigInt(f.mantBits)) | (q & ((1n << BigInt(f.mantBits)) - 1n));
  }
  // Subnormal range: keep bits down to 2^(emin - mantBits).
  const drop = emin - f.mantBits - exp; // > 0 here since e < emin
  let qs: bigint;
  let inexact: boolean;
  if (drop > n + 1) {
    qs = 0n;
    inexact = true;
    if (roundsUp(rm, sign, false, 1n, 2n, false)) qs = 1n;
  } else {
    const d = BigInt(drop);
    qs = sig >> d;
    const r = sig & ((1n << d) - 1n);
    inexact = r !== 0n || sticky;
    if (roundsUp(rm, sign, (qs & 1n) === 1n, r, 1n << (d - 1n), sticky)) qs += 1n;
  }
  if (inexact) {
    st.flags |= FFLAG_NX;
    if (tiny) st.flags |= FFLAG_UF;
  }
  // qs <= 2^mantBits; 2^mantBits encodes the smallest normal by itself.
  return signBit(f, sign) | qs;
}

function nanResult(f: FloatFormat, st: FpStatus, ...ps: Parts[]): bigint {
  for (const x of ps) if (x.cls === Cls.SNaN) st.flags |= FFLAG_NV;
  return f.nan;
}

function isNaNCls(c: Cls): boolean {
  return c === Cls.QNaN || c === Cls.SNaN;
}

function zeroBits(f: FloatFormat, sign: boolean): bigint {
  return signBit(f, sign);
}

/** Sum of two unpacked values with a possibly flipped b sign. */
function addParts(f: FloatFormat, a: Parts, b: Parts, rm: RoundingMode, st: FpStatus): bigint {
  if (isNaNCls(a.cls) || isNaNCls(b.cls)) return nanResult(f, st, a, b);
  if (a.cls === Cls.Inf || b.cls === Cls.Inf) {
    if (a.cls === Cls.Inf && b.cls === Cls.Inf && a.sign !== b.sign) {
      st.flags |= FFLAG_NV;
      return f.nan;
    }
    return infBits(f, a.cls === Cls.Inf ? a.sign : b.sign);
  }
  if (a.cls === Cls.Zero && b.cls === Cls.Zero) {
    return zeroBits(f, a.sign === b.sign ? a.sign : rm === RM_RDN);
  }
  if (a.cls === Cls.Zero) return packExact(f, b);
  if (b.cls === Cls.Zero) return packExact(f, a);
  const e = Math.min(a.exp, b.exp);
  const va = a.sig << BigInt(a.exp - e);
  const vb = b.sig << BigInt(b.exp - e);
  let s = (a.sign ? -va : va) + (b.sign ? -vb : vb);
  if (s === 0n) return zeroBits(f, rm === RM_RDN);
  const neg = s < 0n;
  if (neg) s = -s;
  return roundPack(f, neg, s, e, false, rm, st);
}

/** Packs a finite nonzero value known to be representable in f. */
function packExact(f: FloatFormat, x: Parts): bigint {
  const scratch = { flags: 0 };
  return roundPack(f, x.sign, x.sig, x.exp, false, RM_RNE, scratch);
}

/** Exact a + b. */
export function exactAdd(f: FloatFormat, a: bigint, b: bigint, rm: RoundingMode, st: FpStatus): bigint {
  EXACT_PATH_STATS.calls++;
  return addParts(f, unpack(f, a), unpack(f, b), rm, st);
}

/** Exact a - b. */
export function exactSub(f: FloatFormat, a: bigint, b: bigint, rm: RoundingMode, st: FpStatus): bigint {
  EXACT_PATH_STATS.calls++;
  const pb = unpack(f, b);
  pb.sign = !pb.sign;
  return addParts(f, unpack(f, a), pb, rm, st);
}

/** Exact a * b. */
export function exactMul(f: FloatFormat, a: bigint, b: bigint, rm: RoundingMode, st: FpStatus): bigint {
  EXACT_PATH_STATS.calls++;
  const pa = unpack(f, a);
  const pb = unpack(f, b);
  if (isNaNCls(pa.cls) || isNaNCls(pb.cls)) return nanResult(f, st, pa, pb);
  const sign = pa.sign !== pb.sign;
  if (pa.cls === Cls.Inf || pb.cls === Cls.Inf) {
    if (pa.cls === Cls.Zero || pb.cls === Cls.Zero) {
      st.flags |= FFLAG_NV;
      return f.nan;
    }
    return infBits(f, sign);
  }
  if (pa.cls === Cls.Zero || pb.cls === Cls.Zero) return zeroBits(f, sign);
  return roundPack(f, sign, pa.sig * pb.sig, pa.exp + pb.exp, false, rm, st);
}

/** Exact a / b. */
export function exactDiv(f: FloatFormat, a: bigint, b: bigint, rm: RoundingMode, st: FpStatus): bigint {
  EXACT_PATH_STATS.calls++;
  const pa = unpack(f, a);
  const pb = unpack(f, b);
  if (isNaNCls(pa.cls) || isNaNCls(pb.cls)) return nanResult(f, st, pa, pb);
  const sign = pa.sign !== pb.sign;
  if (pa.cls === Cls.Inf) {
    if (pb.cls === Cls.Inf) {
      st.flags |= FFLAG_NV;
      return f.nan;
    }
    return infBits(f, sign);
  }
  if (pb.cls === Cls.Inf) return zeroBits(f, sign);
  if (pb.cls === Cls.Zero) {
    if (pa.cls === Cls.Zero) {
      st.flags |= FFLAG_NV;
      return f.nan;
    }
    st.flags |= FFLAG_DZ;
    return infBits(f, sign);
  }
  if (pa.cls === Cls.Zero) return zeroBits(f, sign);
  const p = f.mantBits + 1;
  const shift = Math.max(0, p + 3 + bitLength(pb.sig) - bitLength(pa.sig));
  const num = pa.sig << BigInt(shift);
  const q = num / pb.sig;
  const r = num - q * pb.sig;
  return roundPack(f, sign, q, pa.exp - pb.exp - shift, r !== 0n, rm, st);
}

/** Integer square root: floor(sqrt(n)) for n >= 0. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Exact sqrt(a). */
export function exactSqrt(f: FloatFormat, a: bigint, rm: RoundingMode, st: FpStatus): bigint {
  EXACT_PATH_STATS.calls++;
  const pa = unpack(f, a);
  if (isNaNCls(pa.cls)) return nanResult(f, st, pa);
  if (pa.cls === Cls.Zero) return zeroBits(f, pa.sign);
  if (pa.sign) {
    st.flags |= FFLAG_NV;
    return f.nan;
  }
  if (pa.cls === Cls.Inf) return infBits(f, false);
  let m = pa.sig;
  let e = pa.exp;
  if ((e & 1) !== 0) {
    m <<= 1n;
    e -= 1;
  }
  const p = f.mantBits + 1;
  const k = Math.max(0, p + 3 - (bitLength(m) >> 1));
  const n = m << BigInt(2 * k);
  const s = isqrt(n);
  return roundPack(f, false, s, (e - 2 * k) / 2, s * s !== n, rm, st);
}

/**
 * Exact fused (-1)^negProd * a * b + (-1)^negAdd * c with one rounding (fmadd: 0,0;
 * fmsub: 0,1; fnmsub: 1,0; fnmadd: 1,1).
 */
export function exactMulAdd(f: FloatFormat, a: bigint, b: bigint, c: bigint, negProd: boolean, negAdd: boolean, rm: RoundingMode, st: FpStatus): bigint {
  EXACT_PATH_STATS.calls++;
  const pa = unpack(f, a);
  const pb = unpack(f, b);
  const pc = unpack(f, c);
  const infZero = (pa.cls === Cls.Inf && pb.cls === Cls.Zero) || (pa.cls === Cls.Zero && pb.cls === Cls.Inf);
  if (isNaNCls(pa.cls) || isNaNCls(pb.cls) || isNaNCls(pc.cls)) {
    // RISC-V: inf * 0 raises NV even when the addend is a quiet NaN.
    if (infZero) st.flags |= FFLAG_NV;
    return nanResult(f, st, pa, pb, pc);
  }
  if (infZero) {
    st.flags |= FFLAG_NV;
    return f.nan;
  }
  const ps = pa.sign !== pb.sign !== negProd;
  const cs = pc.sign !== negAdd;
  if (pa.cls === Cls.Inf || pb.cls === Cls.Inf) {
    if (pc.cls === Cls.Inf && cs !== ps) {
      st.flags |= FFLAG_NV;
      return f.nan;
    }
    return infBits(f, ps);
  }
  if (pc.cls === Cls.Inf) return infBits(f, cs);
  const prodZero = pa.cls === Cls.Zero || pb.cls === Cls.Zero;
  if (prodZero) {
    if (pc.cls === Cls.Zero) return zeroBits(f, ps === cs ? ps : rm === RM_RDN);
    return packExact(f, { cls: Cls.Finite, sign: cs, sig: pc.sig, exp: pc.exp });
  }
  const psig = pa.sig * pb.sig;
  const pexp = pa.exp + pb.exp;
  if (pc.cls === Cls.Zero) return roundPack(f, ps, psig, pexp, false, rm, st);
  const e = Math.min(pexp, pc.exp);
  const vp = psig << BigInt(pexp - e);
  const vc = pc.sig << BigInt(pc.exp - e);
  let s = (ps ? -vp : vp) + (cs ? -vc : vc);
  if (s === 0n) return zeroBits(f, rm === RM_RDN);
  const neg = s < 0n;
  if (neg) s = -s;
  return roundPack(f, neg, s, e, false, rm, st);
}

/** Exact conversion between formats (fcvt.s.d / fcvt.d.s); NaN gives the canonical NaN. */
export function exactConvert(from: FloatFormat, to: FloatFormat, a: bigint, rm: RoundingMode, st: FpStatus): bigint {
  EXACT_PATH_STATS.calls++;
  const pa = unpack(from, a);
  if (isNaNCls(pa.cls)) return nanResult(to, st, pa);
  if (pa.cls === Cls.Inf) return infBits(to, pa.sign);
  if (pa.cls === Cls.Zero) return zeroBits(to, pa.sign);
  return roundPack(to, pa.sign, pa.sig, pa.exp, false, rm, st);
}

/** Exact conversion of an integer (any size) to format `f`. */
export function exactFromInt(f: FloatFormat, x: bigint, rm: RoundingMode, st: FpStatus): bigint {
  EXACT_PATH_STATS.calls++;
  if (x === 0n) return 0n;
  const neg = x < 0n;
  return roundPack(f, neg, neg ? -x : x, 0, false, rm, st);
}

/**
 * Exact conversion to an integer in [lo, hi] with RISC-V saturation: NaN gives hi,
 * out-of-range values clamp (NV, and no NX); in-range inexact results raise NX.
 */
export function exactToInt(f: FloatFormat, a: bigint, lo: bigint, hi: bigint, rm: RoundingMode, st: FpStatus): bigint {
  EXACT_PATH_STATS.calls++;
  const pa = unpack(f, a);
  if (isNaNCls(pa.cls)) {
    st.flags |= FFLAG_NV;
    return hi;
  }
  if (pa.cls === Cls.Inf) {
    st.flags |= FFLAG_NV;
    return pa.sign ? lo : hi;
  }
  if (pa.cls === Cls.Zero) return 0n;
  let v: bigint;
  let inexact = false;
  if (pa.exp >= 0) {
    v = pa.sig << BigInt(pa.exp);
  } else if (-pa.exp > bitLength(pa.sig) + 1) {
    v = roundsUp(rm, pa.sign, false, 1n, 2n, false) ? 1n : 0n;
    inexact = true;
  } else {
    const d = BigInt(-pa.exp);
    v = pa.sig >> d;
    const r = pa.sig & ((1n << d) - 1n);
    inexact = r !== 0n;
    if (roundsUp(rm, pa.sign, (v & 1n) === 1n, r, 1n << (d - 1n), false)) v += 1n;
  }
  if (pa.sign) v = -v;
  if (v < lo || v > hi) {
    st.flags |= FFLAG_NV;
    return pa.sign ? lo : hi;
  }
  if (inexact) st.flags |= FFLAG_NX;
  return v;
}
