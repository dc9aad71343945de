import { COMPILED_ROWS, type CompiledRow } from "../decoder/compiled-row.js";
import { COMPILED_COMPRESSED_ROWS, type CompiledCompressedRow } from "../decoder/compressed.js";
import { COMPILED_ALIASES, OBJDUMP_CONDITIONAL_BY_ID, type AliasCondition } from "../spec/alias-table.js";
import type { CompressedRegister } from "../spec/types.js";

/**
 * One way to write an instruction in assembly: a mnemonic, an operand template, the
 * fields it fixes (alias conditions), and for explicit `c.` mnemonics the RVC row to use.
 */
export interface Spelling {
  readonly row: CompiledRow;
  readonly template: string;
  readonly conditions: readonly AliasCondition[];
  readonly compressed: CompiledCompressedRow | undefined;
  /** aq/rl bits of an AMO suffix (`.aq`, `.rl`, `.aqrl`). */
  readonly aq: boolean;
  readonly rl: boolean;
}

const spellings = new Map<string, Spelling[]>();
function add(name: string, s: Spelling): void {
  let list = spellings.get(name);
  if (list === undefined) spellings.set(name, (list = []));
  list.push(s);
}

const fixed = (field: AliasCondition["field"], value: number): AliasCondition => ({ field, value, sameAs: undefined });
const same = (field: AliasCondition["field"], other: AliasCondition["field"]): AliasCondition => ({ field, value: undefined, sameAs: other });

for (const row of COMPILED_ROWS) {
  const cond = OBJDUMP_CONDITIONAL_BY_ID[row.id];
  if (cond !== undefined) add(row.name, { row, template: cond.template, conditions: cond.conditions, compressed: undefined, aq: false, rl: false });
  const base = { row, template: row.spec.operands, conditions: [], compressed: undefined };
  add(row.name, { ...base, aq: false, rl: false });
  if (row.hasAqRl) {
    add(`${row.name}.aq`, { ...base, aq: true, rl: false });
    add(`${row.name}.rl`, { ...base, aq: false, rl: true });
    add(`${row.name}.aqrl`, { ...base, aq: true, rl: true });
  }
}
for (const a of COMPILED_ALIASES) {
  add(a.name, { row: a.row, template: a.template, conditions: a.conditions, compressed: undefined, aq: false, rl: false });
}

/**
 * The assembly template of an explicit RVC mnemonic, derived from its expansion: a
 * register operand that repeats an earlier one (c.addi's rs1 = rd) or is fixed (c.li's
 * x0, c.jalr's ra) is dropped, except sp, which is written (`c.lwsp a0,8(sp)`).
 */
function compressedTemplate(c: CompiledCompressedRow): { template: string; conditions: AliasCondition[] } {
  const row = c.expansion;
  const conditions: AliasCondition[] = [];
  const seen = new Map<string, string>();
  const regOf = (op: string): CompressedRegister | undefined =>
    op.endsWith("rd") ? c.spec.rd : op.endsWith("rs1") ? c.spec.rs1 : op.endsWith("rs2") ? c.spec.rs2 : undefined;
  const groups = row.spec.operands.split(",").filter((g) => g !== "" && g !== "rm");
  const out: string[] = [];
  for (const g of groups) {
    const mem = /^imm\((\w+)\)$/.exec(g);
    const op = mem ? mem[1]! : g;
    const reg = regOf(op);
    const field = op.replace(/^f/, "") as "rd" | "rs1" | "rs2";
    let text = g;
    if (reg !== undefined) {
      const key = typeof reg === "number" ? `#${reg}` : reg === "rs1" ? "rd" : reg === "rs2'" ? "rd'" : reg;
      const prev = seen.get(key);
      if (typeof reg === "number") conditions.push(fixed(field, reg));
      if (prev !== undefined) {
        if (typeof reg !== "number") conditions.push(same(field, prev as "rd"));
        text = mem ? "" : "";
      } else {
        seen.set(key, field);
        if (typeof reg === "number" && reg !== 2) text = "";
        else if (typeof reg === "number") text = mem ? "imm(sp)" : "sp";
      }
      if (mem && text === "") text = "imm(sp)";
    }
    if (text !== "") out.push(text);
  }
  // c.jr/c.jalr write jalr's "rd,imm(rs1)" as just rs1.
  let template = out.join(",");
  if (row.name === "jalr") template = "rs1";
  if (c.spec.imm === undefined && row.name !== "jalr") template = template.replace(/,?imm/, "");
  return { template, conditions };
}

const COMPRESSED_HINT_NAMES: Record<string, string> = { "c.srli64": "c.srli", "c.srai64": "c.srai", "c.slli64": "c.slli", "c.nop": "c.addi" };

for (const c of COMPILED_COMPRESSED_ROWS) {
  const { template, conditions } = compressedTemplate(c);
  add(c.spec.name, { row: c.expansion, template, conditions, compressed: c, aq: false, rl: false });
}
for (const [hint, rowName] of Object.entries(COMPRESSED_HINT_NAMES)) {
  const c = COMPILED_COMPRESSED_ROWS.find((r) => r.spec.name === rowName)!;
  const template = hint === "c.nop" ? "imm" : "rd";
  const conditions = hint === "c.nop" ? [fixed("rd", 0), fixed("rs1", 0)] : [fixed("imm", 0), same("rs1", "rd")];
  add(hint, { row: c.expansion, template, conditions, compressed: c, aq: false, rl: false });
  if (hint === "c.nop") add(hint, { row: c.expansion, template: "", conditions: [...conditions, fixed("imm", 0)], compressed: c, aq: false, rl: false });
}

/** Every way to write `mnemonic` (lowercase), in the order the assembler tries them. */
export function spellingsOf(mnemonic: string): readonly Spelling[] | undefined {
  return spellings.get(mnemonic);
}
