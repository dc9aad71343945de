/**
 * Lowering of guest memory accesses: the guest-window check with its precise fault exit,
 * the store-side code-page check (self-modifying code), loads, stores and atomics
 * (0xFE read-modify-write ops; compare-exchange loops for min/max). Functions over a
 * {@link LowerCtx} (the {@link TbLowering} being run).
 *
 * @module
 */
import { memopFields } from "../../ir/memop.js";
import type { Op } from "../../ir/op.js";
import type { Temp } from "../../ir/temp.js";
import type { IrType } from "../../ir/types.js";
import type { WasmLocal } from "./function-builder.js";
import { CTRL_FAULT_ADDR, CTRL_FAULT_INFO, ExitKind, FAULT_ATOMIC, FAULT_MISALIGNED, FAULT_STORE } from "./lower-abi.js";
import type { LowerCtx } from "./lower.js";
import { AtomicRmw, AtomicWidth } from "./opcodes.js";

/**
 * Checks a guest access of `bytes` at `addr` (alignment `align`) and leaves its wasm
 * address (without the window base, which goes in the memarg) in the returned i32 local.
 */
export function guestAddr(c: LowerCtx, addr: Temp, bytes: number, align: number, info: number): WasmLocal {
  const fb = c.fb;
  const w = c.cfg.window;
  const off = c.tmp("i64");
  const wa = c.tmp("i32");
  c.get(addr);
  if (w.lo !== 0n) { fb.i64Const(BigInt.asIntN(64, w.lo)); fb.i64Sub(); }
  fb.localTee(off);
  fb.i64Const(w.size - bytes);
  fb.i64GtU();
  fb.localGet(off);
  fb.i32WrapI64();
  fb.localTee(wa);
  if (align > 1) {
    fb.i32Const(align - 1);
    fb.i32And();
    fb.i32Or();
  } else {
    fb.drop();
  }
  fb.if();
  // Fault path: globals as before the instruction, details in the control block.
  c.writeback(false);
  fb.localGet(c.env);
  if (align > 1) {
    // FAULT_MISALIGNED if the low bits are set.
    fb.i32Const(FAULT_MISALIGNED); fb.i32Const(0);
    fb.localGet(wa); fb.i32Const(align - 1); fb.i32And();
    fb.select();
    if (info !== 0) { fb.i32Const(info); fb.i32Or(); }
  } else {
    fb.i32Const(info);
  }
  fb.i32Store(CTRL_FAULT_INFO);
  fb.localGet(c.env);
  c.get(addr);
  fb.i64Store(CTRL_FAULT_ADDR);
  c.storeExitPc();
  c.returnExit(ExitKind.FAULT);
  fb.end();
  fb.freeLocal(off);
  return wa;
}

/** The notdirty check of a store to wasm-relative address `wa` of `bytes` bytes. */
export function codePageCheck(c: LowerCtx, wa: WasmLocal, bytes: number, aligned: boolean): void {
  const cp = c.cfg.codePages;
  if (cp === undefined) return;
  const fb = c.fb;
  const pageWord = (last: boolean): void => {
    fb.localGet(wa);
    if (last) { fb.i32Const(bytes - 1); fb.i32Add(); }
    fb.i32Const(cp.pageBits);
    fb.i32ShrU();
    fb.i32Const(cp.stride);
    fb.i32Mul();
    fb.i32Load(cp.firstTbAddr);
  };
  pageWord(false);
  // A store that may be misaligned can end on the next page: check that page too.
  if (!aligned && bytes > 1) { pageWord(true); fb.i32Or(); }
  fb.if();
  fb.localGet(c.env);
  fb.localGet(c.self);
  fb.localGet(wa);
  fb.i32Const(bytes);
  c.callRt(c.imports.notdirty, c.imports.notdirtyType);
  fb.if();
  c.writeback(false);
  c.storeExitPc();
  c.returnExit(ExitKind.SMC);
  fb.end();
  fb.end();
}

export function guestLoad(c: LowerCtx, type: IrType, addr: Temp, mop: number, out: Temp): void {
  const fb = c.fb;
  const m = memopFields(mop);
  const bytes = m.size / 8;
  const wa = guestAddr(c, addr, bytes, m.align, 0);
  const base = c.cfg.window.base;
  const al = m.align >= bytes ? Math.log2(bytes) : 0;
  fb.localGet(wa);
  if (type === "i32") {
    switch (m.size) {
      case 8: if (m.signed) fb.i32Load8S(base); else fb.i32Load8U(base); break;
      case 16: if (m.signed) fb.i32Load16S(base, al); else fb.i32Load16U(base, al); break;
      default: fb.i32Load(base, al);
    }
  } else {
    switch (m.size) {
      case 8: if (m.signed) fb.i64Load8S(base); else fb.i64Load8U(base); break;
      case 16: if (m.signed) fb.i64Load16S(base, al); else fb.i64Load16U(base, al); break;
      case 32: if (m.signed) fb.i64Load32S(base, al); else fb.i64Load32U(base, al); break;
      default: fb.i64Load(base, al);
    }
  }
  fb.freeLocal(wa);
  c.set(out);
}

