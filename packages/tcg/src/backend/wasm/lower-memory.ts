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
 * System mode replaces the window by the soft TLB ({@link SoftTlbConfig}, exec/soft-tlb.ts):
 * {@link tlbAddr} probes the entry of the access's page and, on a miss, calls the
 * runtime's slow path, which leaves the TB itself when the access raises; stores that miss
 * are done by the slow path (`rt.tlbStore`), so MMIO and the notdirty invalidation of code
 * pages need no code here. Both tiers emit these same paths.
 *
 * @module
 */
import { memopFields } from "../../ir/memop.js";
import type { Op } from "../../ir/op.js";
import type { Temp } from "../../ir/temp.js";
import type { IrType } from "../../ir/types.js";
import type { WasmLocal } from "./function-builder.js";
import { ACCESS_CODE, ACCESS_NO_READ, ACCESS_NO_WRITE } from "../../tb/page-access.js";
import {
  CTRL_FAULT_ADDR, CTRL_FAULT_INFO, CTRL_SLOW_STATUS, CTRL_TLB_PTR, EXIT_KIND_BITS, ExitKind, FAULT_ATOMIC, FAULT_MISALIGNED, FAULT_SIZE_SHIFT, FAULT_STORE,
} from "./lower-abi.js";
import type { LowerCtx, PageAccessTableRef, SoftTlbConfig } from "./lower.js";
import { AtomicRmw, AtomicWidth, ValType } from "./opcodes.js";

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

/** Bytes per soft-TLB entry (exec/soft-tlb.ts): read tag, write tag (i64), addend (i32). */
export const TLB_ENTRY_BYTES = 32;
/** Offsets in a soft-TLB entry. */
export const TLB_TAG_READ = 0;
export const TLB_TAG_WRITE = 8;
export const TLB_ADDEND = 16;

/** The memarg offset of guest accesses: the window's base, or 0 with the soft TLB (full wasm addresses). */
function memBase(c: LowerCtx): number {
  return c.cfg.softTlb !== undefined ? 0 : c.cfg.window.base;
}

/** A new i32 local holding the address of the soft-TLB entry of `addr`'s page. */
function tlbEntry(c: LowerCtx, t: SoftTlbConfig, addr: Temp): WasmLocal {
  const fb = c.fb;
  const e = c.tmp("i32");
  fb.localGet(c.env);
  fb.i32Load(CTRL_TLB_PTR);
  c.get(addr);
  fb.i32WrapI64();
  fb.i32Const(t.pageBits);
  fb.i32ShrU();
  fb.i32Const((1 << t.entryBits) - 1);
  fb.i32And();
  fb.i32Const(Math.log2(TLB_ENTRY_BYTES));
  fb.i32Shl();
  fb.i32Add();
  fb.localSet(e);
  return e;
}

/**
 * Pushes the i32 "TLB miss" condition of an access of `bytes` at `addr` (alignment
 * `align`) against the entry's tag at `tagOffset`: QEMU's comparison, the page of
 * `addr + bytes - align` with `addr`'s alignment bits, so a misaligned access (when it
 * must be aligned) and one that crosses into the next page both miss.
 */
function tlbMiss(c: LowerCtx, t: SoftTlbConfig, addr: Temp, bytes: number, align: number, e: WasmLocal, tagOffset: number): void {
  const fb = c.fb;
  const a = Math.min(align, bytes);
  c.get(addr);
  if (bytes > a) { fb.i64Const(BigInt(bytes - a)); fb.i64Add(); }
  fb.i64Const(~((1n << BigInt(t.pageBits)) - 1n) | BigInt(a - 1));
  fb.i64And();
  fb.localGet(e);
  fb.i64Load(tagOffset, 3);
  fb.i64Ne();
}

/** Leaves the TB with the exit kind the slow path put in SLOW_STATUS (EXIT_PC already stored). */
function slowExit(c: LowerCtx, kind?: WasmLocal): void {
  const fb = c.fb;
  c.writeback(false);
  fb.localGet(c.self);
  fb.i32Const(EXIT_KIND_BITS);
  fb.i32Shl();
  if (kind !== undefined) fb.localGet(kind);
  else { fb.localGet(c.env); fb.i32Load(CTRL_SLOW_STATUS); }
  fb.i32Or();
  fb.return();
}

/** Pushes the uniform helper ABI's first arguments of a slow-path call: env, self, addr. */
function slowArgs(c: LowerCtx, addr: Temp): void {
  const fb = c.fb;
  c.storeExitPc();
  fb.localGet(c.env);
  fb.localGet(c.self);
  fb.i64ExtendI32U();
  c.get(addr);
}

/**
 * The soft-TLB probe of a load or atomic (`info` FAULT_* bits; atomics need the write
 * tag): a new i32 local with the wasm address of the bytes, from the entry on a hit, from
 * `rt.tlbLoad` on a miss (which may leave the TB).
 */
