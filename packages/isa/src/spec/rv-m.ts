import type { InsnSpec } from "./types.js";

/** RV64M multiply and divide. */
export const RV_M = [
  { name: "mul", ext: "m", format: "R", pattern: "0000001 ..... ..... 000 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "mulh", ext: "m", format: "R", pattern: "0000001 ..... ..... 001 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "mulhsu", ext: "m", format: "R", pattern: "0000001 ..... ..... 010 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "mulhu", ext: "m", format: "R", pattern: "0000001 ..... ..... 011 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "div", ext: "m", format: "R", pattern: "0000001 ..... ..... 100 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "divu", ext: "m", format: "R", pattern: "0000001 ..... ..... 101 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "rem", ext: "m", format: "R", pattern: "0000001 ..... ..... 110 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "remu", ext: "m", format: "R", pattern: "0000001 ..... ..... 111 ..... 0110011", operands: "rd,rs1,rs2" },
  { name: "mulw", ext: "m", format: "R", pattern: "0000001 ..... ..... 000 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "divw", ext: "m", format: "R", pattern: "0000001 ..... ..... 100 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "divuw", ext: "m", format: "R", pattern: "0000001 ..... ..... 101 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "remw", ext: "m", format: "R", pattern: "0000001 ..... ..... 110 ..... 0111011", operands: "rd,rs1,rs2" },
  { name: "remuw", ext: "m", format: "R", pattern: "0000001 ..... ..... 111 ..... 0111011", operands: "rd,rs1,rs2" },
] as const satisfies readonly InsnSpec[];
