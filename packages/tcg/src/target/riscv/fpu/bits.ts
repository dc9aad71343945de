// Bit-level views shared by the FPU: one 8-byte scratch buffer seen as a double, two
// 32-bit words, one float and one 64-bit unsigned integer. JavaScript runs one thread per
// isolate, so a module-level scratch is safe (each worker has its own copy).
//
// Representation (measured, see README "FPU"): binary32 values are uint32 numbers;
// binary64 values are uint64 bigints. Converting a bigint to a double through a
// BigUint64Array/Float64Array pair costs ~6 ns per round trip in V8 11, against ~14 ns for
// a hi/lo pair of u32 (two 32-bit stores followed by a 64-bit load defeat store forwarding).

const buf = new ArrayBuffer(8);
/** Scratch viewed as one double. */
export const F64 = new Float64Array(buf);
/** Scratch viewed as one 64-bit unsigned integer. */
export const U64 = new BigUint64Array(buf);
/** Scratch viewed as two 32-bit words (little-endian hosts: [0] = low, [1] = high). */
export const U32 = new Uint32Array(buf);
/** Scratch viewed as one float (overlapping U32[0]). */
export const F32 = new Float32Array(buf);

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("wasmu fpu: a little-endian host is required");
}

/** Canonical quiet NaN of binary32 (RISC-V never propagates payloads). */
export const F32_CANONICAL_NAN = 0x7fc00000;
/** Canonical quiet NaN of binary64. */
export const F64_CANONICAL_NAN = 0x7ff8000000000000n;

/** The double whose bits are `bits` (uint64). */
export function f64FromBits(bits: bigint): number {
  U64[0] = bits;
  return F64[0]!;
}

/** The bits (uint64 bigint) of the double `x`; NaN payloads are whatever V8 keeps. */
export function f64ToBits(x: number): bigint {
  F64[0] = x;
  return U64[0]!;
}

/** The value (as a double, exact) of the binary32 whose bits are `bits`. */
export function f32FromBits(bits: number): number {
  U32[0] = bits;
  return F32[0]!;
}

/** The binary32 bits (uint32) of `x`, which must already be representable (Math.fround). */
export function f32ToBits(x: number): number {
  F32[0] = x;
  return U32[0]!;
}

/** True when the binary32 `bits` is a NaN. */
export function f32IsNaN(bits: number): boolean {
  return (bits & 0x7fffffff) > 0x7f800000;
}

/** True when the binary32 `bits` is a signaling NaN. */
export function f32IsSignalingNaN(bits: number): boolean {
  return (bits & 0x7fc00000) === 0x7f800000 && (bits & 0x003fffff) !== 0;
}

/** True when the binary64 `bits` is a NaN. */
export function f64IsNaN(bits: bigint): boolean {
  return (bits & 0x7fffffffffffffffn) > 0x7ff0000000000000n;
}

/** True when the binary64 `bits` is a signaling NaN. */
export function f64IsSignalingNaN(bits: bigint): boolean {
  return (bits & 0x7ff8000000000000n) === 0x7ff0000000000000n && (bits & 0x0007ffffffffffffn) !== 0n;
}

/** Smallest positive normal binary64, 2^-1022. */
export const F64_MIN_NORMAL = 2.2250738585072014e-308;
/** Smallest positive normal binary32, 2^-126. */
export const F32_MIN_NORMAL = 1.1754943508222875e-38;
/** 2^128: binary32 magnitudes at or above it overflow. */
export const F32_OVERFLOW = 3.402823669209385e38;
/** Largest finite binary32 as a double. */
export const F32_MAX = 3.4028234663852886e38;
