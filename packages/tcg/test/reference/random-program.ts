// Random RV64GC instruction sequences for the differential test (riscv-reference.test.ts),
// generated from @wasmu/isa's INSTRUCTIONS table over every row and deterministic from a
// seed. Each sequence comes with its initial state: x and f registers preloaded with
// boundary values, fflags and a valid frm, and a data area filled with boundary values.
//
// Layout of the guest window (at BASE): code at offset 0, the data area at DATA. Three
// registers are reserved as memory bases and never written: x2 (sp) and x8 (s0), 8-byte
// aligned, and x9 (s1), 4 mod 8 (a .d AMO/LR/SC through it is misaligned). Loads and
// stores keep their address inside the data area; compressed forms (c.ld, c.sdsp, ...)
// are used whenever the operands fit, for the third of the instructions drawn with operands
// that favour them (x8..x15, rd = rs1).
//
// Rows left out of the table walk, and why:
// - ecall, ebreak: they end the sequence (every sequence ends with ebreak).
// - sret, mret, wfi, sfence.vma: privileged; user mode has no defined behaviour to compare
//   beyond "illegal instruction", which would only end the sequence.
// Rows with a special form:
// - branches and jal get small forward targets (1..4 instructions ahead, or the ebreak);
// - jalr is emitted as `auipc rT, 0; jalr rd, off(rT)` with a forward target;
// - CSR instructions only name fflags, frm and fcsr (the counters are not deterministic
//   and the other CSRs are not accessible in user mode); they are drawn less often,
//   since writing a reserved frm (5..7) makes the next dynamic-rm instruction illegal and
//   ends the sequence (which is itself compared).
import { compress, encode, INSTRUCTIONS, type EncodeFields, type InsnSpec, type Mnemonic } from "@wasmu/isa";
import { Rng } from "../ir-support.js";

/** Guest address of the window. */
export const BASE = 0x8000_0000n;
/** Bytes of the window (code, then data). */
export const WINDOW = 0x10000;
/** Offset of the data area in the window. */
export const DATA = 0x2000;
/** Bytes of the data area. */
export const DATA_SIZE = 0x1000;
/** Reserved base registers and their offsets in the data area. */
export const BASE_REGS: readonly (readonly [number, number])[] = [[2, 0x800], [8, 0x400], [9, 0xc04]];

const SKIP = new Set(["ecall", "ebreak", "sret", "mret", "wfi", "sfence.vma"]);
const ROWS: readonly InsnSpec[] = INSTRUCTIONS.filter((r) => !SKIP.has(r.name));

/** Names of the rows the generator draws from. */
export const GENERATED_ROWS: readonly string[] = ROWS.map((r) => r.name);

/** Integer boundary values (as signed 64-bit). */
export const INT_BOUNDARY: readonly bigint[] = [
  0n, 1n, -1n, 2n, -2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 31n, 32n, 63n, 64n,
  0x7fff_ffffn, -0x8000_0000n, 0xffff_ffffn, 0x8000_0000n, 0x1_0000_0000n,
  0x7fff_ffff_ffff_ffffn, -0x8000_0000_0000_0000n,
];

