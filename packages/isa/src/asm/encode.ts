import { ImmKind, rowByName, type CompiledRow } from "../decoder/compiled-row.js";
import { COMPILED_COMPRESSED_ROWS, type CompiledCompressedRow, type ParsedImmediate } from "../decoder/compressed.js";
import { decode } from "../decoder/decode.js";
import type { Mnemonic } from "../spec/index.js";
import type { CompressedRegister } from "../spec/types.js";

/** Operands of an instruction to encode; absent fields are 0 (rm: 7 = dynamic). */
export interface EncodeFields {
  rd?: number;
  rs1?: number;
  rs2?: number;
  rs3?: number;
  /**
   * Immediate, as in {@link Instruction.imm}: sign-extended value for I/S/B/J (byte offsets
   * for B/J), `imm20 << 12` for lui/auipc, shift amount, or the 5-bit csr*i immediate.
   */
  imm?: number;
  csr?: number;
  rm?: number;
  aq?: boolean;
  rl?: boolean;
  pred?: number;
  succ?: number;
}

/** Result of encoding: the bits, or why the operands do not fit. */
export type EncodeResult = { ok: true; value: number; length: 2 | 4 } | { ok: false; message: string };

function fits(v: number, bits: number, signed: boolean, align = 1): boolean {
  if (!Number.isInteger(v) || v % align !== 0) return false;
  return signed ? v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1) : v >= 0 && v < 2 ** bits;
}

/** Checks the immediate of a row; returns an error message or undefined. */
export function checkImmediate(row: CompiledRow, imm: number): string | undefined {
  switch (row.imm) {
    case ImmKind.I:
    case ImmKind.S:
      return fits(imm, 12, true) ? undefined : `immediate ${imm} out of range -2048..2047`;
    case ImmKind.B:
      return fits(imm, 13, true, 2) ? undefined : `branch offset ${imm} out of range (±4 KiB, even)`;
    case ImmKind.J:
      return fits(imm, 21, true, 2) ? undefined : `jump offset ${imm} out of range (±1 MiB, even)`;
    case ImmKind.U:
      return (imm & 0xfff) === 0 && fits(imm, 32, true) ? undefined : `upper immediate out of range 0..0xfffff`;
    case ImmKind.Shamt5:
      return fits(imm, 5, false) ? undefined : `shift amount ${imm} out of range 0..31`;
    case ImmKind.Shamt6:
      return fits(imm, 6, false) ? undefined : `shift amount ${imm} out of range 0..63`;
    case ImmKind.CsrImm:
      return fits(imm, 5, false) ? undefined : `immediate ${imm} out of range 0..31`;
    default:
      return undefined;
  }
}

function immBits(row: CompiledRow, imm: number, csr: number): number {
  switch (row.imm) {
    case ImmKind.I:
      return (imm & 0xfff) << 20;
    case ImmKind.S:
      return (((imm >> 5) & 0x7f) << 25) | ((imm & 0x1f) << 7);
    case ImmKind.B:
      return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7);
    case ImmKind.U:
      return imm & ~0xfff;
    case ImmKind.J:
      return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 0xff) << 12);
    case ImmKind.Shamt5:
    case ImmKind.Shamt6:
      return imm << 20;
    case ImmKind.Csr:
      return (csr & 0xfff) << 20;
    case ImmKind.CsrImm:
      return ((csr & 0xfff) << 20) | ((imm & 31) << 15);
    default:
      return 0;
  }
}

/** Encodes a 32-bit instruction of a compiled row; checks ranges. */
export function encodeRow(row: CompiledRow, f: EncodeFields): EncodeResult {
  const imm = f.imm ?? 0;
  const err = checkImmediate(row, imm);
  if (err !== undefined) return { ok: false, message: `${row.name}: ${err}` };
  const rm = f.rm ?? 7;
  if (row.hasRm && (rm < 0 || rm > 7 || rm === 5 || rm === 6)) return { ok: false, message: `${row.name}: invalid rounding mode ${rm}` };
  let w = row.match | immBits(row, imm, f.csr ?? 0);
  if (row.hasRd) w |= ((f.rd ?? 0) & 31) << 7;
  if (row.hasRs1) w |= ((f.rs1 ?? 0) & 31) << 15;
  if (row.hasRs2) w |= ((f.rs2 ?? 0) & 31) << 20;
  if (row.hasRs3) w |= ((f.rs3 ?? 0) & 31) << 27;
  if (row.hasRm) w |= rm << 12;
  if (row.hasAqRl) w |= ((f.aq === true ? 1 : 0) << 26) | ((f.rl === true ? 1 : 0) << 25);
  if (row.hasFence) w |= (((f.pred ?? 0) & 15) << 24) | (((f.succ ?? 0) & 15) << 20);
  return { ok: true, value: w >>> 0, length: 4 };
}

