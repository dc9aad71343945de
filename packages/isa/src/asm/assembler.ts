import { ImmKind } from "../decoder/compiled-row.js";
import { csrNumber } from "../spec/csr-names.js";
import { FENCE_SETS, ROUNDING_MODES, fprNumber, gprNumber } from "../spec/registers.js";
import { checkImmediate, compress, encodeCompressedRow, encodeRow, type EncodeFields } from "./encode.js";
import { spellingsOf, type Spelling } from "./spellings.js";

/** An assembler error, with a 1-based line and column. */
export interface AsmError {
  message: string;
  line: number;
  column: number;
}

/** Result of assembling one instruction. */
export type AssembleResult = { ok: true; bytes: Uint8Array; length: 2 | 4 } | { ok: false; error: AsmError };

/** Options of {@link assemble}. */
export interface AssembleOptions {
  /** Address of the instruction: absolute branch/jump targets are relative to it. Default 0. */
  pc?: bigint;
  /** Emit the 16-bit RVC form when one exists (as GNU as does with RVC enabled). Default false. */
  compress?: boolean;
  /** Labels usable as branch/jump targets. */
  labels?: ReadonlyMap<string, bigint>;
  /** Line number reported in errors. Default 1. */
  line?: number;
}

/** Internal: a bad operand, caught in {@link assemble} and turned into an {@link AsmError}. */
class OperandError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

const NUMBER = /^([+-]?)(0x[0-9a-f]+|0b[01]+|\d+)$/i;

function parseNumber(text: string): number | undefined {
  const m = NUMBER.exec(text);
  if (m === null) return undefined;
  const v = Number(m[2]!.toLowerCase().startsWith("0b") ? parseInt(m[2]!.slice(2), 2) : m[2]);
  return m[1] === "-" ? -v : v;
}

interface Operand {
  text: string;
  column: number;
}

/** Splits "a0, 8(sp)" into operands with their columns (1-based). */
function splitOperands(text: string, column: number): Operand[] {
  const out: Operand[] = [];
  if (text.trim() === "") return out;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === ",") {
      const raw = text.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      out.push({ text: raw.trim(), column: column + start + lead });
      start = i + 1;
    }
  }
  return out;
}

interface Context {
  pc: bigint;
  labels: ReadonlyMap<string, bigint> | undefined;
}

function gpr(op: Operand, text = op.text): number {
  const n = gprNumber(text.trim());
  if (n === undefined) throw new OperandError(`expected an integer register, got "${text.trim()}"`, op.column);
  return n;
}

function fpr(op: Operand, text = op.text): number {
  const n = fprNumber(text.trim());
  if (n === undefined) throw new OperandError(`expected a floating-point register, got "${text.trim()}"`, op.column);
  return n;
}

function integer(op: Operand, text = op.text): number {
  const v = parseNumber(text.trim());
  if (v === undefined) throw new OperandError(`expected a number, got "${text.trim()}"`, op.column);
  return v;
}

function target(op: Operand, ctx: Context): number {
  const t = op.text;
  let addr: bigint;
  const label = ctx.labels?.get(t);
  if (label !== undefined) addr = label;
  else if (t === ".") addr = ctx.pc;
  else if (/^\.\s*[+-]/.test(t)) return integer(op, t.slice(1).replace(/\s+/g, ""));
  else if (/^(0x)?[0-9a-f]+$/i.test(t)) addr = BigInt(t.toLowerCase().startsWith("0x") ? t : `0x${t}`);
  else throw new OperandError(`expected a branch target (hex address, label, or .±offset), got "${t}"`, op.column);
  return Number(BigInt.asIntN(64, addr - ctx.pc));
}

function rangeCheck(s: Spelling, imm: number, op: Operand): void {
  if (s.compressed !== undefined) return;
  const err = checkImmediate(s.row, imm);
  if (err !== undefined) throw new OperandError(err, op.column);
}

