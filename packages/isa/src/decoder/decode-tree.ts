import type { CompiledRow } from "./compiled-row.js";
import { popcount } from "./pattern.js";

/**
 * A decision tree over the 32-bit rows, built once at module load. Each inner node
 * switches on one instruction field (opcode, funct3, funct7, ...); a leaf holds the few
 * rows left, most specific first, to be checked with mask/match.
 */
export type DecodeNode =
  | { readonly leaf: false; readonly shift: number; readonly width: number; readonly children: readonly DecodeNode[] }
  | { readonly leaf: true; readonly rows: readonly CompiledRow[] };

/** Fields the tree may switch on, as [shift, width]. */
const SPLIT_FIELDS: readonly (readonly [number, number])[] = [
  [2, 5], // major opcode
  [12, 3], // funct3
  [25, 7], // funct7
  [20, 5], // rs2 / funct5 of unary ops
  [27, 5], // AMO funct5
  [7, 5], // rd
  [15, 5], // rs1
];

/** Stop splitting when a leaf has at most this many rows: a short linear scan is cheaper. */
const LEAF_SIZE = 2;

/** The rows of `rows` under each value of the field [shift, shift + width). */
function partition(rows: readonly CompiledRow[], shift: number, width: number): CompiledRow[][] {
  const fieldMask = (((1 << width) - 1) << shift) >>> 0;
  const children: CompiledRow[][] = Array.from({ length: 1 << width }, () => []);
  for (const row of rows) {
    if ((row.mask & fieldMask) === fieldMask) {
      children[(row.match >>> shift) & ((1 << width) - 1)]!.push(row);
    } else {
      // The row leaves (part of) this field free: it belongs under every value it allows.
      for (let v = 0; v < 1 << width; v++) {
        if ((((v << shift) ^ row.match) & row.mask & fieldMask) === 0) children[v]!.push(row);
      }
    }
  }
  return children;
}

/** Counts per value of the field (the sizes {@link partition} would give, without building it). */
const counts = new Int32Array(128);

/** The size of the largest child if `rows` were split on the field [shift, shift + width). */
function largestChild(rows: readonly CompiledRow[], shift: number, width: number): number {
  const fieldMask = (((1 << width) - 1) << shift) >>> 0;
  const n = 1 << width;
  counts.fill(0, 0, n);
  for (const row of rows) {
    if ((row.mask & fieldMask) === fieldMask) {
      counts[(row.match >>> shift) & (n - 1)]!++;
    } else {
      for (let v = 0; v < n; v++) {
        if ((((v << shift) ^ row.match) & row.mask & fieldMask) === 0) counts[v]!++;
      }
    }
  }
  let largest = 0;
  for (let v = 0; v < n; v++) if (counts[v]! > largest) largest = counts[v]!;
  return largest;
}

function build(rows: readonly CompiledRow[], used: number): DecodeNode {
  if (rows.length > LEAF_SIZE) {
    // Choose the field whose largest child is smallest (sizes counted first; only the
    // chosen split is built: at module load this is most of the decoder's set-up).
    let best: { shift: number; width: number; largest: number } | undefined;
    for (const [shift, width] of SPLIT_FIELDS) {
      const fieldMask = (((1 << width) - 1) << shift) >>> 0;
      if ((used & fieldMask) !== 0) continue;
      const largest = largestChild(rows, shift, width);
      if (largest < rows.length && (best === undefined || largest < best.largest)) {
        best = { shift, width, largest };
      }
    }
    if (best !== undefined) {
      const fieldMask = (((1 << best.width) - 1) << best.shift) >>> 0;
      return {
        leaf: false,
        shift: best.shift,
        width: best.width,
        children: partition(rows, best.shift, best.width).map((c) => build(c, (used | fieldMask) >>> 0)),
      };
    }
  }
  return { leaf: true, rows: [...rows].sort((a, b) => popcount(b.mask) - popcount(a.mask)) };
}

/** Builds the decode tree of a set of rows. */
export function buildDecodeTree(rows: readonly CompiledRow[]): DecodeNode {
  return build(rows, 0b11);
}

/** Finds the most specific row matching a 32-bit word, or undefined. */
export function lookup(tree: DecodeNode, word: number): CompiledRow | undefined {
  let node = tree;
  while (!node.leaf) node = node.children[(word >>> node.shift) & ((1 << node.width) - 1)]!;
  for (const row of node.rows) if (((word ^ row.match) & row.mask) === 0) return row;
  return undefined;
}
