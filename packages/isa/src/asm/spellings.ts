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
 * The assembly template of an explicit RVC mnemonic, derived from its expansion (GNU as
 * syntax): a register that repeats an earlier operand (c.addi's rs1 = rd) or is implied
 * (c.li's x0, c.jalr's ra) is not written, except sp (`c.lwsp a0,8(sp)`,
 * `c.addi16sp sp,-32`); a memory operand without an immediate is just its register
 * (`c.jr t0`).
 */
function compressedTemplate(c: CompiledCompressedRow): { template: string; conditions: AliasCondition[] } {
  type Field = "rd" | "rs1" | "rs2";
  const conditions: AliasCondition[] = [];
  /** Parcel fields already written, and the template field that wrote them. */
  const written = new Map<string, Field>();
  const out: string[] = [];
  const hasImm = c.spec.imm !== undefined;
  for (const group of c.expansion.spec.operands.split(",")) {
    if (group === "" || group === "rm") continue;
    const mem = /^imm\((\w+)\)$/.exec(group);
    const operand = mem ? mem[1]! : group;
    const field = operand.replace(/^f/, "");
    if (field !== "rd" && field !== "rs1" && field !== "rs2") {
      if (hasImm) out.push(group); // imm, target
      continue;
    }
    const reg: CompressedRegister | undefined = c.spec[field];
    if (typeof reg === "number") {
      conditions.push(fixed(field, reg));
      if (reg === 2 && !written.has("sp")) {
        written.set("sp", field);
        out.push(mem ? "imm(sp)" : "sp");
      } else if (mem && hasImm) {
        out.push("imm(sp)");
      }
      continue;
    }
    // rd and rs1 of a CR/CI parcel are the same bits, so are rd' and rs2'.
    const key = reg === "rs1" ? "rd" : reg === "rs2'" ? "rd'" : String(reg);
    const first = written.get(key);
    if (first !== undefined) {
      conditions.push(same(field, first));
      continue;
    }
    written.set(key, field);
    out.push(mem && !hasImm ? operand : group);
  }
  return { template: out.join(","), conditions };
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
