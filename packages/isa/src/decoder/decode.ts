import type { Mnemonic } from "../spec/index.js";
import type { CompressedSpec, InsnSpec } from "../spec/types.js";
import { COMPILED_ROWS, ImmKind, type CompiledRow } from "./compiled-row.js";
import {
  COMPILED_COMPRESSED_ROWS,
  RESERVED,
  compressedRowIndex,
  extractImmediate,
  extractRegister,
} from "./compressed.js";
import { buildDecodeTree, lookup } from "./decode-tree.js";
import { immB, immI, immJ, immS, immU } from "./fields.js";
import type { Decoded, IllegalInstruction, IllegalReason, Instruction } from "./instruction.js";

class DecodedInstruction implements Instruction {
  readonly illegal = false as const;
  constructor(
    readonly id: number,
    readonly name: Mnemonic,
    readonly spec: InsnSpec,
    readonly compressed: CompressedSpec | undefined,
    readonly rd: number,
    readonly rs1: number,
    readonly rs2: number,
    readonly rs3: number,
    readonly imm: number,
    readonly csr: number,
    readonly rm: number,
    readonly aq: boolean,
    readonly rl: boolean,
    readonly pred: number,
    readonly succ: number,
    readonly length: 2 | 4,
    readonly raw: number,
  ) {}
}

const TREE = buildDecodeTree(COMPILED_ROWS);

function illegal(raw: number, length: number, reason: IllegalReason, message: string): IllegalInstruction {
  return { illegal: true, raw: raw >>> 0, length, reason, message };
}

/**
 * Length in bytes of the instruction starting with the 16-bit parcel `low16`, by the
 * standard length encoding as objdump 2.40 applies it: 2 (bits 1:0 != 11), 4 (bits 4:2
 * != 111), 6 (bits 5:0 = 011111), 8 (bits 6:0 = 0111111), 10 + 2 * bits 14:12 for the
 * longer formats, and 2 for bits 14:12 = 111 (reserved for 192 bits and more, which
 * objdump does not size). wasmu decodes only 2 and 4.
 */
export function instructionLength(low16: number): number {
  if ((low16 & 0x3) !== 0x3) return 2;
  if ((low16 & 0x1c) !== 0x1c) return 4;
  if ((low16 & 0x3f) === 0x1f) return 6;
  if ((low16 & 0x7f) === 0x3f) return 8;
  const nnn = (low16 >>> 12) & 7;
  return nnn === 7 ? 2 : 10 + 2 * nnn;
}

/**
 * Decoded results are immutable, so they are shared: every 16-bit parcel is decoded at
 * most once, and 32-bit words go through a direct-mapped cache (real code repeats words:
 * it avoids most of the allocation and tree walks).
 */
const CACHE16: (Decoded | undefined)[] = new Array<Decoded | undefined>(65536).fill(undefined);
/** Entries of the 32-bit cache (a power of two); 8192 keeps its hit rate high on libc's .text. */
const CACHE32_SIZE = 8192;
const cache32Keys = new Int32Array(CACHE32_SIZE);
const cache32Values: (Decoded | undefined)[] = new Array<Decoded | undefined>(CACHE32_SIZE).fill(undefined);

function decodeWord(w: number): Decoded {
  const slot = (w ^ (w >>> 13) ^ (w >>> 25)) & (CACHE32_SIZE - 1);
  const hit = cache32Values[slot];
  if (hit !== undefined && cache32Keys[slot] === w) return hit;
  const d = decodeWordUncached(w);
  cache32Keys[slot] = w;
  cache32Values[slot] = d;
  return d;
}

function decodeWordUncached(w: number): Decoded {
  const row = lookup(TREE, w);
  if (row === undefined) return illegal(w, 4, "unknown-encoding", `unknown instruction 0x${(w >>> 0).toString(16).padStart(8, "0")}`);
  return build32(row, w);
}

