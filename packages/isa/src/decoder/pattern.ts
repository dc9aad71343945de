/** Parsing of decodetree-style bit patterns (`"0000000 ..... ..... 000 ..... 0110011"`). */

/** Fixed-bit mask and value of a pattern, plus its width in bits. */
export interface ParsedPattern {
  /** Bits fixed by the pattern. */
  readonly mask: number;
  /** Values of the fixed bits. */
  readonly match: number;
  readonly width: number;
}

/** Parses a pattern of `0`, `1` and `.` (spaces ignored). Throws on malformed table rows. */
export function parsePattern(pattern: string, expectedWidth: 16 | 32): ParsedPattern {
  const bits = pattern.replace(/ /g, "");
  if (bits.length !== expectedWidth || !/^[01.]+$/.test(bits)) {
    throw new Error(`malformed ${expectedWidth}-bit pattern "${pattern}"`);
  }
  let mask = 0;
  let match = 0;
  for (let i = 0; i < bits.length; i++) {
    const bit = bits.length - 1 - i;
    const c = bits[i];
    if (c === ".") continue;
    mask |= 1 << bit;
    if (c === "1") match |= 1 << bit;
  }
  return { mask: mask >>> 0, match: match >>> 0, width: expectedWidth };
}

/** Number of `.` bits of a pattern at [lo, hi] (inclusive); used to size shift amounts. */
export function freeBitsIn(pattern: string, hi: number, lo: number): number {
  const bits = pattern.replace(/ /g, "");
  let n = 0;
  for (let b = lo; b <= hi; b++) if (bits[bits.length - 1 - b] === ".") n++;
  return n;
}

/** Number of set bits of a 32-bit value. */
export function popcount(x: number): number {
  let v = x >>> 0;
  let n = 0;
  while (v !== 0) {
    v &= v - 1;
    n++;
  }
  return n;
}
