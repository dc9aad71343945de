/**
 * The IR reference interpreter — a test and debugging tool, not an execution engine.
 *
 * It runs one {@link IrFunc} over a CPU-state `DataView` (globals live at their
 * offsets, little-endian) and a guest memory model, one op at a time on bigints.
 * Tests use it to check that optimizer passes preserve semantics: run a program
 * before and after optimization on the same inputs and compare the final state,
 * memory and exit.
 *
 * @module
 */
import { evalValueOp, VALUE_OPS } from "./eval.js";
import type { IrFunc } from "./func.js";
import { HELPER_NO_RETURN } from "./helper.js";
import { memopFields } from "./memop.js";
import type { Op } from "./op.js";
import type { Temp } from "./temp.js";
import { canon, type IrType, unsigned } from "./types.js";
import { hostAccessBytes } from "./verify.js";

/** Guest memory as the interpreter sees it. Values are unsigned, little-endian. */
export interface GuestMemoryModel {
  /** Read `bytes` bytes at `addr`; undefined means the access faults. */
  load(addr: bigint, bytes: 1 | 2 | 4 | 8): bigint | undefined;
  /** Write the low `bytes` bytes of `value` at `addr`; false means the access faults. */
  store(addr: bigint, bytes: 1 | 2 | 4 | 8, value: bigint): boolean;
}

/** A flat guest memory: `bytes` mapped at guest address `base`; anything else faults. */
export class FlatGuestMemory implements GuestMemoryModel {
  /**
   * @param base Guest address of `bytes[0]`.
   * @param bytes The memory contents (modified by stores).
   */
  constructor(readonly base: bigint, readonly bytes: Uint8Array) {}

  private index(addr: bigint, n: number): number | undefined {
    const off = addr - this.base;
    if (off < 0n || off + BigInt(n) > BigInt(this.bytes.length)) return undefined;
    return Number(off);
  }

  /** @inheritdoc */
  load(addr: bigint, bytes: 1 | 2 | 4 | 8): bigint | undefined {
    const i = this.index(addr, bytes);
    if (i === undefined) return undefined;
    let v = 0n;
    for (let k = bytes - 1; k >= 0; k--) v = (v << 8n) | BigInt(this.bytes[i + k] ?? 0);
    return v;
  }

  /** @inheritdoc */
  store(addr: bigint, bytes: 1 | 2 | 4 | 8, value: bigint): boolean {
    const i = this.index(addr, bytes);
    if (i === undefined) return false;
    for (let k = 0; k < bytes; k++) this.bytes[i + k] = Number((value >> BigInt(8 * k)) & 0xffn);
    return true;
  }
}

/** How an interpreted TB ended. */
export type InterpExit =
  | { readonly kind: "exit_tb"; readonly code: number }
  | { readonly kind: "goto_tb"; readonly slot: number }
  | { readonly kind: "lookup_and_goto_ptr" }
  | { readonly kind: "fault"; readonly addr: bigint; readonly pc: bigint | undefined; readonly misaligned: boolean }
  | { readonly kind: "noreturn"; readonly helper: string }
  | { readonly kind: "end" };

/** Inputs of {@link referenceInterpret}. */
export interface InterpEnv {
  /** The CPU state; globals are read and written here. */
  readonly state: DataView;
  /** Guest memory. */
  readonly memory: GuestMemoryModel;
  /** Whether `goto_tb` slot `n` is chained (default: no, so it falls through). */
  readonly chained?: (slot: number) => boolean;
}

function readState(state: DataView, off: number, bytes: number, signed: boolean): bigint {
  switch (bytes) {
    case 1: return BigInt(signed ? state.getInt8(off) : state.getUint8(off));
    case 2: return BigInt(signed ? state.getInt16(off, true) : state.getUint16(off, true));
    case 4: return BigInt(signed ? state.getInt32(off, true) : state.getUint32(off, true));
    default: return signed ? state.getBigInt64(off, true) : state.getBigUint64(off, true);
  }
}

function writeState(state: DataView, off: number, bytes: number, v: bigint): void {
  switch (bytes) {
    case 1: state.setUint8(off, Number(BigInt.asUintN(8, v))); break;
    case 2: state.setUint16(off, Number(BigInt.asUintN(16, v)), true); break;
    case 4: state.setUint32(off, Number(BigInt.asUintN(32, v)), true); break;
    default: state.setBigUint64(off, BigInt.asUintN(64, v), true);
  }
}

function amoCompute(opc: string, old: bigint, val: bigint, bits: number): bigint {
  const so = BigInt.asIntN(bits, old);
  const sv = BigInt.asIntN(bits, val);
  const uo = BigInt.asUintN(bits, old);
  const uv = BigInt.asUintN(bits, val);
  switch (opc) {
    case "atomic_xchg": return val;
    case "atomic_fetch_add": return old + val;
    case "atomic_fetch_and": return old & val;
    case "atomic_fetch_or": return old | val;
    case "atomic_fetch_xor": return old ^ val;
    case "atomic_fetch_smin": return so < sv ? so : sv;
    case "atomic_fetch_smax": return so > sv ? so : sv;
    case "atomic_fetch_umin": return uo < uv ? uo : uv;
    default: return uo > uv ? uo : uv;
  }
}

