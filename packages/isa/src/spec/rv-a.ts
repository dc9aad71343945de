import type { InsnSpec } from "./types.js";

/**
 * RV64A atomics. aq/rl (bits 26/25) are operands: the disassembler appends ".aq", ".rl"
 * or ".aqrl" to the name, the assembler accepts those suffixes.
 */
export const RV_A = [
  { name: "lr.w", ext: "a", format: "AMO", pattern: "00010 .. 00000 ..... 010 ..... 0101111", operands: "rd,(rs1)" },
  { name: "sc.w", ext: "a", format: "AMO", pattern: "00011 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoswap.w", ext: "a", format: "AMO", pattern: "00001 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoadd.w", ext: "a", format: "AMO", pattern: "00000 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoxor.w", ext: "a", format: "AMO", pattern: "00100 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoand.w", ext: "a", format: "AMO", pattern: "01100 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoor.w", ext: "a", format: "AMO", pattern: "01000 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amomin.w", ext: "a", format: "AMO", pattern: "10000 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amomax.w", ext: "a", format: "AMO", pattern: "10100 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amominu.w", ext: "a", format: "AMO", pattern: "11000 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amomaxu.w", ext: "a", format: "AMO", pattern: "11100 .. ..... ..... 010 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "lr.d", ext: "a", format: "AMO", pattern: "00010 .. 00000 ..... 011 ..... 0101111", operands: "rd,(rs1)" },
  { name: "sc.d", ext: "a", format: "AMO", pattern: "00011 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoswap.d", ext: "a", format: "AMO", pattern: "00001 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoadd.d", ext: "a", format: "AMO", pattern: "00000 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoxor.d", ext: "a", format: "AMO", pattern: "00100 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoand.d", ext: "a", format: "AMO", pattern: "01100 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amoor.d", ext: "a", format: "AMO", pattern: "01000 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amomin.d", ext: "a", format: "AMO", pattern: "10000 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amomax.d", ext: "a", format: "AMO", pattern: "10100 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amominu.d", ext: "a", format: "AMO", pattern: "11000 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
  { name: "amomaxu.d", ext: "a", format: "AMO", pattern: "11100 .. ..... ..... 011 ..... 0101111", operands: "rd,rs2,(rs1)" },
] as const satisfies readonly InsnSpec[];
