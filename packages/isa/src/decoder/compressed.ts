import { COMPRESSED_INSTRUCTIONS } from "../spec/index.js";
import { COMPRESSED_IMMEDIATES } from "../spec/rv-c-immediates.js";
import type { CompressedImmediate, CompressedRegister, CompressedSpec } from "../spec/types.js";
import { rowByName, type CompiledRow } from "./compiled-row.js";
import { parsePattern, popcount } from "./pattern.js";

/** One contiguous piece of an RVC immediate: parcel bits [instLo, instLo+width) go to imm bits [immLo, ...). */
export interface ImmediatePiece {
  readonly instLo: number;
  readonly immLo: number;
  readonly width: number;
}

/** Parsed RVC immediate layout. */
export interface ParsedImmediate {
  readonly pieces: readonly ImmediatePiece[];
  readonly signed: boolean;
  readonly topBit: number;
  /** Bits of the immediate the layout can hold (the others must be zero). */
  readonly immMask: number;
}

function parseRange(s: string): [number, number] {
  const [hi, lo] = s.split(":").map(Number);
  return [hi!, lo ?? hi!];
}

function parseImmediate(name: CompressedImmediate): ParsedImmediate {
  const layout = COMPRESSED_IMMEDIATES[name];
  const pieces: ImmediatePiece[] = [];
  let immMask = 0;
  for (const part of layout.pieces.split(" ")) {
    const [inst, imm] = part.split("=");
    const [ih, il] = parseRange(inst!);
    const [mh, ml] = parseRange(imm!);
    if (ih - il !== mh - ml) throw new Error(`bad RVC immediate piece ${part}`);
    pieces.push({ instLo: il, immLo: ml, width: ih - il + 1 });
    immMask |= ((1 << (mh - ml + 1)) - 1) << ml;
  }
  return { pieces, signed: layout.signed, topBit: layout.topBit, immMask };
}

const parsedImmediates = new Map<CompressedImmediate, ParsedImmediate>();
/** The parsed layout of an RVC immediate. */
export function compressedImmediate(name: CompressedImmediate): ParsedImmediate {
  let p = parsedImmediates.get(name);
  if (p === undefined) {
    p = parseImmediate(name);
    parsedImmediates.set(name, p);
  }
  return p;
}

/** Extracts an RVC immediate from a parcel. */
export function extractImmediate(layout: ParsedImmediate, parcel: number): number {
  let v = 0;
  for (const p of layout.pieces) v |= ((parcel >>> p.instLo) & ((1 << p.width) - 1)) << p.immLo;
  if (layout.signed) {
    const shift = 31 - layout.topBit;
    v = (v << shift) >> shift;
  }
  return v;
}

/** Reads a register operand of a parcel. */
export function extractRegister(reg: CompressedRegister | undefined, parcel: number): number {
  switch (reg) {
    case undefined:
      return 0;
    case "rd":
    case "rs1":
      return (parcel >>> 7) & 31;
    case "rs2":
      return (parcel >>> 2) & 31;
    case "rd'":
    case "rs2'":
      return 8 + ((parcel >>> 2) & 7);
    case "rs1'":
      return 8 + ((parcel >>> 7) & 7);
    default:
      return reg;
  }
}

/** A 16-bit row prepared for decoding and encoding. */
export interface CompiledCompressedRow {
  readonly index: number;
  readonly spec: CompressedSpec;
  readonly mask: number;
  readonly match: number;
  /** The 32-bit row the parcel expands to. */
  readonly expansion: CompiledRow;
  readonly imm: ParsedImmediate | undefined;
}

/** Every 16-bit row, compiled. */
export const COMPILED_COMPRESSED_ROWS: readonly CompiledCompressedRow[] = COMPRESSED_INSTRUCTIONS.map((spec, index) => {
  const { mask, match } = parsePattern(spec.pattern, 16);
  const expansion = rowByName(spec.expandsTo);
  if (expansion === undefined) throw new Error(`${spec.name} expands to unknown ${spec.expandsTo}`);
  return { index, spec, mask, match, expansion, imm: spec.imm === undefined ? undefined : compressedImmediate(spec.imm) };
});

/** Result of {@link compressedRowIndex} for a parcel no row matches. */
export const NO_ROW = -1;
/** Parcel matches a row but is a reserved encoding of it. */
export const RESERVED = -2;

/** The rows, most specific (most fixed bits) first: the first match wins. */
const BY_SPECIFICITY = [...COMPILED_COMPRESSED_ROWS].sort((a, b) => popcount(b.mask) - popcount(a.mask));

/**
 * Row index of a 16-bit parcel, or {@link NO_ROW} / {@link RESERVED}. The decoder calls it
 * once per distinct parcel (it caches decoded parcels).
 */
export function compressedRowIndex(parcel: number): number {
  let best: CompiledCompressedRow | undefined;
  for (const row of BY_SPECIFICITY) {
    if (((parcel ^ row.match) & row.mask) === 0) {
      best = row;
      break;
    }
  }
  if (best === undefined) return NO_ROW;
  for (const operand of best.spec.nonzero ?? []) {
    const value =
      operand === "imm"
        ? extractImmediate(best.imm!, parcel)
        : extractRegister(best.spec[operand], parcel);
    if (value === 0) return RESERVED;
  }
  return best.index;
}