/**
 * Encodes one 32-bit instruction by mnemonic (canonical table name, e.g. `"addi"`,
 * `"amoadd.w"`, `"fadd.d"`).
 */
export function encode(name: Mnemonic, fields: EncodeFields = {}): EncodeResult {
  const row = rowByName(name);
  if (row === undefined) return { ok: false, message: `unknown instruction ${name}` };
  return encodeRow(row, fields);
}

function putImmediate(layout: ParsedImmediate, imm: number): number | undefined {
  if ((imm & ~layout.immMask & (layout.signed ? (1 << (layout.topBit + 1)) - 1 : -1)) !== 0) return undefined;
  if (layout.signed) {
    const shift = 31 - layout.topBit;
    if (((imm << shift) >> shift) !== imm) return undefined;
  } else if (imm < 0 || imm > layout.immMask) {
    return undefined;
  }
  let bits = 0;
  for (const p of layout.pieces) bits |= ((imm >>> p.immLo) & ((1 << p.width) - 1)) << p.instLo;
  return bits;
}

function putRegister(reg: CompressedRegister | undefined, value: number, placed: Map<string, number>): number | undefined {
  if (reg === undefined) return value === 0 ? 0 : undefined;
  if (typeof reg === "number") return value === reg ? 0 : undefined;
  const field = reg === "rs1" ? "rd" : reg === "rs2'" ? "rd'" : reg;
  const prev = placed.get(field);
  if (prev !== undefined) return prev === value ? 0 : undefined;
  placed.set(field, value);
  switch (field) {
    case "rd":
      return value << 7;
    case "rs2":
      return value << 2;
    case "rd'":
      return value >= 8 && value < 16 ? (value - 8) << 2 : undefined;
    default:
      return value >= 8 && value < 16 ? (value - 8) << 7 : undefined;
  }
}

/** Encodes the 16-bit form of an instruction through one RVC row, or undefined if it does not fit. */
export function encodeCompressedRow(c: CompiledCompressedRow, f: EncodeFields): number | undefined {
  const row = c.expansion;
  const placed = new Map<string, number>();
  let bits = c.match;
  const regs: [CompressedRegister | undefined, number, boolean][] = [
    [c.spec.rd, f.rd ?? 0, row.hasRd],
    [c.spec.rs1, f.rs1 ?? 0, row.hasRs1],
    [c.spec.rs2, f.rs2 ?? 0, row.hasRs2],
  ];
  for (const [reg, value, used] of regs) {
    if (!used) continue;
    const b = putRegister(reg, value, placed);
    if (b === undefined) return undefined;
    bits |= b;
  }
  const imm = f.imm ?? 0;
  if (c.imm !== undefined) {
    const b = putImmediate(c.imm, imm);
    if (b === undefined) return undefined;
    bits |= b;
  } else if (imm !== 0) {
    return undefined;
  }
  if (((bits ^ c.match) & c.mask) !== 0) return undefined;
  // Reserved encodings (nonzero constraints) and parcels that a more specific row takes
  // (c.jr over c.mv, c.addi16sp over c.lui) must not be produced: decode and compare.
  const back = decode(bits);
  if (back.illegal || back.compressed !== c.spec || back.rd !== (row.hasRd ? (f.rd ?? 0) : 0)) return undefined;
  if (back.rs1 !== (row.hasRs1 ? (f.rs1 ?? 0) : 0) || back.rs2 !== (row.hasRs2 ? (f.rs2 ?? 0) : 0) || back.imm !== imm) return undefined;
  return bits;
}

/**
 * The 16-bit encoding of a 32-bit instruction when RV64C has one, else undefined. Where
 * several RVC forms fit, the choice is GNU as's: the first row of the table (c.addi before
 * c.addi16sp), and `addi rd,rs,0` becomes `c.mv` unless `mvForZeroAddi` is false (GNU as
 * keeps `add rd,rd,0`, objdump's spelling of the c.addi HINT, as c.addi).
 */
export function compress(name: Mnemonic, f: EncodeFields, mvForZeroAddi = true): number | undefined {
  if (mvForZeroAddi && name === "addi" && (f.imm ?? 0) === 0 && (f.rs1 ?? 0) !== 0 && (f.rd ?? 0) !== 0) {
    const mv = compress("add", { rd: f.rd ?? 0, rs1: 0, rs2: f.rs1 ?? 0 });
    if (mv !== undefined) return mv;
  }
  for (const c of COMPILED_COMPRESSED_ROWS) {
    if (c.expansion.name !== name) continue;
    const bits = encodeCompressedRow(c, f);
    if (bits !== undefined) return bits;
  }
  return undefined;
}
