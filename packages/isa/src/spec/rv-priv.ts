import type { InsnSpec } from "./types.js";

/** Environment calls and the privileged instructions (machine and supervisor). */
export const RV_PRIV = [
  { name: "ecall", ext: "priv", format: "R", pattern: "000000000000 00000 000 00000 1110011", operands: "" },
  { name: "ebreak", ext: "priv", format: "R", pattern: "000000000001 00000 000 00000 1110011", operands: "" },
  { name: "sret", ext: "priv", format: "R", pattern: "0001000 00010 00000 000 00000 1110011", operands: "" },
  { name: "mret", ext: "priv", format: "R", pattern: "0011000 00010 00000 000 00000 1110011", operands: "" },
  { name: "wfi", ext: "priv", format: "R", pattern: "0001000 00101 00000 000 00000 1110011", operands: "" },
  { name: "sfence.vma", ext: "priv", format: "R", pattern: "0001001 ..... ..... 000 00000 1110011", operands: "rs1,rs2" },
] as const satisfies readonly InsnSpec[];