function build32(row: CompiledRow, w: number): Decoded {
  let rm = 0;
  if (row.hasRm) {
    rm = (w >>> 12) & 7;
    if (rm === 5 || rm === 6) {
      return illegal(w, 4, "reserved-rounding-mode", `${row.name}: reserved rounding mode ${rm}`);
    }
  }
  let imm = 0;
  let csr = 0;
  let rs1 = row.hasRs1 ? (w >>> 15) & 31 : 0;
  switch (row.imm) {
    case ImmKind.I:
      imm = immI(w);
      break;
    case ImmKind.S:
      imm = immS(w);
      break;
    case ImmKind.B:
      imm = immB(w);
      break;
    case ImmKind.U:
      imm = immU(w);
      break;
    case ImmKind.J:
      imm = immJ(w);
      break;
    case ImmKind.Shamt5:
      imm = (w >>> 20) & 31;
      break;
    case ImmKind.Shamt6:
      imm = (w >>> 20) & 63;
      break;
    case ImmKind.Csr:
      csr = w >>> 20;
      break;
    case ImmKind.CsrImm:
      csr = w >>> 20;
      imm = (w >>> 15) & 31;
      rs1 = 0;
      break;
    case ImmKind.None:
      break;
  }
  return new DecodedInstruction(
    row.id,
    row.name,
    row.spec,
    undefined,
    row.hasRd ? (w >>> 7) & 31 : 0,
    rs1,
    row.hasRs2 ? (w >>> 20) & 31 : 0,
    row.hasRs3 ? w >>> 27 : 0,
    imm,
    csr,
    rm,
    row.hasAqRl && ((w >>> 26) & 1) === 1,
    row.hasAqRl && ((w >>> 25) & 1) === 1,
    row.hasFence ? (w >>> 24) & 15 : 0,
    row.hasFence ? (w >>> 20) & 15 : 0,
    4,
    w >>> 0,
  );
}

function decodeParcel16(p: number): Decoded {
  let d = CACHE16[p];
  if (d === undefined) CACHE16[p] = d = decodeParcel16Uncached(p);
  return d;
}

function decodeParcel16Uncached(p: number): Decoded {
  const index = compressedRowIndex(p);
  if (index < 0) {
    if (p === 0) return illegal(p, 2, "reserved-encoding", "the all-zero parcel is illegal");
    const hex = `0x${p.toString(16).padStart(4, "0")}`;
    return index === RESERVED
      ? illegal(p, 2, "reserved-encoding", `reserved compressed encoding ${hex}`)
      : illegal(p, 2, "unknown-encoding", `unknown compressed instruction ${hex}`);
  }
  const c = COMPILED_COMPRESSED_ROWS[index]!;
  const s = c.spec;
  const row = c.expansion;
  return new DecodedInstruction(
    row.id,
    row.name,
    row.spec,
    s,
    extractRegister(s.rd, p),
    extractRegister(s.rs1, p),
    extractRegister(s.rs2, p),
    0,
    c.imm === undefined ? 0 : extractImmediate(c.imm, p),
    0,
    0,
    false,
    false,
    0,
    0,
    2,
    p,
  );
}

/**
 * Decodes one instruction. `parcel` holds the instruction's bits, little-endian order
 * already applied: for a compressed instruction (bits 1:0 != 11) only the low 16 bits are
 * used (higher bits are ignored, so a 32-bit read at the pc may be passed as is);
 * otherwise the 32-bit word. Encodings of 48 bits or more are illegal for wasmu.
 * The result is immutable and may be shared between calls.
 */
export function decode(parcel: number): Decoded {
  if ((parcel & 3) !== 3) return decodeParcel16(parcel & 0xffff);
  if ((parcel & 0x1c) === 0x1c) {
    const len = instructionLength(parcel & 0xffff);
    const what = len === 2 ? "reserved (192-bit and longer) instruction length encoding" : `${len * 8}-bit instruction encodings are not supported`;
    return illegal(parcel & 0xffff, len, "long-encoding", what);
  }
  return decodeWord(parcel | 0);
}

/**
 * Decodes the instruction at `bytes[offset]` (little-endian). Returns an illegal result
 * with reason `truncated` when fewer bytes remain than the instruction needs.
 */
export function decodeAt(bytes: Uint8Array, offset: number): Decoded {
  const left = bytes.length - offset;
  if (left < 2) {
    return illegal(left === 1 ? bytes[offset]! : 0, Math.max(left, 0), "truncated", `truncated instruction at offset ${offset}`);
  }
  const low = bytes[offset]! | (bytes[offset + 1]! << 8);
  if ((low & 3) !== 3) return decodeParcel16(low);
  if (left < 4) return illegal(low, left, "truncated", `truncated 32-bit instruction at offset ${offset}`);
  return decode(low | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24));
}