function tlbAddr(c: LowerCtx, t: SoftTlbConfig, addr: Temp, bytes: number, align: number, info: number): WasmLocal {
  const fb = c.fb;
  const e = tlbEntry(c, t, addr);
  const wa = c.tmp("i32");
  tlbMiss(c, t, addr, bytes, align, e, (info & FAULT_STORE) !== 0 ? TLB_TAG_WRITE : TLB_TAG_READ);
  fb.if(ValType.i32);
  slowArgs(c, addr);
  fb.i64Const(BigInt(info | (bytes << FAULT_SIZE_SHIFT) | (align << ALIGN_SHIFT)));
  fb.i64Const(0n); fb.i64Const(0n); fb.i64Const(0n);
  c.callRt(c.imports.tlbLoad, c.imports.helperType);
  fb.i32WrapI64();
  fb.localTee(wa);
  fb.i32Eqz();
  fb.if();
  slowExit(c);
  fb.end();
  fb.localGet(wa);
  fb.else();
  c.get(addr);
  fb.i32WrapI64();
  fb.localGet(e);
  fb.i32Load(TLB_ADDEND, 2);
  fb.i32Add();
  fb.end();
  fb.localSet(wa);
  fb.freeLocal(e);
  return wa;
}

/** FAULT_INFO-style word of the slow paths: the access's alignment requirement in the bits from here. */
export const ALIGN_SHIFT = 16;

/** A store through the soft TLB: the entry's write tag, else `rt.tlbStore` does it. */
function tlbStore(c: LowerCtx, t: SoftTlbConfig, type: IrType, val: Temp, addr: Temp, bytes: number, align: number, emitStore: (al: number) => void): void {
  const fb = c.fb;
  const e = tlbEntry(c, t, addr);
  tlbMiss(c, t, addr, bytes, align, e, TLB_TAG_WRITE);
  fb.if();
  slowArgs(c, addr);
  c.get(val);
  if (type === "i32") fb.i64ExtendI32U();
  fb.i64Const(BigInt(FAULT_STORE | (bytes << FAULT_SIZE_SHIFT) | (align << ALIGN_SHIFT)));
  fb.i64Const(0n); fb.i64Const(0n);
  c.callRt(c.imports.tlbStore, c.imports.helperType);
  fb.i32WrapI64();
  const k = c.tmp("i32");
  fb.localTee(k);
  fb.if();
  slowExit(c, k);
  fb.end();
  fb.freeLocal(k);
  fb.else();
  c.get(addr);
  fb.i32WrapI64();
  fb.localGet(e);
  fb.i32Load(TLB_ADDEND, 2);
  fb.i32Add();
  c.get(val);
  emitStore(align >= bytes ? Math.log2(bytes) : 0);
  fb.end();
  fb.freeLocal(e);
}

/**
 * Checks a guest access of `bytes` at `addr` (alignment `align`) and leaves its wasm
 * address (without the window base, which goes in the memarg) in the returned i32 local.
 * `deny`: access-table bits that make the access fault here, with a protection check
 * (loads: NO_READ; 0 for stores and atomics, whose permissions {@link codePageCheck} tests).
 */
export function guestAddr(c: LowerCtx, addr: Temp, bytes: number, align: number, info: number, deny = 0): WasmLocal {
  const fb = c.fb;
  if (c.cfg.softTlb !== undefined) return tlbAddr(c, c.cfg.softTlb, addr, bytes, align, info);
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
  if (c.cfg.softTlb !== undefined) return; // code pages have no TLB write entry: the slow path invalidates
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
  const base = memBase(c);
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
  const emit = (base: number, al: number): void => {
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
  };
  if (c.cfg.softTlb !== undefined) {
    tlbStore(c, c.cfg.softTlb, type, val, addr, bytes, m.align, (al) => emit(0, al));
    return;
  }
  const wa = guestAddr(c, addr, bytes, m.align, FAULT_STORE);
  codePageCheck(c, wa, bytes, m.align >= bytes, FAULT_STORE);
  fb.localGet(wa);
  c.get(val);
  emit(c.cfg.window.base, m.align >= bytes ? Math.log2(bytes) : 0);
  fb.freeLocal(wa);
}

export function atomic(c: LowerCtx, op: Op, type: IrType): void {
  const fb = c.fb;
  const m = memopFields(op.consts[0]!);
  const bytes = m.size / 8;
  const is32 = type === "i32";
  const wa = guestAddr(c, op.ins[0]!, bytes, bytes, FAULT_ATOMIC | FAULT_STORE);
  codePageCheck(c, wa, bytes, true, FAULT_ATOMIC | FAULT_STORE);
  const base = memBase(c);
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
  const base = memBase(c);
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
