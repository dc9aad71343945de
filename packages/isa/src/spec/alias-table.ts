import { rowByName, type CompiledRow } from "../decoder/compiled-row.js";
import { ALIASES, OBJDUMP_DECODES_ONLY_IF, type AliasSpec } from "./aliases.js";

/** Fields an alias condition may test. */
export type AliasField = "rd" | "rs1" | "rs2" | "imm" | "csr" | "rm" | "pred" | "succ";

/** One condition of an alias: a field equals a constant or another field. */
export interface AliasCondition {
  readonly field: AliasField;
  readonly value: number | undefined;
  readonly sameAs: AliasField | undefined;
}

/** An alias prepared for matching (disassembler) and operand filling (assembler). */
export interface CompiledAlias {
  readonly spec: AliasSpec;
  readonly row: CompiledRow;
  readonly name: string;
  readonly operands: readonly string[];
  readonly template: string;
  readonly conditions: readonly AliasCondition[];
  readonly disasm: boolean;
}

const FIELDS = new Set<string>(["rd", "rs1", "rs2", "imm", "csr", "rm", "pred", "succ"]);

function compileAlias(spec: AliasSpec): CompiledAlias {
  const row = rowByName(spec.base);
  if (row === undefined) throw new Error(`alias ${spec.name} of unknown ${spec.base}`);
  const conditions = (spec.when ?? "")
    .split(" ")
    .filter((s) => s !== "")
    .map((c): AliasCondition => {
      const [field, rhs] = c.split("=") as [string, string];
      if (!FIELDS.has(field)) throw new Error(`bad alias condition ${c}`);
      if (FIELDS.has(rhs)) return { field: field as AliasField, value: undefined, sameAs: rhs as AliasField };
      return { field: field as AliasField, value: Number(rhs), sameAs: undefined };
    });
  return {
    spec,
    row,
    name: spec.name,
    operands: spec.operands === "" ? [] : spec.operands.split(/[,()]+/).filter((s) => s !== ""),
    template: spec.operands,
    conditions,
    disasm: spec.disasm !== false,
  };
}

/** All aliases, compiled, in table order. */
export const COMPILED_ALIASES: readonly CompiledAlias[] = ALIASES.map(compileAlias);

/** The aliases objdump may print, per opcode id, in order of preference. */
export const DISASM_ALIASES_BY_ID: readonly (readonly CompiledAlias[])[] = (() => {
  const byId: CompiledAlias[][] = [];
  for (const a of COMPILED_ALIASES) {
    if (!a.disasm) continue;
    (byId[a.row.id] ??= []).push(a);
  }
  return byId;
})();

/** Per opcode id, the single spelling objdump accepts, for rows objdump decodes only conditionally. */
export const OBJDUMP_CONDITIONAL_BY_ID: readonly (CompiledAlias | undefined)[] = (() => {
  const byId: (CompiledAlias | undefined)[] = [];
  for (const spec of OBJDUMP_DECODES_ONLY_IF) {
    const a = compileAlias(spec);
    byId[a.row.id] = a;
  }
  return byId;
})();
