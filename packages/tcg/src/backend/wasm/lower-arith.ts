/**
 * Lowering of the arithmetic ops that need more than one wasm instruction (high halves of
 * products, RISC-V division, byte swaps, bit fields) and of CPU-state loads and stores.
 * Functions over a {@link LowerCtx} (the {@link TbLowering} being run).
 *
 * @module
 */
import type { IrType } from "../../ir/types.js";
import type { Temp } from "../../ir/temp.js";
import type { WasmLocal } from "./function-builder.js";
import type { LowerCtx } from "./lower.js";

export function not(c: LowerCtx, type: IrType): void {
  if (type === "i32") { c.fb.i32Const(-1); c.fb.i32Xor(); } else { c.fb.i64Const(-1); c.fb.i64Xor(); }
}

/** The two-operand ops {@link binaryOperator} emits. */
export const BINARY_OPERATORS: ReadonlySet<string> = new Set(["add", "sub", "mul", "and", "or", "xor", "andc", "orc", "eqv", "nand", "nor", "shl", "shr", "sar", "rotl", "rotr"]);

/**
 * Emits the operator of a two-operand op in {@link BINARY_OPERATORS} (one wasm instruction,
 * or that and a NOT), with both operands already on the stack. Shared by the lowering and
 * tier 0's interpreter, so both tiers compute these ops with the same code.
 */
export function binaryOperator(c: LowerCtx, opc: string, type: IrType): void {
  const fb = c.fb;
  const is32 = type === "i32";
  switch (opc) {
    case "add": if (is32) fb.i32Add(); else fb.i64Add(); return;
    case "sub": if (is32) fb.i32Sub(); else fb.i64Sub(); return;
    case "mul": if (is32) fb.i32Mul(); else fb.i64Mul(); return;
    case "and": if (is32) fb.i32And(); else fb.i64And(); return;
    case "or": if (is32) fb.i32Or(); else fb.i64Or(); return;
    case "xor": if (is32) fb.i32Xor(); else fb.i64Xor(); return;
    case "andc": not(c, type); if (is32) fb.i32And(); else fb.i64And(); return;
    case "orc": not(c, type); if (is32) fb.i32Or(); else fb.i64Or(); return;
    case "eqv": if (is32) fb.i32Xor(); else fb.i64Xor(); not(c, type); return;
    case "nand": if (is32) fb.i32And(); else fb.i64And(); not(c, type); return;
    case "nor": if (is32) fb.i32Or(); else fb.i64Or(); not(c, type); return;
    case "shl": if (is32) fb.i32Shl(); else fb.i64Shl(); return;
    case "shr": if (is32) fb.i32ShrU(); else fb.i64ShrU(); return;
    case "sar": if (is32) fb.i32ShrS(); else fb.i64ShrS(); return;
    case "rotl": if (is32) fb.i32Rotl(); else fb.i64Rotl(); return;
    case "rotr": if (is32) fb.i32Rotr(); else fb.i64Rotr(); return;
    default: throw new Error(`binaryOperator: ${opc}`);
  }
}

export function mulh(c: LowerCtx, signed: boolean, type: IrType, a: Temp, b: Temp): void {
  const fb = c.fb;
  if (type === "i32") {
    c.get(a);
    if (signed) fb.i64ExtendI32S(); else fb.i64ExtendI32U();
    c.get(b);
    if (signed) fb.i64ExtendI32S(); else fb.i64ExtendI32U();
    fb.i64Mul();
    fb.i64Const(32);
    fb.i64ShrU();
    fb.i32WrapI64();
    return;
  }
  // 64 x 64 -> high 64 from 32-bit limbs.
  const A = c.toLocal(a, "i64");
  const B = c.toLocal(b, "i64");
  const u = c.tmp("i64");
  const v = c.tmp("i64");
  const lo = (l: WasmLocal): void => { fb.localGet(l); fb.i64Const(0xffff_ffffn); fb.i64And(); };
  const hi = (l: WasmLocal): void => { fb.localGet(l); fb.i64Const(32); fb.i64ShrU(); };
  // u = ah*bl + (al*bl >>> 32)
  hi(A); lo(B); fb.i64Mul();
  lo(A); lo(B); fb.i64Mul(); fb.i64Const(32); fb.i64ShrU();
  fb.i64Add(); fb.localSet(u);
  // v = al*bh + (u & M)
  lo(A); hi(B); fb.i64Mul();
  lo(u); fb.i64Add(); fb.localSet(v);
  // hi = ah*bh + (u >>> 32) + (v >>> 32)
  hi(A); hi(B); fb.i64Mul();
  hi(u); fb.i64Add();
  hi(v); fb.i64Add();
  if (signed) {
    fb.localGet(A); fb.i64Const(63); fb.i64ShrS(); fb.localGet(B); fb.i64And(); fb.i64Sub();
    fb.localGet(B); fb.i64Const(63); fb.i64ShrS(); fb.localGet(A); fb.i64And(); fb.i64Sub();
  }
  for (const l of [A, B, u, v]) fb.freeLocal(l);
}

