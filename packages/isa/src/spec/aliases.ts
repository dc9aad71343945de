import type { Mnemonic } from "./index.js";

/**
 * Alternative spellings of table instructions: the aliases and pseudo-instructions that
 * map to exactly one instruction. The disassembler prints the first alias of an
 * instruction whose conditions hold (the order below is GNU objdump 2.40's), else the
 * canonical form; the assembler accepts every spelling.
 *
 * `when` is a space-separated list of `field=value` or `field=field` conditions over the
 * decoded fields (rd rs1 rs2 imm csr rm pred succ). An alias with `disasm: false` is
 * accepted by the assembler only (objdump never prints it).
 *
 * Note: objdump 2.40 prints several I-type instructions under the name of their R-type
 * sibling (`add a0,a1,5` for addi, `sll a0,a1,0x3` for slli, `csrrs a0,mstatus,3` for
 * csrrsi); those spellings are aliases here too.
 */
export interface AliasSpec {
  readonly base: Mnemonic;
  readonly name: string;
  readonly operands: string;
  readonly when?: string;
  readonly disasm?: false;
}

/** Every alias, in objdump's order of preference per base instruction. */
export const ALIASES: readonly AliasSpec[] = [
  // Integer computational
  { base: "addi", name: "nop", operands: "", when: "rd=0 rs1=0 imm=0" },
  { base: "addi", name: "li", operands: "rd,imm", when: "rs1=0" },
  { base: "addi", name: "mv", operands: "rd,rs1", when: "imm=0" },
  { base: "addi", name: "add", operands: "rd,rs1,imm" },
  { base: "addiw", name: "sext.w", operands: "rd,rs1", when: "imm=0" },
  { base: "addiw", name: "addw", operands: "rd,rs1,imm" },
  { base: "andi", name: "zext.b", operands: "rd,rs1", when: "imm=255" },
  { base: "andi", name: "and", operands: "rd,rs1,imm" },
  { base: "ori", name: "or", operands: "rd,rs1,imm" },
  { base: "xori", name: "not", operands: "rd,rs1", when: "imm=-1" },
  { base: "xori", name: "xor", operands: "rd,rs1,imm" },
  { base: "sltiu", name: "seqz", operands: "rd,rs1", when: "imm=1" },
  { base: "slti", name: "slt", operands: "rd,rs1,imm", disasm: false },
  { base: "sltiu", name: "sltu", operands: "rd,rs1,imm", disasm: false },
  { base: "slli", name: "sll", operands: "rd,rs1,imm" },
  { base: "srli", name: "srl", operands: "rd,rs1,imm" },
  { base: "srai", name: "sra", operands: "rd,rs1,imm" },
  { base: "slliw", name: "sllw", operands: "rd,rs1,imm" },
  { base: "srliw", name: "srlw", operands: "rd,rs1,imm" },
  { base: "sraiw", name: "sraw", operands: "rd,rs1,imm" },
  { base: "sub", name: "neg", operands: "rd,rs2", when: "rs1=0" },
  { base: "subw", name: "negw", operands: "rd,rs2", when: "rs1=0" },
  { base: "sltu", name: "snez", operands: "rd,rs2", when: "rs1=0" },
  { base: "slt", name: "sltz", operands: "rd,rs1", when: "rs2=0" },
  { base: "slt", name: "sgtz", operands: "rd,rs2", when: "rs1=0" },
  { base: "slt", name: "sgt", operands: "rd,rs2,rs1", disasm: false },
  { base: "sltu", name: "sgtu", operands: "rd,rs2,rs1", disasm: false },
  // Control transfer
  { base: "beq", name: "beqz", operands: "rs1,target", when: "rs2=0" },
  { base: "bne", name: "bnez", operands: "rs1,target", when: "rs2=0" },
  { base: "bge", name: "blez", operands: "rs2,target", when: "rs1=0" },
  { base: "bge", name: "bgez", operands: "rs1,target", when: "rs2=0" },
  { base: "blt", name: "bltz", operands: "rs1,target", when: "rs2=0" },
  { base: "blt", name: "bgtz", operands: "rs2,target", when: "rs1=0" },
  { base: "bge", name: "ble", operands: "rs2,rs1,target", disasm: false },
  { base: "bgeu", name: "bleu", operands: "rs2,rs1,target", disasm: false },
  { base: "blt", name: "bgt", operands: "rs2,rs1,target", disasm: false },
  { base: "bltu", name: "bgtu", operands: "rs2,rs1,target", disasm: false },
  { base: "jal", name: "j", operands: "target", when: "rd=0" },
  { base: "jal", name: "jal", operands: "target", when: "rd=1" },
  { base: "jalr", name: "ret", operands: "", when: "rd=0 rs1=1 imm=0" },
  { base: "jalr", name: "jr", operands: "rs1", when: "rd=0 imm=0" },
  { base: "jalr", name: "jr", operands: "imm(rs1)", when: "rd=0" },
  { base: "jalr", name: "jalr", operands: "rs1", when: "rd=1 imm=0" },
  { base: "jalr", name: "jalr", operands: "imm(rs1)", when: "rd=1" },
  { base: "jalr", name: "jalr", operands: "rd,rs1", when: "imm=0" },
  { base: "jalr", name: "jalr", operands: "rd,rs1,imm", disasm: false },
  // Fences and system
  { base: "fence", name: "fence", operands: "", when: "pred=15 succ=15" },
  { base: "sfence.vma", name: "sfence.vma", operands: "", when: "rs1=0 rs2=0" },
  { base: "sfence.vma", name: "sfence.vma", operands: "rs1", when: "rs2=0" },
  // Zba / Zbb / Zbs
  { base: "add.uw", name: "zext.w", operands: "rd,rs1", when: "rs2=0" },
  { base: "rori", name: "ror", operands: "rd,rs1,imm" },
  { base: "roriw", name: "rorw", operands: "rd,rs1,imm" },
  { base: "bclri", name: "bclr", operands: "rd,rs1,imm" },
  { base: "bexti", name: "bext", operands: "rd,rs1,imm" },
  { base: "binvi", name: "binv", operands: "rd,rs1,imm" },
  { base: "bseti", name: "bset", operands: "rd,rs1,imm" },
  // Floating point
  { base: "fsgnj.s", name: "fmv.s", operands: "frd,frs1", when: "rs2=rs1" },
  { base: "fsgnjn.s", name: "fneg.s", operands: "frd,frs1", when: "rs2=rs1" },
  { base: "fsgnjx.s", name: "fabs.s", operands: "frd,frs1", when: "rs2=rs1" },
  { base: "fsgnj.d", name: "fmv.d", operands: "frd,frs1", when: "rs2=rs1" },
  { base: "fsgnjn.d", name: "fneg.d", operands: "frd,frs1", when: "rs2=rs1" },
  { base: "fsgnjx.d", name: "fabs.d", operands: "frd,frs1", when: "rs2=rs1" },
  { base: "fmv.x.w", name: "fmv.x.s", operands: "rd,frs1", disasm: false },
  { base: "fmv.w.x", name: "fmv.s.x", operands: "frd,rs1", disasm: false },
  // CSR accesses
  { base: "csrrs", name: "frflags", operands: "rd", when: "rs1=0 csr=1" },
  { base: "csrrs", name: "frrm", operands: "rd", when: "rs1=0 csr=2" },
  { base: "csrrs", name: "frcsr", operands: "rd", when: "rs1=0 csr=3" },
  { base: "csrrs", name: "frsr", operands: "rd", when: "rs1=0 csr=3", disasm: false },
  { base: "csrrs", name: "rdcycle", operands: "rd", when: "rs1=0 csr=0xc00" },
  { base: "csrrs", name: "rdtime", operands: "rd", when: "rs1=0 csr=0xc01" },
  { base: "csrrs", name: "rdinstret", operands: "rd", when: "rs1=0 csr=0xc02" },
  { base: "csrrs", name: "csrr", operands: "rd,csr", when: "rs1=0" },
  { base: "csrrs", name: "csrs", operands: "csr,rs1", when: "rd=0" },
  { base: "csrrw", name: "unimp", operands: "", when: "rd=0 rs1=0 csr=0xc00" },
  { base: "csrrw", name: "fsflags", operands: "rs1", when: "rd=0 csr=1" },
  { base: "csrrw", name: "fsflags", operands: "rd,rs1", when: "csr=1" },
  { base: "csrrw", name: "fsrm", operands: "rs1", when: "rd=0 csr=2" },
  { base: "csrrw", name: "fsrm", operands: "rd,rs1", when: "csr=2" },
  { base: "csrrw", name: "fscsr", operands: "rs1", when: "rd=0 csr=3" },
  { base: "csrrw", name: "fscsr", operands: "rd,rs1", when: "csr=3" },
  { base: "csrrw", name: "fssr", operands: "rs1", when: "rd=0 csr=3", disasm: false },
  { base: "csrrw", name: "csrw", operands: "csr,rs1", when: "rd=0" },
  { base: "csrrc", name: "csrc", operands: "csr,rs1", when: "rd=0" },
  { base: "csrrwi", name: "fsflagsi", operands: "rd,zimm", when: "csr=1" },
  { base: "csrrwi", name: "fsflagsi", operands: "zimm", when: "rd=0 csr=1", disasm: false },
  { base: "csrrwi", name: "fsrmi", operands: "rd,zimm", when: "csr=2" },
  { base: "csrrwi", name: "fsrmi", operands: "zimm", when: "rd=0 csr=2", disasm: false },
  { base: "csrrwi", name: "csrw", operands: "csr,zimm", when: "rd=0" },
  { base: "csrrsi", name: "csrs", operands: "csr,zimm", when: "rd=0" },
  { base: "csrrci", name: "csrc", operands: "csr,zimm", when: "rd=0" },
  { base: "csrrwi", name: "csrrw", operands: "rd,csr,zimm" },
  { base: "csrrsi", name: "csrrs", operands: "rd,csr,zimm" },
  { base: "csrrci", name: "csrrc", operands: "rd,csr,zimm" },
];

/**
 * Instructions objdump 2.40 decodes only when a condition holds (else it prints the word
 * as unknown): the exact conversions to double, which it knows only with rm=0 (and then
 * prints without a rounding mode).
 */
export const OBJDUMP_DECODES_ONLY_IF: readonly AliasSpec[] = [
  { base: "fcvt.d.s", name: "fcvt.d.s", operands: "frd,frs1", when: "rm=0" },
  { base: "fcvt.d.w", name: "fcvt.d.w", operands: "frd,rs1", when: "rm=0" },
  { base: "fcvt.d.wu", name: "fcvt.d.wu", operands: "frd,rs1", when: "rm=0" },
];
