/** Immediate extraction of the 32-bit formats (shared by the decoder and the encoder tests). */

/** I-type immediate, sign-extended. */
export const immI = (w: number): number => w >> 20;
/** S-type immediate, sign-extended. */
export const immS = (w: number): number => ((w >> 25) << 5) | ((w >>> 7) & 0x1f);
/** B-type immediate (byte offset), sign-extended. */
export const immB = (w: number): number =>
  ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
/** U-type immediate: bits 31:12 in place, sign-extended from bit 31. */
export const immU = (w: number): number => w & ~0xfff;
/** J-type immediate (byte offset), sign-extended. */
export const immJ = (w: number): number =>
  ((w >> 31) << 20) | (w & 0xff000) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
