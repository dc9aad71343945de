/**
 * The interpreted form of a TB (tier 0), shared by its encoder (interp-encode.ts) and the
 * interpreter that runs it (interp-module.ts).
 *
 * An interpreted TB is the TB's IR (after the same front end and copy coalescing as a
 * compiled TB) flattened into i32 words in the TB's code-buffer space (tb/region.ts, so
 * it lives and dies with the TB: tb_flush resets it, a TB lost to a race gives it back).
 * One interpreter function per worker, with the TB ABI `(env, self) -> exit`, runs every
 * interpreted TB: the worker's table holds it at the TB's index, so the hash table, jump
 * caches, chaining, page lists, invalidation and tb_flush treat interpreted and compiled
 * TBs alike, and tier-up is only a table entry changing to compiled code.
 *
 * Layout (byte offsets from the TB's code start, little-endian):
 *
 * | offset | field |
 * |--------|-------|
 * | 0  | {@link INTERP_MAGIC} (compiled TBs' code-buffer space is zeros) |
 * | 4  | execution counter (the interpreter increments it at each entry) |
 * | 8  | tier flags ({@link TIER_QUEUED}, {@link TIER_COMPILED}) |
 * | 12 | bytes of the constant pool |
 * | 16 | offset of the constant pool |
 * | 20 | guest instructions of the TB |
 * | 24 | reserved |
 * | {@link INTERP_HEADER} | ops: a handler number, then its operand words |
 * | constant pool | the TB's constants, 8 bytes each, copied into the frame at entry |
 *
 * There is no op for `insn_start`: an op that can leave with the pc of its instruction
 * (a guest access or atomic: fault or SMC exit; a call: a noreturn helper) carries that
 * pc in its last two words, so the interpreter spends no dispatch per guest instruction.
 *
 * Operands are byte offsets from `env` (the vCPU block): a global is its CPU-state
 * field (`CTRL_BYTES + offset`); temps and constants are 8-byte slots of the vCPU's
 * interpreter frame, which follows the CPU state ({@link interpFrameOffset}). i32 values
 * occupy the low 4 bytes of a slot. Branch targets are byte offsets from the code start.
 *
 * @module
 */
import { CONDS } from "../../ir/cond.js";
import { CTRL_BYTES } from "./lower-abi.js";

/** Header word 0 of an interpreted TB. */
export const INTERP_MAGIC = 0x30_49_52_54; // "TRI0"
/** Header byte offsets. */
export const InterpHeader = { MAGIC: 0, COUNT: 4, TIER: 8, CONST_BYTES: 12, CONST_OFF: 16, ICOUNT: 20 } as const;
/** Bytes of the header; the first op follows. */
export const INTERP_HEADER = 32;
/** Tier flag: the TB is queued for compilation (set once, by the worker that queues it). */
export const TIER_QUEUED = 1;
/** Tier flag: a compiled module for the TB is published. */
export const TIER_COMPILED = 2;

/** Frame slots per vCPU (8 bytes each): constants, temps and a discard slot of one TB. TBs needing more are compiled instead. */
export const INTERP_FRAME_SLOTS = 1024;
/** Bytes of a vCPU's interpreter area: two counters, then the frame. */
export const INTERP_AREA_BYTES = 16 + INTERP_FRAME_SLOTS * 8;
/** Offset in the interpreter area of the i64 count of guest instructions in interpreted TBs entered. */
export const INTERP_INSNS = 0;
/** Offset in the interpreter area of the frame. */
export const INTERP_FRAME = 16;

/** Offset from `env` of the vCPU's interpreter area (after a CPU state of `stateSize` bytes). */
export function interpAreaOffset(stateSize: number): number {
  return (CTRL_BYTES + stateSize + 15) & ~15;
}

/** Offset from `env` of the interpreter frame. */
export function interpFrameOffset(stateSize: number): number {
  return interpAreaOffset(stateSize) + INTERP_FRAME;
}

const UNARY = [
  "neg", "not", "clz", "ctz", "ctpop", "bswap16", "bswap32", "bswap64", "ext8s", "ext8u", "ext16s", "ext16u",
  "ext32s", "ext32u", "ext_i32_i64", "extu_i32_i64", "extrl_i64_i32", "extrh_i64_i32",
] as const;
const BINARY = [
  "add", "sub", "mul", "mulsh", "muluh", "div", "divu", "rem", "remu", "and", "or", "xor", "andc", "orc", "eqv",
  "nand", "nor", "shl", "shr", "sar", "rotl", "rotr",
] as const;
const HOST_LD = ["ld8u", "ld8s", "ld16u", "ld16s", "ld32u", "ld32s", "ld"] as const;
const HOST_ST = ["st8", "st16", "st32", "st"] as const;
const ATOMICS = [
  "atomic_cmpxchg", "atomic_xchg", "atomic_fetch_add", "atomic_fetch_and", "atomic_fetch_or", "atomic_fetch_xor",
  "atomic_fetch_smin", "atomic_fetch_smax", "atomic_fetch_umin", "atomic_fetch_umax",
] as const;

