/**
 * Known bits: which bits of each value are known to be zero (`zmask`) and how many
 * leading bits are copies of the sign bit (`sbits`), computed op by op, and the
 * rewrites they allow: an extension of a value that is already extended becomes a
 * move (RISC-V `sext.w` of a `*w` result, `zext.b` of a byte load, `andi` with a
 * mask that clears nothing). The simplifier also turns a removable op whose result
 * is known to be 0 into `$0`, from the bits {@link outputBits} computes.
 *
 * @module
 */
import { memopFields } from "../ir/memop.js";
import type { Op } from "../ir/op.js";
import type { Temp } from "../ir/temp.js";
import { type IrType, typeBits, typeMask, unsigned } from "../ir/types.js";
import { toMov, type RuleCtx, type RuleResult } from "./rewrite.js";
import type { TempState } from "./temp-state.js";

/** Known bits of a value: may-be-one mask and sign-bit count. */
export interface Bits {
  /** Bits that may be 1. */
  readonly z: bigint;
  /** Leading bits known to equal the sign bit (at least 1). */
  readonly s: number;
}

function lowMask(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

/** Known bits of a value sign-extended from its low `n` bits, given its low bits' zmask. */
function sext(type: IrType, z: bigint, n: number): Bits {
  const low = z & lowMask(n);
  const signMayBeOne = ((low >> BigInt(n - 1)) & 1n) !== 0n;
  return { z: signMayBeOne ? low | (typeMask(type) & ~lowMask(n)) : low, s: typeBits(type) - n + 1 };
}

function loadBits(type: IrType, sizeBits: number, signed: boolean): Bits {
  const w = typeBits(type);
  if (sizeBits >= w) return { z: typeMask(type), s: 1 };
  return signed ? { z: typeMask(type), s: w - sizeBits + 1 } : { z: lowMask(sizeBits), s: 1 };
}

/** Known bits of the output of `op` (inputs already resolved) from the facts in `st`. */
export function outputBits(st: TempState, op: Op): Bits {
  const out = op.outs[0];
  const type: IrType = out?.type ?? "i64";
  const w = typeBits(type);
  const M = typeMask(type);
  const [a, b] = op.ins;
  const za = a ? st.zmask(a) : M;
  const zb = b ? st.zmask(b) : M;
  const sa = a ? st.sbits(a) : 1;
  const sb = b ? st.sbits(b) : 1;
  const shiftCount = (): number | undefined => (b?.kind === "const" ? Number(unsigned(type, b.value) & BigInt(w - 1)) : undefined);
  const unknown: Bits = { z: M, s: 1 };
  switch (op.opc) {
    case "and": return { z: za & zb, s: Math.min(sa, sb) };
    case "or": case "xor": return { z: za | zb, s: Math.min(sa, sb) };
    case "andc": return { z: za, s: Math.min(sa, sb) };
    case "orc": case "eqv": case "nand": case "nor": return { z: M, s: Math.min(sa, sb) };
    case "not": return { z: M, s: sa };
    case "add": case "sub": return { z: M, s: Math.max(1, Math.min(sa, sb) - 1) };
    case "neg": return { z: M, s: Math.max(1, sa - 1) };
    case "ext8u": return { z: za & 0xffn, s: 1 };
    case "ext16u": return { z: za & 0xffffn, s: 1 };
    case "ext32u": return { z: za & 0xffff_ffffn, s: 1 };
    case "ext8s": return sext(type, za, 8);
    case "ext16s": return sext(type, za, 16);
    case "ext32s": return sext(type, za, 32);
    case "extu_i32_i64": return { z: za & 0xffff_ffffn, s: 1 };
    case "ext_i32_i64": {
      const r = sext("i64", za, 32);
      return { z: r.z, s: sa + 32 };
    }
    case "extrl_i64_i32": return { z: za & 0xffff_ffffn, s: Math.max(1, sa - 32) };
    case "extrh_i64_i32": return { z: za >> 32n, s: Math.min(32, sa) };
    case "extract": return { z: (za >> BigInt(op.consts[0] ?? 0)) & lowMask(op.consts[1] ?? 1), s: 1 };
    case "sextract": return sext(type, za >> BigInt(op.consts[0] ?? 0), op.consts[1] ?? 1);
    case "shl": {
      const s = shiftCount();
      return s === undefined ? unknown : { z: (za << BigInt(s)) & M, s: Math.max(1, sa - s) };
    }
    case "shr": {
      const s = shiftCount();
      return s === undefined ? unknown : { z: za >> BigInt(s), s: 1 };
    }
    case "sar": {
      const s = shiftCount();
      if (s === undefined) return { z: M, s: sa };
      const signMayBeOne = ((za >> BigInt(w - 1)) & 1n) !== 0n;
      const hi = signMayBeOne ? M & ~(M >> BigInt(s)) : 0n;
      return { z: (za >> BigInt(s)) | hi, s: Math.min(w, sa + s) };
    }
    case "setcond": return { z: 1n, s: 1 };
    case "clz": case "ctz": case "ctpop": return { z: lowMask(w === 64 ? 7 : 6), s: 1 };
    case "bswap16": return { z: 0xffffn, s: 1 };
    case "bswap32": return { z: 0xffff_ffffn, s: 1 };
    case "movcond": {
      const v1 = op.ins[2];
      const v2 = op.ins[3];
      if (!v1 || !v2) return unknown;
      return { z: st.zmask(v1) | st.zmask(v2), s: Math.min(st.sbits(v1), st.sbits(v2)) };
    }
    case "deposit": {
      const pos = BigInt(op.consts[0] ?? 0);
      const field = lowMask(op.consts[1] ?? 1) << pos;
      return { z: (za & ~field) | ((zb << pos) & field), s: 1 };
    }
    case "remu": return { z: za === 0n ? 0n : lowMask(za.toString(2).length), s: 1 };
    case "ld8u": return loadBits(type, 8, false);
    case "ld8s": return loadBits(type, 8, true);
    case "ld16u": return loadBits(type, 16, false);
    case "ld16s": return loadBits(type, 16, true);
    case "ld32u": return loadBits(type, 32, false);
    case "ld32s": return loadBits(type, 32, true);
    case "guest_ld": case "atomic_cmpxchg": case "atomic_xchg": case "atomic_fetch_add": case "atomic_fetch_and":
    case "atomic_fetch_or": case "atomic_fetch_xor": case "atomic_fetch_smin": case "atomic_fetch_smax":
    case "atomic_fetch_umin": case "atomic_fetch_umax": {
      const m = memopFields(op.consts[0] ?? 0);
      return loadBits(type, m.size, m.signed);
    }
    default:
      return unknown;
  }
}

function zeroExtWidth(op: Op): number | undefined {
  switch (op.opc) {
    case "ext8u": return 8;
    case "ext16u": return 16;
    case "ext32u": return 32;
    case "extract": return op.consts[0] === 0 ? op.consts[1] : undefined;
    default: return undefined;
  }
}

function signExtWidth(op: Op): number | undefined {
  switch (op.opc) {
    case "ext8s": return 8;
    case "ext16s": return 16;
    case "ext32s": return 32;
    case "sextract": return op.consts[0] === 0 ? op.consts[1] : undefined;
    default: return undefined;
  }
}

/** Rewrites justified by known bits. */
export function knownBitsRule(ctx: RuleCtx, op: Op): RuleResult {
  const a: Temp | undefined = op.ins[0];
  const out = op.outs[0];
  if (a === undefined || out === undefined || op.type === undefined) return undefined;
  const w = typeBits(op.type);
  const zn = zeroExtWidth(op);
  if (zn !== undefined && (ctx.st.zmask(a) & ~lowMask(zn)) === 0n) return toMov(op, a);
  const sn = signExtWidth(op);
  if (sn !== undefined && ctx.st.sbits(a) >= w - sn + 1) return toMov(op, a);
  const b = op.ins[1];
  if (op.opc === "and" && b?.kind === "const" && (ctx.st.zmask(a) & ~unsigned(op.type, b.value)) === 0n) return toMov(op, a);
  return undefined;
}