const D = (x: bigint): bigint => x;
/** binary64 boundary images. */
export const F64_BOUNDARY: readonly bigint[] = [
  D(0n), D(0x8000_0000_0000_0000n), // ±0
  D(0x7ff0_0000_0000_0000n), D(0xfff0_0000_0000_0000n), // ±inf
  D(0x7ff8_0000_0000_0000n), D(0xfff8_0000_0000_0001n), // quiet NaNs
  D(0x7ff0_0000_0000_0001n), D(0xfff4_0000_0000_0000n), // signalling NaNs
  D(0x0000_0000_0000_0001n), D(0x800f_ffff_ffff_ffffn), // subnormals
  D(0x0010_0000_0000_0000n), D(0x8010_0000_0000_0000n), // ±min normal
  D(0x7fef_ffff_ffff_ffffn), D(0xffef_ffff_ffff_ffffn), // ±max normal
  D(0x3ff0_0000_0000_0000n), D(0xbff8_0000_0000_0000n), D(0x4000_0000_0000_0000n), // 1, -1.5, 2
  D(0x3fe0_0000_0000_0000n), D(0x43e0_0000_0000_0000n), D(0xc3e0_0000_0000_0000n), // 0.5, ±2^63
  D(0x41e0_0000_0000_0000n), D(0x41f0_0000_0000_0000n), D(0xc1e0_0000_0000_0000n), // 2^31, 2^32, -2^31
];
/** binary32 boundary images (unboxed, 32-bit). */
export const F32_BOUNDARY: readonly number[] = [
  0, 0x8000_0000, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000, 0xffc0_0001, 0x7f80_0001, 0xffa0_0000,
  0x0000_0001, 0x807f_ffff, 0x0080_0000, 0x8080_0000, 0x7f7f_ffff, 0xff7f_ffff,
  0x3f80_0000, 0xbfc0_0000, 0x4000_0000, 0x3f00_0000, 0x5f00_0000, 0xdf00_0000, 0x4f00_0000, 0x4f80_0000, 0xcf00_0000,
];

/** One generated sequence and the state it starts from. */
export interface RandomProgram {
  readonly seed: number;
  /** Machine code, placed at BASE. */
  readonly code: Uint8Array;
  /** Number of instructions (including the final ebreak). */
  readonly insns: number;
  /** Offset of the final ebreak (or c.ebreak) in `code`. */
  readonly ebreakOffset: number;
  /** Initial x0..x31 (unsigned 64-bit). */
  readonly x: readonly bigint[];
  /** Initial f0..f31 images. */
  readonly f: readonly bigint[];
  readonly frm: number;
  readonly fflags: number;
  /** Initial contents of the data area (DATA_SIZE bytes). */
  readonly data: Uint8Array;
}

function random64(rng: Rng): bigint {
  return (BigInt(rng.u32()) << 32n) | BigInt(rng.u32());
}

/** A 64-bit integer register value biased toward the boundaries. */
function intValue(rng: Rng): bigint {
  const k = rng.int(10);
  if (k < 5) return BigInt.asUintN(64, rng.pick(INT_BOUNDARY));
  if (k < 7) return BigInt.asUintN(64, BigInt(rng.int(4096)) - 2048n);
  if (k < 8) return fpValue(rng);
  return random64(rng);
}

/** An f register image: doubles, boxed singles, improperly boxed singles, random bits. */
function fpValue(rng: Rng): bigint {
  const k = rng.int(12);
  if (k < 5) return rng.pick(F64_BOUNDARY);
  if (k < 10) return (0xffff_ffffn << 32n) | BigInt(rng.pick(F32_BOUNDARY));
  if (k < 11) return BigInt(rng.pick(F32_BOUNDARY)) | (BigInt(rng.pick([0, 0xffff_fffe, 0x7fff_ffff])) << 32n);
  return random64(rng);
}

/** A signed immediate of `bits` bits, biased to its ends and to small values. */
function simm(rng: Rng, bits: number): number {
  const max = 2 ** (bits - 1);
  const k = rng.int(6);
  if (k === 0) return rng.pick([0, 1, -1, max - 1, -max]);
  if (k < 3) return rng.int(64) - 32;
  return rng.int(2 * max) - max;
}

type Item =
  | { kind: "insn"; name: Mnemonic; fields: EncodeFields; word: number; length: 2 | 4 }
  | { kind: "branch"; name: Mnemonic; fields: EncodeFields; target: number; length: 2 | 4 }
  | { kind: "jalr"; rt: number; rd: number; target: number; viaJr: boolean };

const ACCESS_SIZE: Readonly<Record<string, number>> = {
  lb: 1, lbu: 1, sb: 1, lh: 2, lhu: 2, sh: 2, lw: 4, lwu: 4, sw: 4, flw: 4, fsw: 4, ld: 8, sd: 8, fld: 8, fsd: 8,
};

