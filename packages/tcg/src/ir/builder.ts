/**
 * The IR builder: one typed method per op, appending to an {@link IrFunc}.
 *
 * Methods take the destination first (like QEMU's `tcg_gen_*`) and infer the op type
 * from it; inputs must have the same type (checked by TypeScript through `Temp<T>`,
 * and at run time). An input may be a number or bigint, which becomes an interned
 * constant temp of the right type: `b.add(t, x5, 16)` is `add_i64 t, x5, $0x10`.
 *
 * @module
 */
import { condCode, type Cond } from "./cond.js";
import type { IrFunc, Label } from "./func.js";
import type { HelperDef } from "./helper.js";
import { Op } from "./op.js";
import type { OpName } from "./opcodes.js";
import type { Temp } from "./temp.js";
import type { IrType } from "./types.js";

/** An input operand: a temp of type `T`, or an integer that becomes a constant. */
export type Val<T extends IrType> = Temp<T> | bigint | number;

/** Appends ops to an {@link IrFunc}. Cheap to create; holds no state of its own. */
export class IrBuilder {
  /** @param func The function ops are appended to. */
  constructor(readonly func: IrFunc) {}

  // ---- temps, constants, labels

  /** A new basic-block-local temp. */
  temp<T extends IrType>(type: T): Temp<T> {
    return this.func.newTemp(type, "bb");
  }

  /** A new TB-local temp (survives labels). */
  tbTemp<T extends IrType>(type: T): Temp<T> {
    return this.func.newTemp(type, "tb");
  }

  /** The constant temp of `type` with value `v`. */
  constant<T extends IrType>(type: T, v: bigint | number): Temp<T> {
    return this.func.constant(type, v);
  }

  /** A new label, placed later with {@link IrBuilder.setLabel}. */
  label(): Label {
    return this.func.newLabel();
  }

  /** Append an already built op (for tools and passes). */
  append(op: Op): Op {
    this.func.ops.push(op);
    return op;
  }

  private val<T extends IrType>(type: T, v: Val<T>): Temp<T> {
    if (typeof v === "bigint" || typeof v === "number") return this.func.constant(type, v);
    if (v.type !== type) throw new TypeError(`operand ${v.id} has type ${v.type}, expected ${type}`);
    return v;
  }

  private out<T extends IrType>(d: Temp<T>): Temp<T> {
    if (d.kind === "const") throw new TypeError("cannot write a constant temp");
    return d;
  }

  private un<T extends IrType>(opc: OpName, d: Temp<T>, a: Val<T>): void {
    this.append(new Op(opc, d.type, [this.out(d)], [this.val(d.type, a)], []));
  }

  private bin<T extends IrType>(opc: OpName, d: Temp<T>, a: Val<T>, b: Val<T>): void {
    this.append(new Op(opc, d.type, [this.out(d)], [this.val(d.type, a), this.val(d.type, b)], []));
  }

  // ---- moves and bookkeeping