/** Fills `fields` from the operands following `template`; throws OperandError. */
function parseOperands(s: Spelling, ops: Operand[], ctx: Context, fields: EncodeFields, lineColumn: number): void {
  const groups = s.template === "" ? [] : s.template.split(",");
  const hasRm = groups[groups.length - 1] === "rm";
  if (ops.length !== groups.length && !(hasRm && ops.length === groups.length - 1)) {
    throw new OperandError(`expected ${groups.length} operand(s) (${s.template || "none"}), got ${ops.length}`, ops[0]?.column ?? lineColumn);
  }
  groups.forEach((g, i) => {
    const op = ops[i];
    if (op === undefined) return; // omitted rounding mode
    const mem = /^(\w+)?\((\w+)\)$/.exec(g);
    if (mem !== null) {
      const m = /^(.*)\(\s*([\w.]+)\s*\)$/.exec(op.text);
      if (m === null) throw new OperandError(`expected a memory operand like 8(sp), got "${op.text}"`, op.column);
      const base = mem[2]!;
      if (base === "sp") {
        if (gpr(op, m[2]) !== 2) throw new OperandError(`base register must be sp`, op.column);
      } else fields.rs1 = gpr(op, m[2]);
      if (mem[1] !== undefined) fields.imm = m[1]!.trim() === "" ? 0 : integer(op, m[1]);
      else if (m[1]!.trim() !== "" && integer(op, m[1]) !== 0) throw new OperandError(`offset must be 0`, op.column);
      return;
    }
    switch (g) {
      case "rd":
      case "rs1":
      case "rs2":
        fields[g] = gpr(op);
        break;
      case "sp":
        if (gpr(op) !== 2) throw new OperandError(`expected sp`, op.column);
        break;
      case "frd":
      case "frs1":
      case "frs2":
      case "frs3":
        fields[g.slice(1) as "rd" | "rs1" | "rs2" | "rs3"] = fpr(op);
        break;
      case "imm": {
        const v = integer(op);
        if (s.row.imm === ImmKind.U && (v < 0 || v > 0xfffff)) throw new OperandError(`upper immediate ${op.text} out of range 0..0xfffff`, op.column);
        fields.imm = s.row.imm === ImmKind.U ? (v << 12) | 0 : v;
        rangeCheck(s, fields.imm, op);
        break;
      }
      case "zimm":
        fields.imm = integer(op);
        rangeCheck(s, fields.imm, op);
        break;
      case "target":
        fields.imm = target(op, ctx);
        rangeCheck(s, fields.imm, op);
        break;
      case "csr": {
        const n = csrNumber(op.text) ?? parseNumber(op.text);
        if (n === undefined || n < 0 || n > 0xfff) throw new OperandError(`unknown CSR "${op.text}"`, op.column);
        fields.csr = n;
        break;
      }
      case "rm": {
        const n = ROUNDING_MODES.indexOf(op.text);
        if (n < 0) throw new OperandError(`unknown rounding mode "${op.text}"`, op.column);
        fields.rm = n;
        break;
      }
      case "pred":
      case "succ": {
        // "unknown" is how objdump prints the empty set.
        const n = op.text === "unknown" ? 0 : FENCE_SETS.indexOf(op.text);
        if (n < 0) throw new OperandError(`bad fence set "${op.text}" (expected a combination of i, o, r, w in that order)`, op.column);
        fields[g] = n;
        break;
      }
      default:
        throw new OperandError(`internal: unknown template operand ${g}`, op.column);
    }
  });
  for (const c of s.conditions) {
    const key = c.field;
    if (c.sameAs !== undefined) {
      const other = fields[c.sameAs as keyof EncodeFields] as number | undefined;
      const mine = fields[key as keyof EncodeFields] as number | undefined;
      if (mine !== undefined && mine !== (other ?? 0)) throw new OperandError(`${key} must equal ${c.sameAs}`, lineColumn);
      (fields as Record<string, number>)[key] = other ?? 0;
    } else {
      (fields as Record<string, number>)[key] = c.value!;
    }
  }
}

function bytesOf(value: number, length: 2 | 4): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (value >>> (8 * i)) & 0xff;
  return b;
}

