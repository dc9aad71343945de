/**
 * MemOp: how a guest memory access is performed (size, sign extension, alignment).
 *
 * Guest memory is always little-endian (RISC-V), so there is no endianness field.
 * A MemOp is a small integer stored in `Op.consts`:
 *
 * | bits | field |
 * |------|-------|
 * | 0-1  | log2 of the access size in bytes (0: 8 bits ... 3: 64 bits) |
 * | 2    | sign-extend the loaded value to the op type (loads and atomics) |
 * | 3-5  | alignment: 0 = none required, k > 0 = the address must be a multiple of 2^(k-1) bytes |
 *
 * Text form: `u8 s8 u16 s16 u32 s32 u64`, optionally followed by `:al` (natural
 * alignment) or `:alN` (N-byte alignment), e.g. `s32:al`.
 *
 * @module
 */

/** Access size in bits. */
export type MemSize = 8 | 16 | 32 | 64;

/** A decoded MemOp. */
export interface MemOpFields {
  /** Access size in bits. */
  readonly size: MemSize;
  /** Sign-extend the value read from memory (ignored by stores). */
  readonly signed: boolean;
  /** Required alignment in bytes; 1 means none. */
  readonly align: number;
}

const SIZES: readonly MemSize[] = [8, 16, 32, 64];

/** Encode a MemOp. `align` defaults to 1 (no alignment required). */
export function memop(size: MemSize, signed = false, align = 1): number {
  const lg = SIZES.indexOf(size);
  if (lg < 0) throw new RangeError(`invalid access size ${String(size)}`);
  const alignLog = Math.log2(align);
  if (!Number.isInteger(alignLog) || alignLog < 0 || alignLog > 6) throw new RangeError(`invalid alignment ${align}`);
  return lg | (signed ? 4 : 0) | ((align === 1 ? 0 : alignLog + 1) << 3);
}

/** Encode a naturally aligned MemOp (the address must be a multiple of the size). */
export function memopAligned(size: MemSize, signed = false): number {
  return memop(size, signed, size / 8);
}

/** Decode a MemOp. */
export function memopFields(m: number): MemOpFields {
  const size = SIZES[m & 3] ?? 8;
  const a = (m >> 3) & 7;
  return { size, signed: (m & 4) !== 0, align: a === 0 ? 1 : 2 ** (a - 1) };
}

/** Access size of a MemOp in bytes. */
export function memopBytes(m: number): 1 | 2 | 4 | 8 {
  return (1 << (m & 3)) as 1 | 2 | 4 | 8;
}

/** Whether a MemOp is structurally valid (no stray bits). */
export function memopIsValid(m: number): boolean {
  return Number.isInteger(m) && m >= 0 && m < 64 && ((m >> 3) & 7) <= 7;
}

/** Text form of a MemOp, e.g. `s32:al`. */
export function formatMemop(m: number): string {
  const f = memopFields(m);
  let s = `${f.signed ? "s" : "u"}${f.size}`;
  if (f.align !== 1) s += f.align === f.size / 8 ? ":al" : `:al${f.align}`;
  return s;
}

/** Parse the text form of a MemOp; returns undefined if `s` is not one. */
export function parseMemop(s: string): number | undefined {
  const m = /^([su])(8|16|32|64)(?::al(\d*))?$/.exec(s);
  if (!m) return undefined;
  const size = Number(m[2]) as MemSize;
  let align = 1;
  if (m[3] !== undefined) align = m[3] === "" ? size / 8 : Number(m[3]);
  try {
    return memop(size, m[1] === "s", align);
  } catch {
    return undefined;
  }
}
