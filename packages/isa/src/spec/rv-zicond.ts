import type { InsnSpec } from "./types.js";

/** Zicond conditional zero (binutils 2.40 does not know it: see the disassembler's `arch` option). */
export const RV_ZICOND = [
  { name: "czero.eqz", ext: "zicond", format: "R", pattern: "0000111 ..... ..... 101 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "czero.nez", ext: "zicond", format: "R", pattern: "0000111 ..... ..... 111 ..... 0110011", operands: "rd,rs1,rs2" },
] as const satisfies readonly InsnSpec[];