/**
 * Strips what is not an instruction: `#` comments (objdump's `# <address>` annotations
 * included) and `<symbol+0x..>` decorations.
 */
function clean(line: string): string {
  const hash = line.indexOf("#");
  return (hash >= 0 ? line.slice(0, hash) : line).replace(/\s*<[^>]*>/g, "");
}

/**
 * Assembles one instruction, e.g. `addi a0,a0,1`, `jal ra,10300 <main+0x14>` (a bare
 * branch target is a hexadecimal absolute address, as objdump prints it), `lw a0,-8(s0)`,
 * `c.addi sp,-16`. Accepts every spelling the disassembler prints and the usual
 * one-instruction pseudo-instructions. Never throws.
 */
export function assemble(text: string, options: AssembleOptions = {}): AssembleResult {
  const line = options.line ?? 1;
  const ctx: Context = { pc: options.pc ?? 0n, labels: options.labels };
  const src = clean(text);
  const m = /^(\s*)(\S+)(\s*)(.*)$/.exec(src);
  if (m === null) return { ok: false, error: { message: "empty line", line, column: 1 } };
  const mnemonicColumn = m[1]!.length + 1;
  const mnemonic = m[2]!.toLowerCase();
  const dir = /^\.(2byte|half|4byte|word)$/.exec(mnemonic);
  if (dir !== null) {
    const length = dir[1] === "2byte" || dir[1] === "half" ? 2 : 4;
    const v = parseNumber(m[4]!.trim());
    if (v === undefined || v < -(2 ** (8 * length - 1)) || v >= 2 ** (8 * length)) {
      return { ok: false, error: { message: `expected a ${8 * length}-bit number, got "${m[4]!.trim()}"`, line, column: mnemonicColumn + m[2]!.length + m[3]!.length } };
    }
    return { ok: true, bytes: bytesOf(v, length), length };
  }
  const candidates = spellingsOf(mnemonic);
  if (candidates === undefined) {
    return { ok: false, error: { message: `unknown instruction "${m[2]}"`, line, column: mnemonicColumn } };
  }
  const opsColumn = mnemonicColumn + m[2]!.length + m[3]!.length;
  const ops = splitOperands(m[4]!.trimEnd(), opsColumn);
  let firstError: OperandError | undefined;
  for (const s of candidates) {
    const fields: EncodeFields = { aq: s.aq, rl: s.rl };
    try {
      parseOperands(s, ops, ctx, fields, mnemonicColumn);
    } catch (e) {
      if (!(e instanceof OperandError)) throw e;
      // Prefer the error of a spelling with the right operand count.
      if (firstError === undefined || (firstError.message.startsWith("expected ") && firstError.message.includes("operand(s)"))) firstError = e;
      continue;
    }
    if (s.compressed !== undefined) {
      const bits = encodeCompressedRow(s.compressed, fields);
      if (bits === undefined) {
        firstError ??= new OperandError(`operands do not fit ${mnemonic}`, opsColumn);
        continue;
      }
      return { ok: true, bytes: bytesOf(bits, 2), length: 2 };
    }
    const r = encodeRow(s.row, fields);
    if (!r.ok) {
      firstError ??= new OperandError(r.message, opsColumn);
      continue;
    }
    if (options.compress === true) {
      const c = compress(s.row.name, fields, mnemonic !== "add");
      if (c !== undefined) return { ok: true, bytes: bytesOf(c, 2), length: 2 };
    }
    return { ok: true, bytes: bytesOf(r.value, 4), length: 4 };
  }
  const e = firstError ?? new OperandError(`bad operands for ${mnemonic}`, opsColumn);
  return { ok: false, error: { message: e.message, line, column: e.column } };
}

/** Result of {@link assembleProgram}. */
export type ProgramResult =
  | { ok: true; bytes: Uint8Array; labels: Map<string, bigint> }
  | { ok: false; error: AsmError };