  /** `mov`: d = a. */
  mov<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("mov", d, a); }
  /** `discard`: the value of `t` is dead from here on. */
  discard(t: Temp): void { this.append(new Op("discard", t.type, [this.out(t)], [], [])); }
  /** `insn_start`: the guest instruction at `pc` starts here. */
  insnStart(pc: bigint | number): void { this.append(new Op("insn_start", undefined, [], [this.func.constant("i64", pc)], [])); }

  // ---- arithmetic

  /** `add`: d = a + b. */
  add<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("add", d, a, b); }
  /** `sub`: d = a - b. */
  sub<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("sub", d, a, b); }
  /** `neg`: d = -a. */
  neg<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("neg", d, a); }
  /** `mul`: d = low half of a * b. */
  mul<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("mul", d, a, b); }
  /** `mulsh`: d = high half of the signed product. */
  mulsh<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("mulsh", d, a, b); }
  /** `muluh`: d = high half of the unsigned product. */
  muluh<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("muluh", d, a, b); }
  /** `div`: signed division with RISC-V's results for /0 and overflow. */
  div<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("div", d, a, b); }
  /** `divu`: unsigned division with RISC-V's result for /0. */
  divu<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("divu", d, a, b); }
  /** `rem`: signed remainder with RISC-V's results for %0 and overflow. */
  rem<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("rem", d, a, b); }
  /** `remu`: unsigned remainder with RISC-V's result for %0. */
  remu<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("remu", d, a, b); }

  // ---- logic

  /** `and`: d = a & b. */
  and<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("and", d, a, b); }
  /** `or`: d = a | b. */
  or<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("or", d, a, b); }
  /** `xor`: d = a ^ b. */
  xor<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("xor", d, a, b); }
  /** `not`: d = ~a. */
  not<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("not", d, a); }
  /** `andc`: d = a & ~b. */
  andc<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("andc", d, a, b); }
  /** `orc`: d = a | ~b. */
  orc<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("orc", d, a, b); }
  /** `eqv`: d = ~(a ^ b). */
  eqv<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("eqv", d, a, b); }
  /** `nand`: d = ~(a & b). */
  nand<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("nand", d, a, b); }
  /** `nor`: d = ~(a | b). */
  nor<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("nor", d, a, b); }

  // ---- shifts and rotates

  /** `shl`: d = a << (b mod width). */
  shl<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("shl", d, a, b); }
  /** `shr`: logical right shift. */
  shr<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("shr", d, a, b); }
  /** `sar`: arithmetic right shift. */
  sar<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("sar", d, a, b); }
  /** `rotl`: rotate left. */
  rotl<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("rotl", d, a, b); }
  /** `rotr`: rotate right. */
  rotr<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void { this.bin("rotr", d, a, b); }

  // ---- bit counts and byte swaps

  /** `clz`: leading zeros (width for 0). */
  clz<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("clz", d, a); }
  /** `ctz`: trailing zeros (width for 0). */
  ctz<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("ctz", d, a); }
  /** `ctpop`: population count. */
  ctpop<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("ctpop", d, a); }
  /** `bswap16`: swap the two low bytes, zero-extend. */
  bswap16<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("bswap16", d, a); }
  /** `bswap32`: swap the four low bytes, zero-extend. */
  bswap32<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("bswap32", d, a); }
  /** `bswap64_i64`: swap all eight bytes. */
  bswap64(d: Temp<"i64">, a: Val<"i64">): void { this.un("bswap64", d, a); }

  // ---- extensions and bit fields

  /** `ext8s`: sign-extend the low byte. */
  ext8s<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("ext8s", d, a); }
  /** `ext8u`: zero-extend the low byte. */
  ext8u<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("ext8u", d, a); }
  /** `ext16s`: sign-extend the low 16 bits. */
  ext16s<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("ext16s", d, a); }
  /** `ext16u`: zero-extend the low 16 bits. */
  ext16u<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>): void { this.un("ext16u", d, a); }
  /** `ext32s_i64`: sign-extend the low 32 bits. */
  ext32s(d: Temp<"i64">, a: Val<"i64">): void { this.un("ext32s", d, a); }
  /** `ext32u_i64`: zero-extend the low 32 bits. */
  ext32u(d: Temp<"i64">, a: Val<"i64">): void { this.un("ext32u", d, a); }
  /** `ext_i32_i64`: sign-extend an i32 to i64. */
  extI32I64(d: Temp<"i64">, a: Val<"i32">): void { this.conv("ext_i32_i64", d, "i32", a); }
  /** `extu_i32_i64`: zero-extend an i32 to i64. */
  extuI32I64(d: Temp<"i64">, a: Val<"i32">): void { this.conv("extu_i32_i64", d, "i32", a); }
  /** `extrl_i64_i32`: low half of an i64. */
  extrlI64I32(d: Temp<"i32">, a: Val<"i64">): void { this.conv("extrl_i64_i32", d, "i64", a); }
  /** `extrh_i64_i32`: high half of an i64. */
  extrhI64I32(d: Temp<"i32">, a: Val<"i64">): void { this.conv("extrh_i64_i32", d, "i64", a); }
  /** `extract`: unsigned bit field of `len` bits at `pos`. */
  extract<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, pos: number, len: number): void {
    this.append(new Op("extract", d.type, [this.out(d)], [this.val(d.type, a)], [pos, len]));
  }
  /** `sextract`: signed bit field of `len` bits at `pos`. */
  sextract<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, pos: number, len: number): void {
    this.append(new Op("sextract", d.type, [this.out(d)], [this.val(d.type, a)], [pos, len]));
  }
  /** `deposit`: `a` with `len` bits at `pos` replaced by the low bits of `b`. */
  deposit<T extends IrType>(d: Temp<T>, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>, pos: number, len: number): void {
    this.append(new Op("deposit", d.type, [this.out(d)], [this.val(d.type, a), this.val(d.type, b)], [pos, len]));
  }

  private conv(opc: OpName, d: Temp, inType: IrType, a: Val<IrType>): void {
    this.append(new Op(opc, undefined, [this.out(d)], [this.val(inType, a)], []));
  }

  // ---- comparisons

  /** `setcond`: d = (a cond b) ? 1 : 0. */
  setcond<T extends IrType>(d: Temp<T>, cond: Cond, a: Val<NoInfer<T>>, b: Val<NoInfer<T>>): void {
    this.append(new Op("setcond", d.type, [this.out(d)], [this.val(d.type, a), this.val(d.type, b)], [condCode(cond)]));
  }
  /** `movcond`: d = (c1 cond c2) ? v1 : v2. */
  movcond<T extends IrType>(d: Temp<T>, cond: Cond, c1: Val<NoInfer<T>>, c2: Val<NoInfer<T>>, v1: Val<NoInfer<T>>, v2: Val<NoInfer<T>>): void {
    const t = d.type;
    this.append(new Op("movcond", t, [this.out(d)], [this.val(t, c1), this.val(t, c2), this.val(t, v1), this.val(t, v2)], [condCode(cond)]));
  }

  // ---- control flow

  /** `set_label`: place `l` here. */
  setLabel(l: Label): void { this.append(new Op("set_label", undefined, [], [], [l.id])); }
  /** `br`: jump forward to `l`. */
  br(l: Label): void { this.append(new Op("br", undefined, [], [], [l.id])); }
  /** `brcond`: jump forward to `l` if `a cond b`. */
  brcond<T extends IrType>(cond: Cond, a: Temp<T>, b: Val<NoInfer<T>>, l: Label): void {
    this.append(new Op("brcond", a.type, [], [a, this.val(a.type, b)], [condCode(cond), l.id]));
  }
  /** `goto_tb`: jump slot `slot` (0 or 1). */
  gotoTb(slot: 0 | 1): void { this.append(new Op("goto_tb", undefined, [], [], [slot])); }
  /** `exit_tb`: return to the cpu-exec loop with `code`. */
  exitTb(code: number): void { this.append(new Op("exit_tb", undefined, [], [], [code])); }
  /** `lookup_and_goto_ptr`: continue at the TB for the current pc. */
  lookupAndGotoPtr(): void { this.append(new Op("lookup_and_goto_ptr", undefined, [], [], [])); }

  // ---- CPU-state loads and stores

  /** `ld8u`: d = zero-extended byte of the CPU state at `offset`. */
  ld8u<T extends IrType>(d: Temp<T>, offset: number): void { this.hostLd("ld8u", d, offset); }
  /** `ld8s`: d = sign-extended byte of the CPU state at `offset`. */
  ld8s<T extends IrType>(d: Temp<T>, offset: number): void { this.hostLd("ld8s", d, offset); }
  /** `ld16u`: zero-extended 16 bits of the CPU state. */
  ld16u<T extends IrType>(d: Temp<T>, offset: number): void { this.hostLd("ld16u", d, offset); }
  /** `ld16s`: sign-extended 16 bits of the CPU state. */
  ld16s<T extends IrType>(d: Temp<T>, offset: number): void { this.hostLd("ld16s", d, offset); }
  /** `ld32u_i64`: zero-extended 32 bits of the CPU state. */
  ld32u(d: Temp<"i64">, offset: number): void { this.hostLd("ld32u", d, offset); }
  /** `ld32s_i64`: sign-extended 32 bits of the CPU state. */
  ld32s(d: Temp<"i64">, offset: number): void { this.hostLd("ld32s", d, offset); }
  /** `ld`: full-width load from the CPU state. */
  ld<T extends IrType>(d: Temp<T>, offset: number): void { this.hostLd("ld", d, offset); }
  /** `st8`: store the low byte of `v` to the CPU state. */
  st8<T extends IrType>(v: Temp<T>, offset: number): void { this.hostSt("st8", v, offset); }
  /** `st16`: store the low 16 bits of `v`. */
  st16<T extends IrType>(v: Temp<T>, offset: number): void { this.hostSt("st16", v, offset); }
  /** `st32_i64`: store the low 32 bits of `v`. */
  st32(v: Temp<"i64">, offset: number): void { this.hostSt("st32", v, offset); }
  /** `st`: full-width store to the CPU state. */
  st<T extends IrType>(v: Temp<T>, offset: number): void { this.hostSt("st", v, offset); }

  private hostLd(opc: OpName, d: Temp, offset: number): void {
    this.append(new Op(opc, d.type, [this.out(d)], [], [offset]));
  }

  private hostSt(opc: OpName, v: Temp, offset: number): void {
    this.append(new Op(opc, v.type, [], [v], [offset]));
  }

  // ---- guest memory

  /** `guest_ld`: d = guest memory at `addr`, as MemOp `mop` says. */
  guestLd<T extends IrType>(d: Temp<T>, addr: Val<"i64">, mop: number): void {
    this.append(new Op("guest_ld", d.type, [this.out(d)], [this.val("i64", addr)], [mop]));
  }
  /** `guest_st`: store the low bits of `v` at guest `addr`. */
  guestSt<T extends IrType>(v: Temp<T>, addr: Val<"i64">, mop: number): void {
    this.append(new Op("guest_st", v.type, [], [v, this.val("i64", addr)], [mop]));
  }
  /** `atomic_cmpxchg`: d = old; store `nv` if old == `cmp`. */
  atomicCmpxchg<T extends IrType>(d: Temp<T>, addr: Val<"i64">, cmp: Val<NoInfer<T>>, nv: Val<NoInfer<T>>, mop: number): void {
    const t = d.type;
    this.append(new Op("atomic_cmpxchg", t, [this.out(d)], [this.val("i64", addr), this.val(t, cmp), this.val(t, nv)], [mop]));
  }
  /** `atomic_xchg`. */
  atomicXchg<T extends IrType>(d: Temp<T>, addr: Val<"i64">, v: Val<NoInfer<T>>, mop: number): void { this.amo("atomic_xchg", d, addr, v, mop); }
  /** `atomic_fetch_add`. */
  atomicFetchAdd<T extends IrType>(d: Temp<T>, addr: Val<"i64">, v: Val<NoInfer<T>>, mop: number): void { this.amo("atomic_fetch_add", d, addr, v, mop); }
  /** `atomic_fetch_and`. */
  atomicFetchAnd<T extends IrType>(d: Temp<T>, addr: Val<"i64">, v: Val<NoInfer<T>>, mop: number): void { this.amo("atomic_fetch_and", d, addr, v, mop); }
  /** `atomic_fetch_or`. */
  atomicFetchOr<T extends IrType>(d: Temp<T>, addr: Val<"i64">, v: Val<NoInfer<T>>, mop: number): void { this.amo("atomic_fetch_or", d, addr, v, mop); }
  /** `atomic_fetch_xor`. */
  atomicFetchXor<T extends IrType>(d: Temp<T>, addr: Val<"i64">, v: Val<NoInfer<T>>, mop: number): void { this.amo("atomic_fetch_xor", d, addr, v, mop); }
  /** `atomic_fetch_smin`. */
  atomicFetchSmin<T extends IrType>(d: Temp<T>, addr: Val<"i64">, v: Val<NoInfer<T>>, mop: number): void { this.amo("atomic_fetch_smin", d, addr, v, mop); }
  /** `atomic_fetch_smax`. */
  atomicFetchSmax<T extends IrType>(d: Temp<T>, addr: Val<"i64">, v: Val<NoInfer<T>>, mop: number): void { this.amo("atomic_fetch_smax", d, addr, v, mop); }
  /** `atomic_fetch_umin`. */
  atomicFetchUmin<T extends IrType>(d: Temp<T>, addr: Val<"i64">, v: Val<NoInfer<T>>, mop: number): void { this.amo("atomic_fetch_umin", d, addr, v, mop); }
  /** `atomic_fetch_umax`. */
  atomicFetchUmax<T extends IrType>(d: Temp<T>, addr: Val<"i64">, v: Val<NoInfer<T>>, mop: number): void { this.amo("atomic_fetch_umax", d, addr, v, mop); }
  /** `mb`: memory barrier with `MB_*` bits. */
  mb(order: number): void { this.append(new Op("mb", undefined, [], [], [order])); }

  private amo(opc: OpName, d: Temp, addr: Val<"i64">, v: Val<IrType>, mop: number): void {
    this.append(new Op(opc, d.type, [this.out(d)], [this.val("i64", addr), this.val(d.type, v)], [mop]));
  }

  // ---- helper calls

  /**
   * `call`: call helper `h` with `args`; its result (if any) goes to `ret`.
   * Argument and result types must match the helper's signature.
   */
  call(h: HelperDef, ret: Temp | undefined, args: readonly Val<IrType>[]): void {
    if ((h.ret === "void") !== (ret === undefined) || (ret !== undefined && ret.type !== h.ret)) {
      throw new TypeError(`call ${h.name}: result does not match the signature`);
    }
    if (args.length !== h.args.length) throw new TypeError(`call ${h.name}: expected ${h.args.length} arguments`);
    const ins = args.map((a, i) => this.val(h.args[i] ?? "i64", a));
    this.append(new Op("call", undefined, ret === undefined ? [] : [this.out(ret)], ins, [this.func.helperIndex(h)]));
  }
}
