import type { InsnSpec } from "./types.js";

/** Zicsr control and status register instructions. */
export const RV_ZICSR = [
  { name: "csrrw", ext: "zicsr", format: "CSR", pattern: "............ ..... 001 ..... 1110011", operands: "rd,csr,rs1" },
  { name: "csrrs", ext: "zicsr", format: "CSR", pattern: "............ ..... 010 ..... 1110011", operands: "rd,csr,rs1" },
  { name: "csrrc", ext: "zicsr", format: "CSR", pattern: "............ ..... 011 ..... 1110011", operands: "rd,csr,rs1" },
  { name: "csrrwi", ext: "zicsr", format: "CSRI", pattern: "............ ..... 101 ..... 1110011", operands: "rd,csr,zimm" },
  { name: "csrrsi", ext: "zicsr", format: "CSRI", pattern: "............ ..... 110 ..... 1110011", operands: "rd,csr,zimm" },
  { name: "csrrci", ext: "zicsr", format: "CSRI", pattern: "............ ..... 111 ..... 1110011", operands: "rd,csr,zimm" },
] as const satisfies readonly InsnSpec[];
