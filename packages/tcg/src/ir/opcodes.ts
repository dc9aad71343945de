/**
 * The op table: every TCG IR operation, declared once, as data, with its documentation.
 *
 * A row gives the op's base name, which types it exists for, its operands and flags:
 *
 * - `types: "int"` — exists for i32 and i64; the mnemonic gets the suffix (`add_i32`,
 *   `add_i64`) and operands written `T` have that type. `types: "i64"` — exists only as
 *   `<name>_i64`. `types: "none"` — no suffix; operand types are fixed in the row.
 * - `outs` / `ins` — output and input temps (`T`, `i32` or `i64`). Ops with the
 *   `VARIADIC` flag (`call`) take their operand lists from the helper signature.
 * - `consts` — compile-time operands stored as numbers in `Op.consts`, with a kind
 *   that fixes their text form: `cond` (`lt`), `label` (`L3`), `memop` (`s32:al`),
 *   `imm` (decimal), `offset` (hex byte offset in the CPU state), `mb` (`ld_ld|st_st`),
 *   `helper` (a helper name).
 *
 * Semantics that differ from "the obvious": shift and rotate counts are taken modulo
 * the width; `clz`/`ctz` of zero give the width; division ops have RISC-V's total
 * semantics (x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0), so the front end emits one
 * op and the back end supplies the checks that WebAssembly's trapping division needs.
 *
 * @module
 */

/** The op ends a basic block: bb temps die here (except across `brcond`'s fall-through). */
export const BB_END = 1;
/** The op may leave the TB: all globals must be up to date in the CPU state. */
export const BB_EXIT = 2;
/** Control never falls through to the next op (only a label may follow usefully). */
export const NO_FALLTHROUGH = 4;
/** A conditional branch to the label in its consts. */
export const COND_BRANCH = 8;
/** Must be kept even if its outputs are unused. */
export const SIDE_EFFECTS = 16;
/** A helper call; its real effects come from the helper's flags. */
export const CALL = 32;
/** May raise a guest exception: globals must be up to date in the CPU state before it. */
export const CAN_FAULT = 64;
/** Operand lists are not fixed by the row (see `call`). */
export const VARIADIC = 128;

/** Types an op exists for. */
export type OpTypes = "int" | "i64" | "none";
/** Type of an operand: the op's type (`T`) or a fixed type. */
export type OperandType = "T" | "i32" | "i64";
/** Kind of a compile-time operand; fixes its text form and what the verifier checks. */
export type ConstKind = "cond" | "label" | "memop" | "imm" | "offset" | "mb" | "helper";

/** One row of the op table. */
export interface OpDef {
  /** Base name; the mnemonic is `name` or `name_i32`/`name_i64`. */
  readonly name: string;
  /** Which types the op exists for. */
  readonly types: OpTypes;
  /** Output operands. */
  readonly outs: readonly OperandType[];
  /** Input operands. */
  readonly ins: readonly OperandType[];
  /** Compile-time operands, with their names (for docs and errors). */
  readonly consts: readonly (readonly [string, ConstKind])[];
  /** Bitwise OR of the flags above. */
  readonly flags: number;
  /** What the op does. */
  readonly doc: string;
}

const T = "T";
const binT = { types: "int", outs: [T], ins: [T, T], consts: [], flags: 0 } as const;
const unT = { types: "int", outs: [T], ins: [T], consts: [], flags: 0 } as const;
const un64 = { types: "i64", outs: [T], ins: [T], consts: [], flags: 0 } as const;
const hostLd = { outs: [T], ins: [], consts: [["offset", "offset"]], flags: 0 } as const;
const hostSt = { outs: [], ins: [T], consts: [["offset", "offset"]], flags: SIDE_EFFECTS } as const;
const amo = { types: "int", outs: [T], ins: ["i64", T], consts: [["memop", "memop"]], flags: SIDE_EFFECTS | CAN_FAULT } as const;