/** Which ops of each type are valid (mnemonics of one width only). */
function typesOf(opc: string): readonly ("i32" | "i64")[] {
  if (opc === "bswap64" || opc === "ext32s" || opc === "ext32u" || opc === "ld32u" || opc === "ld32s" || opc === "st32") return ["i64"];
  if (opc === "ext_i32_i64" || opc === "extu_i32_i64" || opc === "extrl_i64_i32" || opc === "extrh_i64_i32") return ["i64"];
  return ["i32", "i64"];
}

/**
 * Memops the interpreter has handlers for: every size and signedness, alignment none
 * or natural (what the RISC-V front end emits). Anything else makes a TB compiled-only.
 */
export function interpMemops(type: "i32" | "i64", store: boolean): number[] {
  const out: number[] = [];
  for (let lg = 0; lg < (type === "i32" ? 3 : 4); lg++) {
    for (const signed of store ? [0] : [0, 4]) {
      if (lg === (type === "i32" ? 2 : 3) && signed !== 0) continue; // full width: sign is moot
      out.push(lg | signed);
      if (lg > 0) out.push(lg | signed | ((lg + 1) << 3));
    }
  }
  return out;
}

/** The memop an op's handler is keyed by (full-width loads ignore signedness; stores always do). */
export function canonicalMemop(type: "i32" | "i64", m: number, store: boolean): number {
  const lg = m & 3;
  if (store || lg === (type === "i32" ? 2 : 3)) return m & ~4;
  return m;
}

/** The handler kinds, in handler-number order. */
export interface HandlerSpec {
  /** Key: the op and what the handler is specialized for. */
  readonly key: string;
  /** Words of the op, handler number included. */
  readonly words: number;
}

let specs: HandlerSpec[] | undefined;
let index: Map<string, number> | undefined;

/** Every handler, in handler-number order (the encoder and the interpreter share it). */
export function interpHandlers(): readonly HandlerSpec[] {
  if (specs !== undefined) return specs;
  const s: HandlerSpec[] = [];
  const add = (key: string, words: number): void => { s.push({ key, words }); };
  for (const t of ["i32", "i64"] as const) {
    add(`mov_${t}`, 3);
    for (const o of UNARY) if (typesOf(o).includes(t)) add(`${o}_${t}`, 3);
    for (const o of BINARY) add(`${o}_${t}`, 4);
    add(`extract_${t}`, 5);
    add(`sextract_${t}`, 5);
    add(`deposit_${t}`, 6);
    for (const c of CONDS) {
      add(`setcond_${t}_${c}`, 4);
      add(`movcond_${t}_${c}`, 6);
      add(`brcond_${t}_${c}`, 4);
    }
    for (const o of HOST_LD) if (typesOf(o).includes(t)) add(`${o}_${t}`, 3);
    for (const o of HOST_ST) if (typesOf(o).includes(t)) add(`${o}_${t}`, 3);
    // Ops that can leave with EXIT_PC (faults, SMC, noreturn helpers) end with their instruction's pc (2 words).
    for (const m of interpMemops(t, false)) add(`guest_ld_${t}_${m}`, 5);
    for (const m of interpMemops(t, true)) add(`guest_st_${t}_${m}`, 5);
    for (const o of ATOMICS) {
      for (const lg of t === "i32" ? [2] : [2, 3]) {
        for (const signed of lg === 2 && t === "i64" ? [0, 4] : [0]) add(`${o}_${t}_${lg | signed | ((lg + 1) << 3)}`, o === "atomic_cmpxchg" ? 7 : 6);
      }
    }
  }
  add("br", 2);
  add("goto_tb", 2);
  add("exit_tb", 2);
  add("lookup_and_goto_ptr", 1);
  add("mb", 1);
  for (const ret of ["void", "i32", "i64"]) for (const nr of [0, 1]) add(`call_${ret}_${nr}`, 12);
  specs = s;
  return s;
}

/** The handler number of a key, or undefined when the interpreter has none. */
export function interpHandler(key: string): number | undefined {
  if (index === undefined) {
    index = new Map();
    interpHandlers().forEach((h, i) => index!.set(h.key, i));
  }
  return index.get(key);
}

export { ATOMICS as INTERP_ATOMICS, BINARY as INTERP_BINARY, HOST_LD as INTERP_HOST_LD, HOST_ST as INTERP_HOST_ST, UNARY as INTERP_UNARY };