export function guestStore(c: LowerCtx, type: IrType, val: Temp, addr: Temp, mop: number): void {
  const fb = c.fb;
  const m = memopFields(mop);
  const bytes = m.size / 8;
  const wa = guestAddr(c, addr, bytes, m.align, FAULT_STORE);
  codePageCheck(c, wa, bytes, m.align >= bytes);
  const base = c.cfg.window.base;
  const al = m.align >= bytes ? Math.log2(bytes) : 0;
  fb.localGet(wa);
  c.get(val);
  if (type === "i32") {
    switch (m.size) {
      case 8: fb.i32Store8(base); break;
      case 16: fb.i32Store16(base, al); break;
      default: fb.i32Store(base, al);
    }
  } else {
    switch (m.size) {
      case 8: fb.i64Store8(base); break;
      case 16: fb.i64Store16(base, al); break;
      case 32: fb.i64Store32(base, al); break;
      default: fb.i64Store(base, al);
    }
  }
  fb.freeLocal(wa);
}

export function atomic(c: LowerCtx, op: Op, type: IrType): void {
  const fb = c.fb;
  const m = memopFields(op.consts[0]!);
  const bytes = m.size / 8;
  const is32 = type === "i32";
  const wa = guestAddr(c, op.ins[0]!, bytes, bytes, FAULT_ATOMIC | FAULT_STORE);
  codePageCheck(c, wa, bytes, true);
  const base = c.cfg.window.base;
  const width: AtomicWidth = is32
    ? (m.size === 8 ? AtomicWidth.i32x8u : m.size === 16 ? AtomicWidth.i32x16u : AtomicWidth.i32)
    : (m.size === 8 ? AtomicWidth.i64x8u : m.size === 16 ? AtomicWidth.i64x16u : m.size === 32 ? AtomicWidth.i64x32u : AtomicWidth.i64);
  const full = m.size === (is32 ? 32 : 64);
  const mask = (1n << BigInt(m.size)) - 1n;
  const val = op.ins[1]!;
  switch (op.opc) {
    case "atomic_cmpxchg":
      fb.localGet(wa);
      c.get(val);
      if (!full) { c.const(type, mask); if (is32) fb.i32And(); else fb.i64And(); }
      c.get(op.ins[2]!);
      fb.atomicRmw(AtomicRmw.cmpxchg, width, base);
      break;
    case "atomic_xchg": case "atomic_fetch_add": case "atomic_fetch_and": case "atomic_fetch_or": case "atomic_fetch_xor": {
      const rmw = { atomic_xchg: AtomicRmw.xchg, atomic_fetch_add: AtomicRmw.add, atomic_fetch_and: AtomicRmw.and, atomic_fetch_or: AtomicRmw.or, atomic_fetch_xor: AtomicRmw.xor }[op.opc];
      fb.localGet(wa);
      c.get(val);
      fb.atomicRmw(rmw, width, base);
      break;
    }
    default:
      minMaxLoop(c, op.opc, type, width, m.size, wa, val);
  }
  if (m.signed && !full) signExtend(c, type, m.size);
  fb.freeLocal(wa);
  c.set(op.outs[0]!);
}

export function signExtend(c: LowerCtx, type: IrType, size: number): void {
  const fb = c.fb;
  if (type === "i32") { if (size === 8) fb.i32Extend8S(); else fb.i32Extend16S(); }
  else if (size === 8) fb.i64Extend8S();
  else if (size === 16) fb.i64Extend16S();
  else fb.i64Extend32S();
}

/** Pushes `local` brought to `size` bits (sign- or zero-extended to the type). */
export function widthValue(c: LowerCtx, type: IrType, size: number, signed: boolean, l: WasmLocal): void {
  const fb = c.fb;
  fb.localGet(l);
  if (size === (type === "i32" ? 32 : 64)) return;
  if (signed) signExtend(c, type, size);
  else { c.const(type, (1n << BigInt(size)) - 1n); if (type === "i32") fb.i32And(); else fb.i64And(); }
}

/** smin/smax/umin/umax: a compare-exchange loop; leaves the old value on the stack. */
export function minMaxLoop(c: LowerCtx, opc: string, type: IrType, width: AtomicWidth, size: number, wa: WasmLocal, val: Temp): void {
  const fb = c.fb;
  const is32 = type === "i32";
  const base = c.cfg.window.base;
  const signed = opc === "atomic_fetch_smin" || opc === "atomic_fetch_smax";
  const isMin = opc === "atomic_fetch_smin" || opc === "atomic_fetch_umin";
  const v = c.toLocal(val, type);
  const old = c.tmp(type);
  const nv = c.tmp(type);
  fb.loop();
  fb.localGet(wa);
  switch (width) {
    case AtomicWidth.i32: fb.i32AtomicLoad(base); break;
    case AtomicWidth.i64: fb.i64AtomicLoad(base); break;
    case AtomicWidth.i32x8u: fb.i32AtomicLoad8U(base); break;
    case AtomicWidth.i32x16u: fb.i32AtomicLoad16U(base); break;
    case AtomicWidth.i64x8u: fb.i64AtomicLoad8U(base); break;
    case AtomicWidth.i64x16u: fb.i64AtomicLoad16U(base); break;
    default: fb.i64AtomicLoad32U(base);
  }
  fb.localSet(old);
  // new = (old < v) == isMin ? old : v, compared at the access width.
  fb.localGet(old);
  fb.localGet(v);
  widthValue(c, type, size, signed, old);
  widthValue(c, type, size, signed, v);
  c.compare(type, signed ? "lt" : "ltu");
  if (!isMin) fb.i32Eqz();
  fb.select();
  fb.localSet(nv);
  fb.localGet(wa);
  fb.localGet(old);
  fb.localGet(nv);
  fb.atomicRmw(AtomicRmw.cmpxchg, width, base);
  fb.localGet(old);
  if (is32) fb.i32Ne(); else fb.i64Ne();
  fb.brIf(0);
  fb.end();
  fb.localGet(old);
  fb.freeLocal(v);
  fb.freeLocal(nv);
  fb.freeLocal(old);
}
