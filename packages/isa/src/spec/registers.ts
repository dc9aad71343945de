/** Register, rounding-mode and fence-set names (ABI names, as GNU tools print them). */

/** Integer register ABI names, x0..x31. */
export const GPR_NAMES = [
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
] as const;

/** Floating-point register ABI names, f0..f31. */
export const FPR_NAMES = [
  "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
  "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
] as const;

/** Rounding-mode names by field value; 5 and 6 are reserved (undefined). */
export const ROUNDING_MODES: readonly (string | undefined)[] = ["rne", "rtz", "rdn", "rup", "rmm", undefined, undefined, "dyn"];

/** Dynamic rounding mode (the default, which objdump does not print). */
export const RM_DYN = 7;

/** Fence predecessor/successor set names by 4-bit value (i o r w); 0 has none. */
export const FENCE_SETS: readonly (string | undefined)[] = [
  undefined, "w", "r", "rw", "o", "ow", "or", "orw", "i", "iw", "ir", "irw", "io", "iow", "ior", "iorw",
];

const gprByName = new Map<string, number>();
GPR_NAMES.forEach((n, i) => {
  gprByName.set(n, i);
  gprByName.set(`x${i}`, i);
});
gprByName.set("fp", 8);
const fprByName = new Map<string, number>();
FPR_NAMES.forEach((n, i) => {
  fprByName.set(n, i);
  fprByName.set(`f${i}`, i);
});

/** Integer register number of an ABI or numeric name (`a0`, `x10`, `fp`), or undefined. */
export function gprNumber(name: string): number | undefined {
  return gprByName.get(name);
}

/** Floating-point register number of an ABI or numeric name (`fa0`, `f10`), or undefined. */
export function fprNumber(name: string): number | undefined {
  return fprByName.get(name);
}