export function div(c: LowerCtx, opc: "div" | "divu" | "rem" | "remu", type: IrType, a: Temp, b: Temp): void {
  const fb = c.fb;
  const is32 = type === "i32";
  const eqz = (): void => { if (is32) fb.i32Eqz(); else fb.i64Eqz(); };
  // Result when b == 0: -1 for divisions, a for remainders.
  if (opc === "div" || opc === "divu") c.const(type, -1n); else c.get(a);
  // a op b', with b' = 1 when b == 0 (and, for div, when a == MIN && b == -1: MIN / 1 = MIN).
  c.get(a);
  c.const(type, 1n);
  c.get(b);
  c.get(b);
  eqz();
  if (opc === "div") {
    c.get(a);
    c.const(type, is32 ? -0x8000_0000n : -0x8000_0000_0000_0000n);
    if (is32) fb.i32Eq(); else fb.i64Eq();
    c.get(b);
    c.const(type, -1n);
    if (is32) fb.i32Eq(); else fb.i64Eq();
    fb.i32And();
    fb.i32Or();
  }
  fb.select();
  switch (opc) {
    case "div": if (is32) fb.i32DivS(); else fb.i64DivS(); break;
    case "divu": if (is32) fb.i32DivU(); else fb.i64DivU(); break;
    case "rem": if (is32) fb.i32RemS(); else fb.i64RemS(); break;
    case "remu": if (is32) fb.i32RemU(); else fb.i64RemU(); break;
  }
  c.get(b);
  eqz();
  fb.select();
}

export function bswap16(c: LowerCtx, type: IrType, a: Temp): void {
  const fb = c.fb;
  if (type === "i32") {
    c.get(a); fb.i32Const(0xff); fb.i32And(); fb.i32Const(8); fb.i32Shl();
    c.get(a); fb.i32Const(8); fb.i32ShrU(); fb.i32Const(0xff); fb.i32And();
    fb.i32Or();
  } else {
    c.get(a); fb.i64Const(0xff); fb.i64And(); fb.i64Const(8); fb.i64Shl();
    c.get(a); fb.i64Const(8); fb.i64ShrU(); fb.i64Const(0xff); fb.i64And();
    fb.i64Or();
  }
}

/** i32 on the stack -> its bytes swapped. */
export function bswap32(c: LowerCtx): void {
  const fb = c.fb;
  const x = c.tmp("i32");
  fb.localTee(x);
  fb.i32Const(8); fb.i32Rotl(); fb.i32Const(0x00ff00ff); fb.i32And();
  fb.localGet(x); fb.i32Const(8); fb.i32Rotr(); fb.i32Const(0xff00ff00 | 0); fb.i32And();
  fb.i32Or();
  fb.freeLocal(x);
}

export function bswap64(c: LowerCtx, a: Temp): void {
  const fb = c.fb;
  const x = c.toLocal(a, "i64");
  const step = (m: bigint, s: number): void => {
    fb.localGet(x); fb.i64Const(BigInt.asIntN(64, m)); fb.i64And(); fb.i64Const(s); fb.i64Shl();
    fb.localGet(x); fb.i64Const(s); fb.i64ShrU(); fb.i64Const(BigInt.asIntN(64, m)); fb.i64And();
    fb.i64Or();
    fb.localSet(x);
  };
  step(0x00ff00ff00ff00ffn, 8);
  step(0x0000ffff0000ffffn, 16);
  fb.localGet(x); fb.i64Const(32); fb.i64Rotl();
  fb.freeLocal(x);
}

export function extract(c: LowerCtx, signed: boolean, type: IrType, a: Temp, pos: number, len: number): void {
  const fb = c.fb;
  const w = type === "i32" ? 32 : 64;
  const is32 = type === "i32";
  c.get(a);
  if (len === w) return;
  if (signed) {
    const left = w - pos - len;
    if (left !== 0) { c.const(type, BigInt(left)); if (is32) fb.i32Shl(); else fb.i64Shl(); }
    c.const(type, BigInt(w - len));
    if (is32) fb.i32ShrS(); else fb.i64ShrS();
    return;
  }
  if (pos !== 0) { c.const(type, BigInt(pos)); if (is32) fb.i32ShrU(); else fb.i64ShrU(); }
  if (pos + len < w) { c.const(type, (1n << BigInt(len)) - 1n); if (is32) fb.i32And(); else fb.i64And(); }
}

export function deposit(c: LowerCtx, type: IrType, a: Temp, b: Temp, pos: number, len: number): void {
  const fb = c.fb;
  const w = type === "i32" ? 32 : 64;
  const is32 = type === "i32";
  if (len === w) { c.get(b); return; }
  const field = ((1n << BigInt(len)) - 1n) << BigInt(pos);
  c.get(a);
  c.const(type, ~field);
  if (is32) fb.i32And(); else fb.i64And();
  c.get(b);
  if (pos !== 0) { c.const(type, BigInt(pos)); if (is32) fb.i32Shl(); else fb.i64Shl(); }
  c.const(type, field);
  if (is32) { fb.i32And(); fb.i32Or(); } else { fb.i64And(); fb.i64Or(); }
}

export function hostLoad(c: LowerCtx, opc: string, type: IrType, off: number): void {
  const fb = c.fb;
  const is32 = type === "i32";
  switch (opc) {
    case "ld8u": if (is32) fb.i32Load8U(off); else fb.i64Load8U(off); break;
    case "ld8s": if (is32) fb.i32Load8S(off); else fb.i64Load8S(off); break;
    case "ld16u": if (is32) fb.i32Load16U(off, 0); else fb.i64Load16U(off, 0); break;
    case "ld16s": if (is32) fb.i32Load16S(off, 0); else fb.i64Load16S(off, 0); break;
    case "ld32u": fb.i64Load32U(off, 0); break;
    case "ld32s": fb.i64Load32S(off, 0); break;
    default: if (is32) fb.i32Load(off, 0); else fb.i64Load(off, 0);
  }
}

export function hostStore(c: LowerCtx, opc: string, type: IrType, off: number): void {
  const fb = c.fb;
  const is32 = type === "i32";
  switch (opc) {
    case "st8": if (is32) fb.i32Store8(off); else fb.i64Store8(off); break;
    case "st16": if (is32) fb.i32Store16(off, 0); else fb.i64Store16(off, 0); break;
    case "st32": fb.i64Store32(off, 0); break;
    default: if (is32) fb.i32Store(off, 0); else fb.i64Store(off, 0);
  }
}