/**
 * Run `func` once from its first op on the reference interpreter (a test tool: slow,
 * bigint-based, one op at a time); returns how it ended.
 */
export function referenceInterpret(func: IrFunc, env: InterpEnv): InterpExit {
  const vals: bigint[] = func.temps.map((t) => t.value);
  const labelAt = new Map<number, number>();
  func.ops.forEach((op, i) => {
    if (op.opc === "set_label") labelAt.set(op.consts[0] ?? -1, i);
  });
  const { state, memory } = env;
  let pc: bigint | undefined;

  const get = (t: Temp): bigint => {
    const g = t.global;
    if (g === undefined) return vals[t.id] ?? 0n;
    if (g.hardwiredZero === true) return 0n;
    return readState(state, g.offset, g.type === "i32" ? 4 : 8, true);
  };
  const set = (t: Temp, v: bigint): void => {
    const c = canon(t.type, v);
    const g = t.global;
    if (g === undefined) vals[t.id] = c;
    else if (g.hardwiredZero !== true) writeState(state, g.offset, g.type === "i32" ? 4 : 8, c);
  };
  const fault = (addr: bigint, misaligned: boolean): InterpExit => ({ kind: "fault", addr, pc, misaligned });

  for (let i = 0; i < func.ops.length; i++) {
    const op: Op = func.ops[i] as Op;
    const type: IrType = op.type ?? "i64";
    const out = op.outs[0];
    if (VALUE_OPS.has(op.opc)) {
      const r = evalValueOp(op.opc, type, op.ins.map(get), op.consts);
      if (out) set(out, r);
      continue;
    }
    switch (op.opc) {
      case "discard": case "set_label": case "mb":
        break;
      case "insn_start":
        pc = get(op.ins[0] as Temp);
        break;
      case "br":
        i = labelAt.get(op.consts[0] ?? -1) ?? func.ops.length;
        break;
      case "brcond": {
        const taken = evalValueOp("setcond", type, op.ins.map(get), op.consts) === 1n;
        if (taken) i = labelAt.get(op.consts[1] ?? -1) ?? func.ops.length;
        break;
      }
      case "goto_tb":
        if (env.chained?.(op.consts[0] ?? 0) === true) return { kind: "goto_tb", slot: op.consts[0] ?? 0 };
        break;
      case "exit_tb":
        return { kind: "exit_tb", code: op.consts[0] ?? 0 };
      case "lookup_and_goto_ptr":
        return { kind: "lookup_and_goto_ptr" };
      case "ld8u": case "ld8s": case "ld16u": case "ld16s": case "ld32u": case "ld32s": case "ld": {
        const signed = op.opc.endsWith("s") || op.opc === "ld";
        if (out) set(out, readState(state, op.consts[0] ?? 0, hostAccessBytes(op), signed));
        break;
      }
      case "st8": case "st16": case "st32": case "st":
        writeState(state, op.consts[0] ?? 0, hostAccessBytes(op), get(op.ins[0] as Temp));
        break;
      case "call": {
        const h = func.helpers[op.consts[0] ?? -1];
        if (h?.impl === undefined) throw new Error(`referenceInterpret: helper ${h?.name ?? "?"} has no implementation`);
        const r = h.impl({ state }, op.ins.map(get));
        if ((h.flags & HELPER_NO_RETURN) !== 0) return { kind: "noreturn", helper: h.name };
        if (out) set(out, r ?? 0n);
        break;
      }
      default: {
        // Guest memory: loads, stores and atomics.
        const mop = memopFields(op.consts[0] ?? 0);
        const bytes = (mop.size / 8) as 1 | 2 | 4 | 8;
        const isSt = op.opc === "guest_st";
        const addr = unsigned("i64", get(op.ins[isSt ? 1 : 0] as Temp));
        if (addr % BigInt(mop.align) !== 0n) return fault(addr, true);
        if (isSt) {
          if (!memory.store(addr, bytes, get(op.ins[0] as Temp))) return fault(addr, false);
          break;
        }
        const raw = memory.load(addr, bytes);
        if (raw === undefined) return fault(addr, false);
        const old = mop.signed ? BigInt.asIntN(mop.size, raw) : raw;
        if (op.opc === "atomic_cmpxchg") {
          const cmp = BigInt.asUintN(mop.size, get(op.ins[1] as Temp));
          if (cmp === raw && !memory.store(addr, bytes, get(op.ins[2] as Temp))) return fault(addr, false);
        } else if (op.opc !== "guest_ld") {
          const nv = amoCompute(op.opc, raw, get(op.ins[1] as Temp), mop.size);
          if (!memory.store(addr, bytes, nv)) return fault(addr, false);
        }
        if (out) set(out, old);
      }
    }
  }
  return { kind: "end" };
}
