import type { Instruction } from "../decoder/instruction.js";
import { DISASM_ALIASES_BY_ID, OBJDUMP_CONDITIONAL_BY_ID, type CompiledAlias } from "../spec/alias-table.js";

function fieldValue(insn: Instruction, field: string): number {
  switch (field) {
    case "rd":
      return insn.rd;
    case "rs1":
      return insn.rs1;
    case "rs2":
      return insn.rs2;
    case "imm":
      return insn.imm;
    case "csr":
      return insn.csr;
    case "rm":
      return insn.rm;
    case "pred":
      return insn.pred;
    default:
      return insn.succ;
  }
}

function holds(insn: Instruction, a: CompiledAlias): boolean {
  for (const c of a.conditions) {
    const v = fieldValue(insn, c.field);
    if (c.sameAs !== undefined ? v !== fieldValue(insn, c.sameAs) : v !== c.value) return false;
  }
  return true;
}

/**
 * For rows objdump decodes only conditionally: the spelling it uses, or null when it
 * prints the word as unknown. Undefined for every other row.
 */
export function objdumpConditional(insn: Instruction): CompiledAlias | null | undefined {
  const a = OBJDUMP_CONDITIONAL_BY_ID[insn.id];
  if (a === undefined) return undefined;
  return holds(insn, a) ? a : null;
}

/** The first alias whose conditions hold, or undefined for the canonical spelling. */
export function chooseAlias(insn: Instruction): CompiledAlias | undefined {
  const candidates = DISASM_ALIASES_BY_ID[insn.id];
  if (candidates === undefined) return undefined;
  for (const a of candidates) if (holds(insn, a)) return a;
  return undefined;
}
