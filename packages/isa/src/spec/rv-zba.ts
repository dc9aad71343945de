import type { InsnSpec } from "./types.js";

/** Zba address generation. */
export const RV_ZBA = [
  { name: "sh1add", ext: "zba", format: "R", pattern: "0010000 ..... ..... 010 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "sh2add", ext: "zba", format: "R", pattern: "0010000 ..... ..... 100 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "sh3add", ext: "zba", format: "R", pattern: "0010000 ..... ..... 110 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "add.uw", ext: "zba", format: "R", pattern: "0000100 ..... ..... 000 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "sh1add.uw", ext: "zba", format: "R", pattern: "0010000 ..... ..... 010 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "sh2add.uw", ext: "zba", format: "R", pattern: "0010000 ..... ..... 100 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "sh3add.uw", ext: "zba", format: "R", pattern: "0010000 ..... ..... 110 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "slli.uw", ext: "zba", format: "SH", pattern: "000010 ...... ..... 001 ..... 0011011", operands: "rd,rs1,imm" },
] as const satisfies readonly InsnSpec[];
