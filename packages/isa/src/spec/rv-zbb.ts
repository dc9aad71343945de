import type { InsnSpec } from "./types.js";

/** Zbb basic bit manipulation (RV64 encodings of rev8 and zext.h). */
export const RV_ZBB = [
  { name: "andn", ext: "zbb", format: "R", pattern: "0100000 ..... ..... 111 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "orn", ext: "zbb", format: "R", pattern: "0100000 ..... ..... 110 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "xnor", ext: "zbb", format: "R", pattern: "0100000 ..... ..... 100 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "clz", ext: "zbb", format: "R", pattern: "0110000 00000 ..... 001 ..... 0010011", operands: "rd,rs1" },
  { name: "ctz", ext: "zbb", format: "R", pattern: "0110000 00001 ..... 001 ..... 0010011", operands: "rd,rs1" },
  { name: "cpop", ext: "zbb", format: "R", pattern: "0110000 00010 ..... 001 ..... 0010011", operands: "rd,rs1" },
  { name: "clzw", ext: "zbb", format: "R", pattern: "0110000 00000 ..... 001 ..... 0011011", operands: "rd,rs1" },
  { name: "ctzw", ext: "zbb", format: "R", pattern: "0110000 00001 ..... 001 ..... 0011011", operands: "rd,rs1" },
  { name: "cpopw", ext: "zbb", format: "R", pattern: "0110000 00010 ..... 001 ..... 0011011", operands: "rd,rs1" },
  { name: "max", ext: "zbb", format: "R", pattern: "0000101 ..... ..... 110 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "maxu", ext: "zbb", format: "R", pattern: "0000101 ..... ..... 111 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "min", ext: "zbb", format: "R", pattern: "0000101 ..... ..... 100 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "minu", ext: "zbb", format: "R", pattern: "0000101 ..... ..... 101 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "sext.b", ext: "zbb", format: "R", pattern: "0110000 00100 ..... 001 ..... 0010011", operands: "rd,rs1" },
  { name: "sext.h", ext: "zbb", format: "R", pattern: "0110000 00101 ..... 001 ..... 0010011", operands: "rd,rs1" },
  { name: "zext.h", ext: "zbb", format: "R", pattern: "0000100 00000 ..... 100 ..... 0111011", operands: "rd,rs1" },
  { name: "rol", ext: "zbb", format: "R", pattern: "0110000 ..... ..... 001 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "ror", ext: "zbb", format: "R", pattern: "0110000 ..... ..... 101 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "rolw", ext: "zbb", format: "R", pattern: "0110000 ..... ..... 001 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "rorw", ext: "zbb", format: "R", pattern: "0110000 ..... ..... 101 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "rori", ext: "zbb", format: "SH", pattern: "011000 ...... ..... 101 ..... 0010011", operands: "rd,rs1,imm" },
  { name: "roriw", ext: "zbb", format: "SH", pattern: "0110000 ..... ..... 101 ..... 0011011", operands: "rd,rs1,imm" },
  { name: "orc.b", ext: "zbb", format: "R", pattern: "0010100 00111 ..... 101 ..... 0010011", operands: "rd,rs1" },
  { name: "rev8", ext: "zbb", format: "R", pattern: "0110101 11000 ..... 101 ..... 0010011", operands: "rd,rs1" },
] as const satisfies readonly InsnSpec[];
