import { COMPILED_ROWS } from "../decoder/compiled-row.js";
import type { Instruction } from "../decoder/instruction.js";
import { chooseAlias } from "./choose-alias.js";

/** Mnemonic and operand template objdump uses for a compressed instruction. */
export interface Spelling {
  readonly name: string;
  readonly template: string;
}

/**
 * How objdump 2.40 spells a compressed instruction: normally as its 32-bit expansion
 * (with the same aliases), except for the HINT encodings, which it prints with their
 * `c.` names.
 */
export function compressedSpelling(insn: Instruction): Spelling {
  const c = insn.compressed!;
  switch (c.name) {
    case "c.addi":
      if (insn.rd === 0 && insn.imm !== 0) return { name: "c.nop", template: "imm" };
      if (insn.rd !== 0) return { name: "add", template: "rd,rs1,imm" };
      break;
    case "c.li":
      if (insn.rd === 0) return { name: "c.li", template: "rd,imm" };
      break;
    case "c.lui":
      if (insn.rd === 0) return { name: "c.lui", template: "rd,imm" };
      break;
    case "c.mv":
      return insn.rd === 0 ? { name: "c.mv", template: "rd,rs2" } : { name: "mv", template: "rd,rs2" };
    case "c.add":
      if (insn.rd === 0) return { name: "c.add", template: "rd,rs2" };
      break;
    case "c.srli":
      if (insn.imm === 0) return { name: "c.srli64", template: "rd" };
      break;
    case "c.srai":
      if (insn.imm === 0) return { name: "c.srai64", template: "rd" };
      break;
    case "c.slli":
      if (insn.imm === 0) return { name: "c.slli64", template: "rd" };
      if (insn.rd === 0) return { name: "c.slli", template: "rd,imm" };
      break;
    default:
      break;
  }
  const alias = chooseAlias(insn);
  if (alias !== undefined) return { name: alias.name, template: alias.template };
  const row = COMPILED_ROWS[insn.id]!;
  return { name: row.name, template: row.spec.operands };
}

/**
 * What objdump 2.40 prints for the reserved compressed encodings it still decodes
 * (the all-zero parcel and c.addi16sp with a zero immediate), or undefined.
 */
export function reservedCompressedText(parcel: number): string | undefined {
  if (parcel === 0) return "unimp";
  if ((parcel & 0xef83) === 0x6101) return "add\tsp,sp,0";
  return undefined;
}
