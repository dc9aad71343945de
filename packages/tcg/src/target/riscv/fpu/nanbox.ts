// NaN boxing of binary32 values in the 64-bit f registers (RISC-V "D" extension): a single
// is stored with the upper 32 bits all ones; reading a single from a register whose upper
// half is not all ones yields the canonical NaN.

import { F32_CANONICAL_NAN, U32, U64 } from "./bits.js";

/** The 64-bit register image of the binary32 `bits` (upper half all ones). */
export function nanBox(bits: number): bigint {
  U32[0] = bits;
  U32[1] = 0xffffffff;
  return U64[0]!;
}

/** The binary32 held in a 64-bit register image; improperly boxed values read as the canonical NaN. */
export function nanUnbox(reg: bigint): number {
  U64[0] = reg;
  return U32[1] === 0xffffffff ? U32[0]! : F32_CANONICAL_NAN;
}

/** NaN-boxing check on a register split into words: the binary32 in (hi, lo), as uint32. */
export function nanUnboxWords(hi: number, lo: number): number {
  return hi === -1 || hi === 0xffffffff ? lo >>> 0 : F32_CANONICAL_NAN;
}

/** fmv.x.w: the low 32 bits of a register image, sign-extended (as an int32 number). */
export function fmvXW(reg: bigint): number {
  U64[0] = reg;
  return U32[0]! | 0;
}

/** fmv.w.x: the register image for the low 32 bits of an integer (boxed). */
export function fmvWX(x: number): bigint {
  return nanBox(x >>> 0);
}
