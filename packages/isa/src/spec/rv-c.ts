import type { CompressedSpec } from "./types.js";

/**
 * RV64C compressed instructions, each expanded by the decoder to its 32-bit equivalent.
 * Where two rows match a parcel the one with more fixed bits wins (c.addi16sp over
 * c.lui, c.jr over c.mv, c.ebreak over c.jalr over c.add). HINT encodings (rd=0 for
 * c.addi, c.li, c.lui, c.mv, c.add, c.slli; zero shift amounts) are legal and decode to
 * their expansion; reserved ones (`nonzero` violated) are illegal.
 */
export const RV_C = [
  // Quadrant 0
  { name: "c.addi4spn", ext: "c", pattern: "000 ........ ... 00", expandsTo: "addi", rd: "rd'", rs1: 2, imm: "addi4spn", nonzero: ["imm"] },
  { name: "c.fld", ext: "c", pattern: "001 ... ... .. ... 00", expandsTo: "fld", rd: "rd'", rs1: "rs1'", imm: "ld" },
  { name: "c.lw", ext: "c", pattern: "010 ... ... .. ... 00", expandsTo: "lw", rd: "rd'", rs1: "rs1'", imm: "lw" },
  { name: "c.ld", ext: "c", pattern: "011 ... ... .. ... 00", expandsTo: "ld", rd: "rd'", rs1: "rs1'", imm: "ld" },
  { name: "c.fsd", ext: "c", pattern: "101 ... ... .. ... 00", expandsTo: "fsd", rs1: "rs1'", rs2: "rs2'", imm: "ld" },
  { name: "c.sw", ext: "c", pattern: "110 ... ... .. ... 00", expandsTo: "sw", rs1: "rs1'", rs2: "rs2'", imm: "lw" },
  { name: "c.sd", ext: "c", pattern: "111 ... ... .. ... 00", expandsTo: "sd", rs1: "rs1'", rs2: "rs2'", imm: "ld" },
  // Quadrant 1
  { name: "c.addi", ext: "c", pattern: "000 . ..... ..... 01", expandsTo: "addi", rd: "rd", rs1: "rd", imm: "ci" },
  { name: "c.addiw", ext: "c", pattern: "001 . ..... ..... 01", expandsTo: "addiw", rd: "rd", rs1: "rd", imm: "ci", nonzero: ["rd"] },
  { name: "c.li", ext: "c", pattern: "010 . ..... ..... 01", expandsTo: "addi", rd: "rd", rs1: 0, imm: "ci" },
  { name: "c.addi16sp", ext: "c", pattern: "011 . 00010 ..... 01", expandsTo: "addi", rd: 2, rs1: 2, imm: "addi16sp", nonzero: ["imm"] },
  { name: "c.lui", ext: "c", pattern: "011 . ..... ..... 01", expandsTo: "lui", rd: "rd", imm: "lui", nonzero: ["imm"] },
  { name: "c.srli", ext: "c", pattern: "100 . 00 ... ..... 01", expandsTo: "srli", rd: "rs1'", rs1: "rs1'", imm: "shamt" },
  { name: "c.srai", ext: "c", pattern: "100 . 01 ... ..... 01", expandsTo: "srai", rd: "rs1'", rs1: "rs1'", imm: "shamt" },
  { name: "c.andi", ext: "c", pattern: "100 . 10 ... ..... 01", expandsTo: "andi", rd: "rs1'", rs1: "rs1'", imm: "ci" },
  { name: "c.sub", ext: "c", pattern: "100 0 11 ... 00 ... 01", expandsTo: "sub", rd: "rs1'", rs1: "rs1'", rs2: "rs2'" },
  { name: "c.xor", ext: "c", pattern: "100 0 11 ... 01 ... 01", expandsTo: "xor", rd: "rs1'", rs1: "rs1'", rs2: "rs2'" },
  { name: "c.or", ext: "c", pattern: "100 0 11 ... 10 ... 01", expandsTo: "or", rd: "rs1'", rs1: "rs1'", rs2: "rs2'" },
  { name: "c.and", ext: "c", pattern: "100 0 11 ... 11 ... 01", expandsTo: "and", rd: "rs1'", rs1: "rs1'", rs2: "rs2'" },
  { name: "c.subw", ext: "c", pattern: "100 1 11 ... 00 ... 01", expandsTo: "subw", rd: "rs1'", rs1: "rs1'", rs2: "rs2'" },
  { name: "c.addw", ext: "c", pattern: "100 1 11 ... 01 ... 01", expandsTo: "addw", rd: "rs1'", rs1: "rs1'", rs2: "rs2'" },
  { name: "c.j", ext: "c", pattern: "101 ........... 01", expandsTo: "jal", rd: 0, imm: "jump" },
  { name: "c.beqz", ext: "c", pattern: "110 ... ... ..... 01", expandsTo: "beq", rs1: "rs1'", rs2: 0, imm: "branch" },
  { name: "c.bnez", ext: "c", pattern: "111 ... ... ..... 01", expandsTo: "bne", rs1: "rs1'", rs2: 0, imm: "branch" },
  // Quadrant 2
  { name: "c.slli", ext: "c", pattern: "000 . ..... ..... 10", expandsTo: "slli", rd: "rd", rs1: "rd", imm: "shamt" },
  { name: "c.fldsp", ext: "c", pattern: "001 . ..... ..... 10", expandsTo: "fld", rd: "rd", rs1: 2, imm: "ldsp" },
  { name: "c.lwsp", ext: "c", pattern: "010 . ..... ..... 10", expandsTo: "lw", rd: "rd", rs1: 2, imm: "lwsp", nonzero: ["rd"] },
  { name: "c.ldsp", ext: "c", pattern: "011 . ..... ..... 10", expandsTo: "ld", rd: "rd", rs1: 2, imm: "ldsp", nonzero: ["rd"] },
  { name: "c.jr", ext: "c", pattern: "100 0 ..... 00000 10", expandsTo: "jalr", rd: 0, rs1: "rd", nonzero: ["rs1"] },
  { name: "c.mv", ext: "c", pattern: "100 0 ..... ..... 10", expandsTo: "add", rd: "rd", rs1: 0, rs2: "rs2" },
  { name: "c.ebreak", ext: "c", pattern: "100 1 00000 00000 10", expandsTo: "ebreak" },
  { name: "c.jalr", ext: "c", pattern: "100 1 ..... 00000 10", expandsTo: "jalr", rd: 1, rs1: "rd" },
  { name: "c.add", ext: "c", pattern: "100 1 ..... ..... 10", expandsTo: "add", rd: "rd", rs1: "rd", rs2: "rs2" },
  { name: "c.fsdsp", ext: "c", pattern: "101 . ..... ..... 10", expandsTo: "fsd", rs1: 2, rs2: "rs2", imm: "sdsp" },
  { name: "c.swsp", ext: "c", pattern: "110 . ..... ..... 10", expandsTo: "sw", rs1: 2, rs2: "rs2", imm: "swsp" },
  { name: "c.sdsp", ext: "c", pattern: "111 . ..... ..... 10", expandsTo: "sd", rs1: 2, rs2: "rs2", imm: "sdsp" },
] as const satisfies readonly CompressedSpec[];