/** Options of {@link assembleProgram}. */
export interface ProgramOptions {
  /** Emit RVC forms where possible. Default false. */
  compress?: boolean;
}

const LABEL = /^\s*([A-Za-z_.$][\w.$]*)\s*:/;

/**
 * Assembles a small multi-line program placed at `baseAddress`: one instruction per line,
 * `label:` definitions (alone or before an instruction), `#` and `//` comments, blank
 * lines, and `.word N` / `.half N` / `.byte N` data. Branches and jumps may name labels
 * (forward references included). Two passes: sizes first (with `compress`, an
 * instruction naming a label is sized as 4 bytes and never compressed), then encoding.
 */
export function assembleProgram(source: string, baseAddress = 0n, options: ProgramOptions = {}): ProgramResult {
  interface Item {
    text: string;
    line: number;
    column: number;
    address: bigint;
    size: number;
    data?: { width: number; value: number };
    usesLabel: boolean;
  }
  const lines = source.split("\n");
  const labels = new Map<string, bigint>();
  const labelNames: string[] = [];
  for (const l of lines) {
    let t = l;
    let lm: RegExpExecArray | null;
    while ((lm = LABEL.exec(t)) !== null) {
      labelNames.push(lm[1]!);
      t = t.slice(lm[0].length);
    }
  }
  const namesLabel = (text: string): boolean =>
    labelNames.some((n) => new RegExp(`(^|[\\s,(])${n.replace(/[.$]/g, "\\$&")}($|[\\s,)])`).test(text));
  const items: Item[] = [];
  let addr = baseAddress;
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!.replace(/\/\/.*$/, "");
    const hash = text.indexOf("#");
    if (hash >= 0) text = text.slice(0, hash);
    let column = 1;
    let lm: RegExpExecArray | null;
    while ((lm = LABEL.exec(text)) !== null) {
      if (labels.has(lm[1]!)) return { ok: false, error: { message: `label "${lm[1]}" defined twice`, line: i + 1, column } };
      labels.set(lm[1]!, addr);
      column += lm[0].length;
      text = text.slice(lm[0].length);
    }
    if (text.trim() === "") continue;
    column += text.length - text.trimStart().length;
    text = text.trimStart();
    const dm = /^\s*\.(word|half|byte|2byte|4byte)\s+(\S+)\s*$/.exec(text);
    if (dm !== null) {
      const width = dm[1] === "word" || dm[1] === "4byte" ? 4 : dm[1] === "byte" ? 1 : 2;
      const value = parseNumber(dm[2]!);
      if (value === undefined) return { ok: false, error: { message: `expected a number, got "${dm[2]}"`, line: i + 1, column } };
      items.push({ text, line: i + 1, column, address: addr, size: width, data: { width, value }, usesLabel: false });
      addr += BigInt(width);
      continue;
    }
    items.push({ text, line: i + 1, column, address: addr, size: 4, usesLabel: false });
    const it = items[items.length - 1]!;
    if (options.compress === true) {
      // Sizes come before addresses: an instruction that names a label stays 32-bit.
      it.usesLabel = namesLabel(text);
      const probe = it.usesLabel ? undefined : assemble(text, { pc: addr, compress: true, line: i + 1 });
      if (probe?.ok === true) it.size = probe.length;
    }
    addr += BigInt(it.size);
  }
  const out = new Uint8Array(Number(addr - baseAddress));
  for (const it of items) {
    const at = Number(it.address - baseAddress);
    if (it.data !== undefined) {
      for (let k = 0; k < it.data.width; k++) out[at + k] = (it.data.value >>> (8 * k)) & 0xff;
      continue;
    }
    const r = assemble(it.text, { pc: it.address, labels, compress: options.compress === true && it.size === 2, line: it.line });
    if (!r.ok) return { ok: false, error: { ...r.error, column: r.error.column + it.column - 1 } };
    if (r.length !== it.size) return { ok: false, error: { message: "internal: instruction size changed between passes", line: it.line, column: it.column } };
    out.set(r.bytes, at);
  }
  return { ok: true, bytes: out, labels };
}