/** The op table. */
export const OP_TABLE = [
  // ---- data movement and bookkeeping
  { name: "mov", ...unT, doc: "out = in." },
  { name: "discard", types: "int", outs: [T], ins: [], consts: [], flags: 0, doc: "The output's value is dead from here on (a liveness hint; emits nothing)." },
  { name: "insn_start", types: "none", outs: [], ins: ["i64"], consts: [], flags: SIDE_EFFECTS, doc: "Start of the guest instruction at the constant pc `in`; used to report exceptions precisely." },

  // ---- arithmetic
  { name: "add", ...binT, doc: "out = a + b (wrapping)." },
  { name: "sub", ...binT, doc: "out = a - b (wrapping)." },
  { name: "neg", ...unT, doc: "out = -a (wrapping)." },
  { name: "mul", ...binT, doc: "out = low half of a * b." },
  { name: "mulsh", ...binT, doc: "out = high half of the signed double-width product a * b." },
  { name: "muluh", ...binT, doc: "out = high half of the unsigned double-width product a * b." },
  { name: "div", ...binT, doc: "Signed a / b rounded toward zero; b = 0 gives -1, MIN / -1 gives MIN (RISC-V div)." },
  { name: "divu", ...binT, doc: "Unsigned a / b; b = 0 gives all ones (RISC-V divu)." },
  { name: "rem", ...binT, doc: "Signed remainder with the sign of a; b = 0 gives a, MIN % -1 gives 0 (RISC-V rem)." },
  { name: "remu", ...binT, doc: "Unsigned remainder; b = 0 gives a (RISC-V remu)." },

  // ---- logic
  { name: "and", ...binT, doc: "out = a & b." },
  { name: "or", ...binT, doc: "out = a | b." },
  { name: "xor", ...binT, doc: "out = a ^ b." },
  { name: "not", ...unT, doc: "out = ~a." },
  { name: "andc", ...binT, doc: "out = a & ~b." },
  { name: "orc", ...binT, doc: "out = a | ~b." },
  { name: "eqv", ...binT, doc: "out = ~(a ^ b)." },
  { name: "nand", ...binT, doc: "out = ~(a & b)." },
  { name: "nor", ...binT, doc: "out = ~(a | b)." },

  // ---- shifts and rotates (count modulo the width)
  { name: "shl", ...binT, doc: "out = a << (b mod width)." },
  { name: "shr", ...binT, doc: "out = a >>> (b mod width) (logical)." },
  { name: "sar", ...binT, doc: "out = a >> (b mod width) (arithmetic)." },
  { name: "rotl", ...binT, doc: "out = a rotated left by b mod width." },
  { name: "rotr", ...binT, doc: "out = a rotated right by b mod width." },

  // ---- bit counting and byte swaps
  { name: "clz", ...unT, doc: "Count of leading zero bits; the width if a = 0." },
  { name: "ctz", ...unT, doc: "Count of trailing zero bits; the width if a = 0." },
  { name: "ctpop", ...unT, doc: "Count of one bits." },
  { name: "bswap16", ...unT, doc: "Swap the two low bytes; the result is zero-extended from 16 bits." },
  { name: "bswap32", ...unT, doc: "Swap the four low bytes; the result is zero-extended from 32 bits." },
  { name: "bswap64", ...un64, doc: "Swap all eight bytes." },

  // ---- extensions and bit fields
  { name: "ext8s", ...unT, doc: "Sign-extend the low 8 bits." },
  { name: "ext8u", ...unT, doc: "Zero-extend the low 8 bits." },
  { name: "ext16s", ...unT, doc: "Sign-extend the low 16 bits." },
  { name: "ext16u", ...unT, doc: "Zero-extend the low 16 bits." },
  { name: "ext32s", ...un64, doc: "Sign-extend the low 32 bits (RISC-V sext.w)." },
  { name: "ext32u", ...un64, doc: "Zero-extend the low 32 bits." },
  { name: "ext_i32_i64", types: "none", outs: ["i64"], ins: ["i32"], consts: [], flags: 0, doc: "Sign-extend an i32 to i64." },
  { name: "extu_i32_i64", types: "none", outs: ["i64"], ins: ["i32"], consts: [], flags: 0, doc: "Zero-extend an i32 to i64." },
  { name: "extrl_i64_i32", types: "none", outs: ["i32"], ins: ["i64"], consts: [], flags: 0, doc: "The low 32 bits of an i64." },
  { name: "extrh_i64_i32", types: "none", outs: ["i32"], ins: ["i64"], consts: [], flags: 0, doc: "The high 32 bits of an i64." },
  { name: "extract", types: "int", outs: [T], ins: [T], consts: [["pos", "imm"], ["len", "imm"]], flags: 0, doc: "Unsigned bit field: (a >>> pos) & (2^len - 1); 1 <= len, pos + len <= width." },
  { name: "sextract", types: "int", outs: [T], ins: [T], consts: [["pos", "imm"], ["len", "imm"]], flags: 0, doc: "Signed bit field: bits pos..pos+len-1 of a, sign-extended." },
  { name: "deposit", types: "int", outs: [T], ins: [T, T], consts: [["pos", "imm"], ["len", "imm"]], flags: 0, doc: "a with bits pos..pos+len-1 replaced by the low len bits of b." },

  // ---- comparisons
  { name: "setcond", types: "int", outs: [T], ins: [T, T], consts: [["cond", "cond"]], flags: 0, doc: "out = (a cond b) ? 1 : 0." },
  { name: "movcond", types: "int", outs: [T], ins: [T, T, T, T], consts: [["cond", "cond"]], flags: 0, doc: "out = (c1 cond c2) ? v1 : v2; ins are c1, c2, v1, v2." },

  // ---- control flow (forward branches only; see README)
  { name: "set_label", types: "none", outs: [], ins: [], consts: [["label", "label"]], flags: BB_END, doc: "Define a label: the target of earlier br/brcond ops." },
  { name: "br", types: "none", outs: [], ins: [], consts: [["label", "label"]], flags: BB_END | NO_FALLTHROUGH, doc: "Jump forward to a label." },
  { name: "brcond", types: "int", outs: [], ins: [T, T], consts: [["cond", "cond"], ["label", "label"]], flags: BB_END | COND_BRANCH, doc: "Jump forward to the label if a cond b, else fall through." },
  { name: "goto_tb", types: "none", outs: [], ins: [], consts: [["slot", "imm"]], flags: BB_END | BB_EXIT | SIDE_EFFECTS, doc: "Jump slot 0 or 1: if chained, continue in the destination TB; else fall through (to code that sets pc and does exit_tb)." },
  { name: "exit_tb", types: "none", outs: [], ins: [], consts: [["code", "imm"]], flags: BB_END | BB_EXIT | NO_FALLTHROUGH | SIDE_EFFECTS, doc: "Return to the cpu-exec loop with a code (the goto_tb slot that was not chained, or another exit reason)." },
  { name: "lookup_and_goto_ptr", types: "none", outs: [], ins: [], consts: [], flags: BB_END | BB_EXIT | NO_FALLTHROUGH | SIDE_EFFECTS, doc: "Look up the TB for the pc in the CPU state and continue there (or return to the loop on a miss)." },

  // ---- CPU-state (host) loads and stores; must not touch a declared global's bytes
  { name: "ld8u", types: "int", ...hostLd, doc: "Load 8 bits of the CPU state at offset, zero-extended." },
  { name: "ld8s", types: "int", ...hostLd, doc: "Load 8 bits of the CPU state at offset, sign-extended." },
  { name: "ld16u", types: "int", ...hostLd, doc: "Load 16 bits of the CPU state at offset, zero-extended." },
  { name: "ld16s", types: "int", ...hostLd, doc: "Load 16 bits of the CPU state at offset, sign-extended." },
  { name: "ld32u", types: "i64", ...hostLd, doc: "Load 32 bits of the CPU state at offset, zero-extended." },
  { name: "ld32s", types: "i64", ...hostLd, doc: "Load 32 bits of the CPU state at offset, sign-extended." },
  { name: "ld", types: "int", ...hostLd, doc: "Load a full-width value of the CPU state at offset." },
  { name: "st8", types: "int", ...hostSt, doc: "Store the low 8 bits to the CPU state at offset." },
  { name: "st16", types: "int", ...hostSt, doc: "Store the low 16 bits to the CPU state at offset." },
  { name: "st32", types: "i64", ...hostSt, doc: "Store the low 32 bits to the CPU state at offset." },
  { name: "st", types: "int", ...hostSt, doc: "Store a full-width value to the CPU state at offset." },

  // ---- guest memory
  { name: "guest_ld", types: "int", outs: [T], ins: ["i64"], consts: [["memop", "memop"]], flags: SIDE_EFFECTS | CAN_FAULT, doc: "Load from the guest address, extended to T as the MemOp says." },
  { name: "guest_st", types: "int", outs: [], ins: [T, "i64"], consts: [["memop", "memop"]], flags: SIDE_EFFECTS | CAN_FAULT, doc: "Store the low bits of the value (first input) to the guest address (second input)." },
  { name: "atomic_cmpxchg", types: "int", outs: [T], ins: ["i64", T, T], consts: [["memop", "memop"]], flags: SIDE_EFFECTS | CAN_FAULT, doc: "Atomically: old = [addr]; if old == cmp (low MemOp bits) then [addr] = new; out = old extended. ins: addr, cmp, new." },
  { name: "atomic_xchg", ...amo, doc: "Atomically: out = [addr]; [addr] = val." },
  { name: "atomic_fetch_add", ...amo, doc: "Atomically: out = [addr]; [addr] = out + val." },
  { name: "atomic_fetch_and", ...amo, doc: "Atomically: out = [addr]; [addr] = out & val." },
  { name: "atomic_fetch_or", ...amo, doc: "Atomically: out = [addr]; [addr] = out | val." },
  { name: "atomic_fetch_xor", ...amo, doc: "Atomically: out = [addr]; [addr] = out ^ val." },
  { name: "atomic_fetch_smin", ...amo, doc: "Atomically: out = [addr]; [addr] = signed min(out, val) at the access size." },
  { name: "atomic_fetch_smax", ...amo, doc: "Atomically: out = [addr]; [addr] = signed max(out, val) at the access size." },
  { name: "atomic_fetch_umin", ...amo, doc: "Atomically: out = [addr]; [addr] = unsigned min(out, val) at the access size." },
  { name: "atomic_fetch_umax", ...amo, doc: "Atomically: out = [addr]; [addr] = unsigned max(out, val) at the access size." },
  { name: "mb", types: "none", outs: [], ins: [], consts: [["order", "mb"]], flags: SIDE_EFFECTS, doc: "Memory barrier ordering the accesses named by the MB_* bits." },

  // ---- helper calls
  { name: "call", types: "none", outs: [], ins: [], consts: [["helper", "helper"]], flags: CALL | VARIADIC, doc: "Call a helper; outs and ins follow its signature, effects follow its flags." },
] as const satisfies readonly OpDef[];

