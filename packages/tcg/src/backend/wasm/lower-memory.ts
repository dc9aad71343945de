/**
 * Lowering of guest memory accesses: the guest-window check with its precise fault exit,
 * the permission check, the store-side code-page check (self-modifying code), loads,
 * stores and atomics (0xFE read-modify-write ops; compare-exchange loops for min/max).
 * Functions over a {@link LowerCtx} (the {@link TbLowering} being run).
 *
 * Permissions are a strategy of the configuration ({@link ProtectionCheck}); with none,
 * every window byte is accessible. The user-mode kind, `"pageTable"`, reads the page
 * access byte (tb/page-access.ts) of each page an access touches (two when the access
 * is not known aligned and may cross a page), at wasm address `table + (wa >> pageBits)`:
 *
 * - loads: `|| (byte & NO_READ)` is one more term of the window check's fault condition,
 *   so a refused load takes the same precise fault exit (the loop finds the refusing page
 *   and whether it is mapped from the address and size in FAULT_INFO). The term is
 *   computed even when the address is outside the window (wasm has no short-circuit `||`):
 *   `wa >> pageBits` is then below 2^(32 - pageBits) and exec-shared.ts keeps that many
 *   bytes readable after the table.
 * - stores and atomics: the code-page check's test becomes `byte & (NO_WRITE | CODE)`
 *   (atomics: `| NO_READ`), the same one load and one test as the code check alone, so a
 *   permitted store to a data page costs nothing extra; `rt.notdirty` then decides
 *   between a fault exit (FAULT_INFO and FAULT_ADDR written by it) and the SMC
 *   invalidation, and returns the exit kind.
 *
 * A softmmu kind will replace the table load by a TLB probe with the same exits.
 *
 * @module
 */
import { memopFields } from "../../ir/memop.js";
import type { Op } from "../../ir/op.js";
import type { Temp } from "../../ir/temp.js";
import type { IrType } from "../../ir/types.js";
import type { WasmLocal } from "./function-builder.js";
import { ACCESS_CODE, ACCESS_NO_READ, ACCESS_NO_WRITE } from "../../tb/page-access.js";
import { CTRL_FAULT_ADDR, CTRL_FAULT_INFO, EXIT_KIND_BITS, ExitKind, FAULT_ATOMIC, FAULT_MISALIGNED, FAULT_SIZE_SHIFT, FAULT_STORE } from "./lower-abi.js";
import type { LowerCtx, PageAccessTableRef } from "./lower.js";
import { AtomicRmw, AtomicWidth } from "./opcodes.js";

/**
 * Pushes the OR of the access bytes of the pages that `bytes` bytes at window offset `wa`
 * touch (one page when `aligned` or a single byte, else the first and the last byte's).
 */
function pageBytes(c: LowerCtx, t: PageAccessTableRef, wa: WasmLocal, bytes: number, aligned: boolean): void {
  const fb = c.fb;
  fb.localGet(wa);
  fb.i32Const(t.pageBits);
  fb.i32ShrU();
  fb.i32Load8U(t.addr);
  if (!aligned && bytes > 1) {
    fb.localGet(wa);
    fb.i32Const(bytes - 1);
    fb.i32Add();
    fb.i32Const(t.pageBits);
    fb.i32ShrU();
    fb.i32Load8U(t.addr);
    fb.i32Or();
  }
}

/**
 * Checks a guest access of `bytes` at `addr` (alignment `align`) and leaves its wasm
 * address (without the window base, which goes in the memarg) in the returned i32 local.
 * `deny`: access-table bits that make the access fault here, with a protection check
 * (loads: NO_READ; 0 for stores and atomics, whose permissions {@link codePageCheck} tests).
 */
export function guestAddr(c: LowerCtx, addr: Temp, bytes: number, align: number, info: number, deny = 0): WasmLocal {
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
  const prot = c.cfg.protection;
  if (deny !== 0 && prot !== undefined) {
    pageBytes(c, prot.table, wa, bytes, align >= bytes);
    fb.i32Const(deny);
    fb.i32And();
    fb.i32Or();
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
    fb.i32Const(info | (bytes << FAULT_SIZE_SHIFT)); fb.i32Or();
  } else {
    fb.i32Const(info | (bytes << FAULT_SIZE_SHIFT));
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

/**
 * The store-side check of a store or atomic (FAULT_INFO bits `info`) of `bytes` bytes at
 * window offset `wa`: one test of the pages' access bytes against CODE (self-modifying
 * code) and, with a protection check, NO_WRITE (atomics: and NO_READ); on a hit,
 * `rt.notdirty` returns the exit kind (0: do the store).
 */
export function codePageCheck(c: LowerCtx, wa: WasmLocal, bytes: number, aligned: boolean, info: number): void {
  const prot = c.cfg.protection;
  const table = c.cfg.codePages ?? prot?.table;
  if (table === undefined) return;
  if (prot !== undefined && c.cfg.codePages !== undefined && prot.table.addr !== c.cfg.codePages.addr) {
    throw new Error("lower: the code-page check and the protection check must share one page access table");
  }
  let mask = c.cfg.codePages !== undefined ? ACCESS_CODE : 0;
  if (prot !== undefined) mask |= ACCESS_NO_WRITE | ((info & FAULT_ATOMIC) !== 0 ? ACCESS_NO_READ : 0);
  const fb = c.fb;
  // A store that may be misaligned can end on the next page: check that page too.
  pageBytes(c, table, wa, bytes, aligned);
  fb.i32Const(mask);
  fb.i32And();
  fb.if();
  const kind = c.tmp("i32");
  fb.localGet(c.env);
  fb.localGet(c.self);
  fb.localGet(wa);
  fb.i32Const(info | (bytes << FAULT_SIZE_SHIFT));
  c.callRt(c.imports.notdirty, c.imports.notdirtyType);
  fb.localTee(kind);
  fb.if();
  c.writeback(false);
  c.storeExitPc();
  fb.localGet(c.self);
  fb.i32Const(EXIT_KIND_BITS);
  fb.i32Shl();
  fb.localGet(kind);
  fb.i32Or();
  fb.return();
  fb.end();
  fb.freeLocal(kind);
  fb.end();
}

export function guestLoad(c: LowerCtx, type: IrType, addr: Temp, mop: number, out: Temp): void {
  const fb = c.fb;
  const m = memopFields(mop);
  const bytes = m.size / 8;
  const wa = guestAddr(c, addr, bytes, m.align, 0, ACCESS_NO_READ);
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
  codePageCheck(c, wa, bytes, m.align >= bytes, FAULT_STORE);
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
  codePageCheck(c, wa, bytes, true, FAULT_ATOMIC | FAULT_STORE);
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
