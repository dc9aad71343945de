import type { InsnSpec } from "./types.js";

/** Zifencei instruction-fetch fence. */
export const RV_ZIFENCEI = [
  { name: "fence.i", ext: "zifencei", format: "R", pattern: "000000000000 00000 001 00000 0001111", operands: "" },
] as const satisfies readonly InsnSpec[];