/** The base name of an op. */
export type OpName = (typeof OP_TABLE)[number]["name"];

/** Op rows by base name. */
export const OPS: Readonly<Record<OpName, OpDef>> = Object.fromEntries(OP_TABLE.map((r) => [r.name, r])) as unknown as Record<OpName, OpDef>;

/** Whether `name` is the base name of an op. */
export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(OPS, name);
}

/** Memory-barrier bit: earlier loads before later loads. */
export const MB_LD_LD = 1;
/** Memory-barrier bit: earlier stores before later loads. */
export const MB_ST_LD = 2;
/** Memory-barrier bit: earlier loads before later stores. */
export const MB_LD_ST = 4;
/** Memory-barrier bit: earlier stores before later stores. */
export const MB_ST_ST = 8;
/** All four ordering bits (a full fence). */
export const MB_ALL = 15;
/** Memory-barrier bit: sequentially consistent (in addition to the ordering bits). */
export const MB_SC = 16;
/** Memory-barrier bit: acquire semantics (for lr/amo .aq). */
export const MB_ACQ = 32;
/** Memory-barrier bit: release semantics (for sc/amo .rl). */
export const MB_REL = 64;

/** Text names of the memory-barrier bits, in bit order. */
export const MB_NAMES: readonly (readonly [number, string])[] = [
  [MB_LD_LD, "ld_ld"], [MB_ST_LD, "st_ld"], [MB_LD_ST, "ld_st"], [MB_ST_ST, "st_st"],
  [MB_SC, "sc"], [MB_ACQ, "acq"], [MB_REL, "rel"],
];
