import type { InsnSpec } from "./types.js";

/** Zbs single-bit instructions. */
export const RV_ZBS = [
  { name: "bclr", ext: "zbs", format: "R", pattern: "0100100 ..... ..... 001 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "bclri", ext: "zbs", format: "SH", pattern: "010010 ...... ..... 001 ..... 0010011", operands: "rd,rs1,imm" },
  { name: "bext", ext: "zbs", format: "R", pattern: "0100100 ..... ..... 101 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "bexti", ext: "zbs", format: "SH", pattern: "010010 ...... ..... 101 ..... 0010011", operands: "rd,rs1,imm" },
  { name: "binv", ext: "zbs", format: "R", pattern: "0110100 ..... ..... 001 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "binvi", ext: "zbs", format: "SH", pattern: "011010 ...... ..... 001 ..... 0010011", operands: "rd,rs1,imm" },
  { name: "bset", ext: "zbs", format: "R", pattern: "0010100 ..... ..... 001 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "bseti", ext: "zbs", format: "SH", pattern: "001010 ...... ..... 001 ..... 0010011", operands: "rd,rs1,imm" },
] as const satisfies readonly InsnSpec[];