/** Sources of operands drawn to have an RVC form: x8..x15, and x0, sp for c.li, c.addi4spn. */
const C_SOURCES: readonly number[] = [0, 2, 8, 9, 10, 11, 12, 13, 14, 15];

const DEST: readonly number[] = Array.from({ length: 32 }, (_, i) => i).filter((i) => !BASE_REGS.some(([r]) => r === i));

/** Generates sequence `seed` of about `length` instructions. */
export function randomProgram(seed: number, length = 40): RandomProgram {
  const rng = new Rng(seed);
  const x = Array.from({ length: 32 }, (_, i) => (i === 0 ? 0n : intValue(rng)));
  for (const [r, off] of BASE_REGS) x[r] = BASE + BigInt(DATA + off);
  const f = Array.from({ length: 32 }, () => fpValue(rng));
  const data = new Uint8Array(DATA_SIZE);
  const dv = new DataView(data.buffer);
  for (let o = 0; o < DATA_SIZE; o += 8) dv.setBigUint64(o, rng.chance(0.5) ? fpValue(rng) : intValue(rng), true);

  const items: Item[] = [];
  while (items.length < length) {
    const row = rng.pick(ROWS);
    const name = row.name as Mnemonic;
    if ((row.format === "CSR" || row.format === "CSRI") && !rng.chance(0.25)) continue;
    const ops = row.operands === "" ? [] : row.operands.split(",");
    const fields: EncodeFields = {};
    const at = items.length;
    // A third of the instructions favour operands that have an RVC form (x8..x15, rd = rs1).
    const wantC = rng.chance(0.33);
    const rd = (): number => (wantC ? 10 + rng.int(6) : rng.chance(0.03) ? 0 : rng.pick(DEST));
    const reg = (): number => (wantC ? rng.pick(C_SOURCES) : rng.int(32));
    const target = (): number => Math.min(length, at + 1 + rng.int(4));
    for (const op of ops) {
      switch (op) {
        case "rd": fields.rd = rd(); break;
        case "rs1": fields.rs1 = reg(); break;
        case "rs2": fields.rs2 = reg(); break;
        case "frd": fields.rd = reg(); break;
        case "frs1": fields.rs1 = reg(); break;
        case "frs2": fields.rs2 = reg(); break;
        case "frs3": fields.rs3 = reg(); break;
        case "rm": fields.rm = rng.chance(0.4) ? 7 : rng.int(5); break;
        case "csr": fields.csr = 1 + rng.int(3); break;
        case "zimm": fields.imm = rng.int(32); break;
        case "pred": fields.pred = rng.int(16); break;
        case "succ": fields.succ = rng.int(16); break;
        case "(rs1)": {
          // AMO/LR/SC: an aligned base most of the time.
          fields.rs1 = rng.chance(0.05) ? BASE_REGS[2]![0] : rng.pick(BASE_REGS.slice(0, 2))[0];
          break;
        }
        case "imm(rs1)": {
          const [r, off] = rng.pick(BASE_REGS);
          fields.rs1 = r;
          // Access size from the mnemonic; keep the whole access inside the data area.
          const size = ACCESS_SIZE[name] ?? 8;
          const aligned = rng.chance(0.8);
          let imm = rng.chance(0.3) ? rng.int(64) * size : rng.int(4096) - 2048;
          if (aligned) imm -= ((imm % size) + size) % size;
          imm = Math.max(-off, Math.min(DATA_SIZE - size - off, imm));
          fields.imm = Math.max(-2048, Math.min(2047, imm));
          break;
        }
        case "imm":
          if (row.format === "U") fields.imm = (simm(rng, 20) << 12) | 0;
          else if (row.format === "SH") fields.imm = rng.chance(0.3) ? rng.pick([0, 1, 31]) : rng.int(name.endsWith("iw") ? 32 : 64);
          else fields.imm = simm(rng, 12);
          break;
        case "target": break;
        default: throw new Error(`random-program: operand ${op} of ${name}`);
      }
    }
    if (row.format === "B" || row.format === "J") {
      // c.beqz/c.bnez/c.j: rs2 = x0, rs1 in x8..x15 / rd = x0 (the targets are near enough).
      if (wantC && (name === "beq" || name === "bne")) {
        fields.rs1 = 8 + rng.int(8);
        fields.rs2 = 0;
      }
      if (wantC && name === "jal") fields.rd = 0;
      const short = wantC && (name === "jal" || name === "beq" || name === "bne");
      items.push({ kind: "branch", name, fields, target: target(), length: short ? 2 : 4 });
      continue;
    }
    if (name === "jalr") {
      // `auipc rT, 0; jalr rd, off(rT)`, or for c.jr/c.jalr `auipc rT, 0; addi rT, rT, off; jalr x0|ra, 0(rT)`.
      const viaJr = wantC;
      items.push({ kind: "jalr", rt: rng.pick(DEST.filter((r) => r !== 0)), rd: viaJr ? rng.pick([0, 1]) : rd(), target: target(), viaJr });
      continue;
    }
    if (wantC && ops.includes("rd") && ops.includes("rs1") && rng.chance(0.7)) fields.rs1 = fields.rd!;
    const enc = encode(name, fields);
    if (!enc.ok) throw new Error(`random-program: ${enc.message}`);
    const c = wantC ? compress(name, fields) : undefined;
    items.push(c === undefined ? { kind: "insn", name, fields, word: enc.value, length: 4 } : { kind: "insn", name, fields, word: c, length: 2 });
  }

  // Lay out: every item's offset (the ebreak is at index `length`), then encode.
  const offsets: number[] = [];
  let pc = 0;
  for (const it of items) {
    offsets.push(pc);
    pc += it.kind === "jalr" ? (it.viaJr ? 10 : 8) : it.length;
  }
  offsets.push(pc);
  const code = new Uint8Array(pc + (seed % 2 === 1 ? 2 : 4));
  const cv = new DataView(code.buffer);
  const put = (off: number, w: number, len: 2 | 4): void => (len === 2 ? cv.setUint16(off, w, true) : cv.setUint32(off, w >>> 0, true));
  const must = (name: Mnemonic, fields: EncodeFields): number => {
    const e = encode(name, fields);
    if (!e.ok) throw new Error(`random-program: ${e.message}`);
    return e.value;
  };
  items.forEach((it, i) => {
    const off = offsets[i]!;
    if (it.kind === "insn") put(off, it.word, it.length);
    else if (it.kind === "branch") {
      const f = { ...it.fields, imm: offsets[it.target]! - off };
      const c = it.length === 2 ? compress(it.name, f) : undefined;
      if (it.length === 2 && c === undefined) throw new Error(`random-program: no RVC form for ${it.name} ${JSON.stringify(f)}`);
      put(off, c ?? must(it.name, f), it.length);
    } else if (it.viaJr) {
      put(off, must("auipc", { rd: it.rt, imm: 0 }), 4);
      put(off + 4, must("addi", { rd: it.rt, rs1: it.rt, imm: offsets[it.target]! - off }), 4);
      const c = compress("jalr", { rd: it.rd, rs1: it.rt, imm: 0 });
      if (c === undefined) throw new Error("random-program: no c.jr/c.jalr");
      put(off + 8, c, 2);
    } else {
      put(off, must("auipc", { rd: it.rt, imm: 0 }), 4);
      put(off + 4, must("jalr", { rd: it.rd, rs1: it.rt, imm: offsets[it.target]! - off }), 4);
    }
  });
  // The final ebreak is c.ebreak for odd seeds.
  if (seed % 2 === 1) put(pc, compress("ebreak", {}) ?? 0, 2);
  else put(pc, must("ebreak", {}), 4);
  return { seed, code, insns: length + 1, ebreakOffset: pc, x, f, frm: rng.int(5), fflags: rng.int(32), data };
}
