/**
 * The code emitter for one WebAssembly function body: one method per opcode, typed locals
 * allocated from per-type free lists, and control-depth bookkeeping.
 *
 * A {@link FunctionBuilder} is owned by a {@link ModuleBuilder} and reused for every
 * function it builds (`ModuleBuilder.beginFunction` / `endFunction`). Locals are numbered
 * in allocation order; `endFunction` declares them as runs of equal type, so any
 * allocation order is valid. A freed local goes back to its type's free list and is
 * handed out again by the next `allocLocal` of that type.
 */
import { ByteWriter } from "./byte-writer.js";
import { writeSLeb32, writeSLeb64, writeULeb32 } from "./leb.js";
import { AtomicOp, AtomicRmw, type AtomicWidth, ATOMIC_WIDTH_ALIGN, BLOCK_EMPTY, MiscOp, Op, type ValType } from "./opcodes.js";

/** A typed local (or parameter) of the function being built. */
export class WasmLocal {
  /**
   * @param index the local index in the function.
   * @param type the local's value type.
   */
  constructor(
    readonly index: number,
    readonly type: ValType,
  ) {}
}

/**
 * A block type: {@link BLOCK_EMPTY}, a single result value type, or a function type index
 * given as `{ typeIndex }` (multi-value blocks).
 */
export type BlockType = number | { readonly typeIndex: number };

/** Index into the per-type free lists: value types are 0x7f downwards. */
function slot(type: ValType): number {
  return 0x7f - type;
}

/** Emits the body of one function. Obtain one from `ModuleBuilder.beginFunction`. */
export class FunctionBuilder extends ByteWriter {
  private localTypes: ValType[] = [];
  private paramLocals: WasmLocal[] = [];
  private paramCount = 0;
  private inUse: boolean[] = [];
  private free: WasmLocal[][] = [];
  private depth = 0;
  private readonly decl = new ByteWriter(64);
  /** WasmLocal objects are immutable (index, type): reused across functions, no garbage. */
  private readonly cache: WasmLocal[][] = [];

  private local(index: number, type: ValType): WasmLocal {
    const byType = (this.cache[slot(type)] ??= []);
    return (byType[index] ??= new WasmLocal(index, type));
  }

  /** Starts a new body with the given parameter types (they become locals 0..n-1). */
  begin(params: readonly ValType[]): void {
    this.reset();
    this.localTypes.length = 0;
    this.paramLocals.length = 0;
    this.inUse.length = 0;
    for (const list of this.free) if (list !== undefined) list.length = 0;
    this.depth = 0;
    this.paramCount = params.length;
    for (let i = 0; i < params.length; i++) {
      this.localTypes.push(params[i]!);
      this.inUse.push(true);
      this.paramLocals.push(this.local(i, params[i]!));
    }
  }

  /** The `i`-th parameter as a local. */
  param(i: number): WasmLocal {
    const p = this.paramLocals[i];
    if (p === undefined) throw new RangeError(`no parameter ${i}`);
    return p;
  }

  /** Allocates a local of `type`, reusing a freed one when possible. */
  allocLocal(type: ValType): WasmLocal {
    const list = this.free[slot(type)];
    const reused = list?.pop();
    if (reused !== undefined) {
      this.inUse[reused.index] = true;
      return reused;
    }
    const l = this.local(this.localTypes.length, type);
    this.localTypes.push(type);
    this.inUse.push(true);
    return l;
  }

  /** Returns a local to its type's free list. Parameters cannot be freed. */
  freeLocal(l: WasmLocal): void {
    if (l.index < this.paramCount) throw new Error(`local ${l.index} is a parameter`);
    if (this.inUse[l.index] !== true) throw new Error(`local ${l.index} freed twice`);
    this.inUse[l.index] = false;
    (this.free[slot(l.type)] ??= []).push(l);
  }

  /** Number of locals declared so far, parameters included. */
  get localCount(): number {
    return this.localTypes.length;
  }

  /** Current nesting depth of open blocks, loops and ifs. */
  get controlDepth(): number {
    return this.depth;
  }

  /**
   * Writes this body (local declarations, code, final `end`) as a code-section entry
   * into `out`. Throws if blocks are left open.
   */
  finishInto(out: ByteWriter): void {
    if (this.depth !== 0) throw new Error(`function body ends with ${this.depth} open block(s)`);
    const types = this.localTypes;
    // Runs of equal type after the parameters.
    let runs = 0;
    for (let i = this.paramCount; i < types.length; i++) if (i === this.paramCount || types[i] !== types[i - 1]) runs++;
    const decl = this.decl;
    decl.reset();
    decl.uleb(runs);
    let i = this.paramCount;
    while (i < types.length) {
      const t = types[i]!;
      let j = i + 1;
      while (j < types.length && types[j] === t) j++;
      decl.uleb(j - i);
      decl.u8(t);
      i = j;
    }
    out.uleb(decl.pos + this.pos + 1);
    out.ensure(decl.pos + this.pos + 1);
    out.buf.set(decl.buf.subarray(0, decl.pos), out.pos);
    out.pos += decl.pos;
    out.buf.set(this.buf.subarray(0, this.pos), out.pos);
    out.pos += this.pos;
    out.buf[out.pos++] = Op.end;
  }

  // ---- control ----------------------------------------------------------------------

  private blockType(bt: BlockType): void {
    if (typeof bt === "number") this.u8(bt);
    else this.sleb32(bt.typeIndex);
  }
  /** `unreachable` */
  unreachable(): void { this.u8(Op.unreachable); }
  /** `nop` */
  nop(): void { this.u8(Op.nop); }
  /** `block bt` */
  block(bt: BlockType = BLOCK_EMPTY): void { this.u8(Op.block); this.blockType(bt); this.depth++; }
  /** `loop bt` */
  loop(bt: BlockType = BLOCK_EMPTY): void { this.u8(Op.loop); this.blockType(bt); this.depth++; }
  /** `if bt` */
  if(bt: BlockType = BLOCK_EMPTY): void { this.u8(Op.if); this.blockType(bt); this.depth++; }
  /** `else` */
  else(): void { this.u8(Op.else); }
  /** `end` of a block, loop or if. */
  end(): void {
    if (this.depth === 0) throw new Error("end without an open block");
    this.depth--;
    this.u8(Op.end);
  }
  /** `br depth` */
  br(depth: number): void { this.u8(Op.br); this.uleb(depth); }
  /** `br_if depth` */
  brIf(depth: number): void { this.u8(Op.brIf); this.uleb(depth); }
  /** `br_table targets default` */
  brTable(targets: readonly number[], defaultDepth: number): void {
    this.u8(Op.brTable);
    this.uleb(targets.length);
    for (const t of targets) this.uleb(t);
    this.uleb(defaultDepth);
  }
  /** `return` */
  return(): void { this.u8(Op.return); }
  /** `call f` */
  call(funcIndex: number): void { this.u8(Op.call); this.uleb(funcIndex); }
  /** `call_indirect type table` */
  callIndirect(typeIndex: number, tableIndex = 0): void { this.u8(Op.callIndirect); this.uleb(typeIndex); this.uleb(tableIndex); }
  /** `return_call f` (tail call) */
  returnCall(funcIndex: number): void { this.u8(Op.returnCall); this.uleb(funcIndex); }
  /** `return_call_indirect type table` (tail call through a table) */
  returnCallIndirect(typeIndex: number, tableIndex = 0): void { this.u8(Op.returnCallIndirect); this.uleb(typeIndex); this.uleb(tableIndex); }
  /** `drop` */
  drop(): void { this.u8(Op.drop); }
  /** `select` (numeric operands) */
  select(): void { this.u8(Op.select); }

  // ---- variables --------------------------------------------------------------------

  private localOp(op: number, index: number): void {
    this.ensure(6);
    const buf = this.buf;
    if (index < 0x80) {
      buf[this.pos] = op;
      buf[this.pos + 1] = index;
      this.pos += 2;
    } else {
      buf[this.pos] = op;
      this.pos = writeULeb32(buf, this.pos + 1, index);
    }
  }
  /** `local.get` */
  localGet(l: WasmLocal): void { this.localOp(Op.localGet, l.index); }
  /** `local.set` */
  localSet(l: WasmLocal): void { this.localOp(Op.localSet, l.index); }
  /** `local.tee` */
  localTee(l: WasmLocal): void { this.localOp(Op.localTee, l.index); }
  /** `global.get` */
  globalGet(globalIndex: number): void { this.u8(Op.globalGet); this.uleb(globalIndex); }
  /** `global.set` */
  globalSet(globalIndex: number): void { this.u8(Op.globalSet); this.uleb(globalIndex); }
  /** `table.get` */
  tableGet(tableIndex = 0): void { this.u8(Op.tableGet); this.uleb(tableIndex); }
  /** `table.set` */
  tableSet(tableIndex = 0): void { this.u8(Op.tableSet); this.uleb(tableIndex); }

  // ---- memory -----------------------------------------------------------------------

  private mem(op: number, offset: number, alignLog2: number): void {
    this.ensure(11);
    const buf = this.buf;
    buf[this.pos] = op;
    buf[this.pos + 1] = alignLog2;
    this.pos = writeULeb32(buf, this.pos + 2, offset);
  }
  /** `i32.load offset align` (align is log2 bytes) */
  i32Load(offset = 0, align = 2): void { this.mem(Op.i32Load, offset, align); }
  /** `i64.load` */
  i64Load(offset = 0, align = 3): void { this.mem(Op.i64Load, offset, align); }
  /** `f32.load` */
  f32Load(offset = 0, align = 2): void { this.mem(Op.f32Load, offset, align); }
  /** `f64.load` */
  f64Load(offset = 0, align = 3): void { this.mem(Op.f64Load, offset, align); }
  /** `i32.load8_s` */
  i32Load8S(offset = 0, align = 0): void { this.mem(Op.i32Load8S, offset, align); }
  /** `i32.load8_u` */
  i32Load8U(offset = 0, align = 0): void { this.mem(Op.i32Load8U, offset, align); }
  /** `i32.load16_s` */
  i32Load16S(offset = 0, align = 1): void { this.mem(Op.i32Load16S, offset, align); }
  /** `i32.load16_u` */
  i32Load16U(offset = 0, align = 1): void { this.mem(Op.i32Load16U, offset, align); }
  /** `i64.load8_s` */
  i64Load8S(offset = 0, align = 0): void { this.mem(Op.i64Load8S, offset, align); }
  /** `i64.load8_u` */
  i64Load8U(offset = 0, align = 0): void { this.mem(Op.i64Load8U, offset, align); }
  /** `i64.load16_s` */
  i64Load16S(offset = 0, align = 1): void { this.mem(Op.i64Load16S, offset, align); }
  /** `i64.load16_u` */
  i64Load16U(offset = 0, align = 1): void { this.mem(Op.i64Load16U, offset, align); }
  /** `i64.load32_s` */
  i64Load32S(offset = 0, align = 2): void { this.mem(Op.i64Load32S, offset, align); }
  /** `i64.load32_u` */
  i64Load32U(offset = 0, align = 2): void { this.mem(Op.i64Load32U, offset, align); }
  /** `i32.store` */
  i32Store(offset = 0, align = 2): void { this.mem(Op.i32Store, offset, align); }
  /** `i64.store` */
  i64Store(offset = 0, align = 3): void { this.mem(Op.i64Store, offset, align); }
  /** `f32.store` */
  f32Store(offset = 0, align = 2): void { this.mem(Op.f32Store, offset, align); }
  /** `f64.store` */
  f64Store(offset = 0, align = 3): void { this.mem(Op.f64Store, offset, align); }
  /** `i32.store8` */
  i32Store8(offset = 0, align = 0): void { this.mem(Op.i32Store8, offset, align); }
  /** `i32.store16` */
  i32Store16(offset = 0, align = 1): void { this.mem(Op.i32Store16, offset, align); }
  /** `i64.store8` */
  i64Store8(offset = 0, align = 0): void { this.mem(Op.i64Store8, offset, align); }
  /** `i64.store16` */
  i64Store16(offset = 0, align = 1): void { this.mem(Op.i64Store16, offset, align); }
  /** `i64.store32` */
  i64Store32(offset = 0, align = 2): void { this.mem(Op.i64Store32, offset, align); }
  /** `memory.size` */
  memorySize(): void { this.u8x2(Op.memorySize, 0); }
  /** `memory.grow` */
  memoryGrow(): void { this.u8x2(Op.memoryGrow, 0); }

  // ---- constants --------------------------------------------------------------------

  /** `i32.const` (any value; taken modulo 2^32) */
  i32Const(v: number): void {
    this.ensure(6);
    this.buf[this.pos] = Op.i32Const;
    this.pos = writeSLeb32(this.buf, this.pos + 1, v);
  }
  /** `i64.const` (a `bigint` modulo 2^64, or a safe-integer `number`) */
  i64Const(v: bigint | number): void {
    this.ensure(11);
    this.buf[this.pos] = Op.i64Const;
    this.pos = writeSLeb64(this.buf, this.pos + 1, v);
  }
  /** `i64.const` from two 32-bit halves (no bigint on the fast path) */
  i64ConstHalves(lo: number, hi: number): void {
    this.u8(Op.i64Const);
    this.sleb64Halves(lo, hi);
  }
  /** `f32.const` from a number */
  f32Const(v: number): void { this.u8(Op.f32Const); this.f32(v); }
  /** `f32.const` from raw bits (exact NaN payloads) */
  f32ConstBits(bits: number): void { this.u8(Op.f32Const); this.u32(bits); }
  /** `f64.const` from a number */
  f64Const(v: number): void { this.u8(Op.f64Const); this.f64(v); }
  /** `f64.const` from raw bits, low and high words (exact NaN payloads) */
  f64ConstBits(lo: number, hi: number): void { this.u8(Op.f64Const); this.u32(lo); this.u32(hi); }

  // ---- numeric (one method per opcode) ------------------------------------------------

  /** `i32.eqz` */ i32Eqz(): void { this.u8(Op.i32Eqz); }
  /** `i32.eq` */ i32Eq(): void { this.u8(Op.i32Eq); }
  /** `i32.ne` */ i32Ne(): void { this.u8(Op.i32Ne); }
  /** `i32.lt_s` */ i32LtS(): void { this.u8(Op.i32LtS); }
  /** `i32.lt_u` */ i32LtU(): void { this.u8(Op.i32LtU); }
  /** `i32.gt_s` */ i32GtS(): void { this.u8(Op.i32GtS); }
  /** `i32.gt_u` */ i32GtU(): void { this.u8(Op.i32GtU); }
  /** `i32.le_s` */ i32LeS(): void { this.u8(Op.i32LeS); }
  /** `i32.le_u` */ i32LeU(): void { this.u8(Op.i32LeU); }
  /** `i32.ge_s` */ i32GeS(): void { this.u8(Op.i32GeS); }
  /** `i32.ge_u` */ i32GeU(): void { this.u8(Op.i32GeU); }
  /** `i64.eqz` */ i64Eqz(): void { this.u8(Op.i64Eqz); }
  /** `i64.eq` */ i64Eq(): void { this.u8(Op.i64Eq); }
  /** `i64.ne` */ i64Ne(): void { this.u8(Op.i64Ne); }
  /** `i64.lt_s` */ i64LtS(): void { this.u8(Op.i64LtS); }
  /** `i64.lt_u` */ i64LtU(): void { this.u8(Op.i64LtU); }
  /** `i64.gt_s` */ i64GtS(): void { this.u8(Op.i64GtS); }
  /** `i64.gt_u` */ i64GtU(): void { this.u8(Op.i64GtU); }
  /** `i64.le_s` */ i64LeS(): void { this.u8(Op.i64LeS); }
  /** `i64.le_u` */ i64LeU(): void { this.u8(Op.i64LeU); }
  /** `i64.ge_s` */ i64GeS(): void { this.u8(Op.i64GeS); }
  /** `i64.ge_u` */ i64GeU(): void { this.u8(Op.i64GeU); }
  /** `f32.eq` */ f32Eq(): void { this.u8(Op.f32Eq); }
  /** `f32.ne` */ f32Ne(): void { this.u8(Op.f32Ne); }
  /** `f32.lt` */ f32Lt(): void { this.u8(Op.f32Lt); }
  /** `f32.gt` */ f32Gt(): void { this.u8(Op.f32Gt); }
  /** `f32.le` */ f32Le(): void { this.u8(Op.f32Le); }
  /** `f32.ge` */ f32Ge(): void { this.u8(Op.f32Ge); }
  /** `f64.eq` */ f64Eq(): void { this.u8(Op.f64Eq); }
  /** `f64.ne` */ f64Ne(): void { this.u8(Op.f64Ne); }
  /** `f64.lt` */ f64Lt(): void { this.u8(Op.f64Lt); }
  /** `f64.gt` */ f64Gt(): void { this.u8(Op.f64Gt); }
  /** `f64.le` */ f64Le(): void { this.u8(Op.f64Le); }
  /** `f64.ge` */ f64Ge(): void { this.u8(Op.f64Ge); }

  /** `i32.clz` */ i32Clz(): void { this.u8(Op.i32Clz); }
  /** `i32.ctz` */ i32Ctz(): void { this.u8(Op.i32Ctz); }
  /** `i32.popcnt` */ i32Popcnt(): void { this.u8(Op.i32Popcnt); }
  /** `i32.add` */ i32Add(): void { this.u8(Op.i32Add); }
  /** `i32.sub` */ i32Sub(): void { this.u8(Op.i32Sub); }
  /** `i32.mul` */ i32Mul(): void { this.u8(Op.i32Mul); }
  /** `i32.div_s` */ i32DivS(): void { this.u8(Op.i32DivS); }
  /** `i32.div_u` */ i32DivU(): void { this.u8(Op.i32DivU); }
  /** `i32.rem_s` */ i32RemS(): void { this.u8(Op.i32RemS); }
  /** `i32.rem_u` */ i32RemU(): void { this.u8(Op.i32RemU); }
  /** `i32.and` */ i32And(): void { this.u8(Op.i32And); }
  /** `i32.or` */ i32Or(): void { this.u8(Op.i32Or); }
  /** `i32.xor` */ i32Xor(): void { this.u8(Op.i32Xor); }
  /** `i32.shl` */ i32Shl(): void { this.u8(Op.i32Shl); }
  /** `i32.shr_s` */ i32ShrS(): void { this.u8(Op.i32ShrS); }
  /** `i32.shr_u` */ i32ShrU(): void { this.u8(Op.i32ShrU); }
  /** `i32.rotl` */ i32Rotl(): void { this.u8(Op.i32Rotl); }
  /** `i32.rotr` */ i32Rotr(): void { this.u8(Op.i32Rotr); }
  /** `i64.clz` */ i64Clz(): void { this.u8(Op.i64Clz); }
  /** `i64.ctz` */ i64Ctz(): void { this.u8(Op.i64Ctz); }
  /** `i64.popcnt` */ i64Popcnt(): void { this.u8(Op.i64Popcnt); }
  /** `i64.add` */ i64Add(): void { this.u8(Op.i64Add); }
  /** `i64.sub` */ i64Sub(): void { this.u8(Op.i64Sub); }
  /** `i64.mul` */ i64Mul(): void { this.u8(Op.i64Mul); }
  /** `i64.div_s` */ i64DivS(): void { this.u8(Op.i64DivS); }
  /** `i64.div_u` */ i64DivU(): void { this.u8(Op.i64DivU); }
  /** `i64.rem_s` */ i64RemS(): void { this.u8(Op.i64RemS); }
  /** `i64.rem_u` */ i64RemU(): void { this.u8(Op.i64RemU); }
  /** `i64.and` */ i64And(): void { this.u8(Op.i64And); }
  /** `i64.or` */ i64Or(): void { this.u8(Op.i64Or); }
  /** `i64.xor` */ i64Xor(): void { this.u8(Op.i64Xor); }
  /** `i64.shl` */ i64Shl(): void { this.u8(Op.i64Shl); }
  /** `i64.shr_s` */ i64ShrS(): void { this.u8(Op.i64ShrS); }
  /** `i64.shr_u` */ i64ShrU(): void { this.u8(Op.i64ShrU); }
  /** `i64.rotl` */ i64Rotl(): void { this.u8(Op.i64Rotl); }
  /** `i64.rotr` */ i64Rotr(): void { this.u8(Op.i64Rotr); }

  /** `f32.abs` */ f32Abs(): void { this.u8(Op.f32Abs); }
  /** `f32.neg` */ f32Neg(): void { this.u8(Op.f32Neg); }
  /** `f32.ceil` */ f32Ceil(): void { this.u8(Op.f32Ceil); }
  /** `f32.floor` */ f32Floor(): void { this.u8(Op.f32Floor); }
  /** `f32.trunc` */ f32Trunc(): void { this.u8(Op.f32Trunc); }
  /** `f32.nearest` */ f32Nearest(): void { this.u8(Op.f32Nearest); }
  /** `f32.sqrt` */ f32Sqrt(): void { this.u8(Op.f32Sqrt); }
  /** `f32.add` */ f32Add(): void { this.u8(Op.f32Add); }
  /** `f32.sub` */ f32Sub(): void { this.u8(Op.f32Sub); }
  /** `f32.mul` */ f32Mul(): void { this.u8(Op.f32Mul); }
  /** `f32.div` */ f32Div(): void { this.u8(Op.f32Div); }
  /** `f32.min` */ f32Min(): void { this.u8(Op.f32Min); }
  /** `f32.max` */ f32Max(): void { this.u8(Op.f32Max); }
  /** `f32.copysign` */ f32Copysign(): void { this.u8(Op.f32Copysign); }
  /** `f64.abs` */ f64Abs(): void { this.u8(Op.f64Abs); }
  /** `f64.neg` */ f64Neg(): void { this.u8(Op.f64Neg); }
  /** `f64.ceil` */ f64Ceil(): void { this.u8(Op.f64Ceil); }
  /** `f64.floor` */ f64Floor(): void { this.u8(Op.f64Floor); }
  /** `f64.trunc` */ f64Trunc(): void { this.u8(Op.f64Trunc); }
  /** `f64.nearest` */ f64Nearest(): void { this.u8(Op.f64Nearest); }
  /** `f64.sqrt` */ f64Sqrt(): void { this.u8(Op.f64Sqrt); }
  /** `f64.add` */ f64Add(): void { this.u8(Op.f64Add); }
  /** `f64.sub` */ f64Sub(): void { this.u8(Op.f64Sub); }
  /** `f64.mul` */ f64Mul(): void { this.u8(Op.f64Mul); }
  /** `f64.div` */ f64Div(): void { this.u8(Op.f64Div); }
  /** `f64.min` */ f64Min(): void { this.u8(Op.f64Min); }
  /** `f64.max` */ f64Max(): void { this.u8(Op.f64Max); }
  /** `f64.copysign` */ f64Copysign(): void { this.u8(Op.f64Copysign); }

  /** `i32.wrap_i64` */ i32WrapI64(): void { this.u8(Op.i32WrapI64); }
  /** `i32.trunc_f32_s` */ i32TruncF32S(): void { this.u8(Op.i32TruncF32S); }
  /** `i32.trunc_f32_u` */ i32TruncF32U(): void { this.u8(Op.i32TruncF32U); }
  /** `i32.trunc_f64_s` */ i32TruncF64S(): void { this.u8(Op.i32TruncF64S); }
  /** `i32.trunc_f64_u` */ i32TruncF64U(): void { this.u8(Op.i32TruncF64U); }
  /** `i64.extend_i32_s` */ i64ExtendI32S(): void { this.u8(Op.i64ExtendI32S); }
  /** `i64.extend_i32_u` */ i64ExtendI32U(): void { this.u8(Op.i64ExtendI32U); }
  /** `i64.trunc_f32_s` */ i64TruncF32S(): void { this.u8(Op.i64TruncF32S); }
  /** `i64.trunc_f32_u` */ i64TruncF32U(): void { this.u8(Op.i64TruncF32U); }
  /** `i64.trunc_f64_s` */ i64TruncF64S(): void { this.u8(Op.i64TruncF64S); }
  /** `i64.trunc_f64_u` */ i64TruncF64U(): void { this.u8(Op.i64TruncF64U); }
  /** `f32.convert_i32_s` */ f32ConvertI32S(): void { this.u8(Op.f32ConvertI32S); }
  /** `f32.convert_i32_u` */ f32ConvertI32U(): void { this.u8(Op.f32ConvertI32U); }
  /** `f32.convert_i64_s` */ f32ConvertI64S(): void { this.u8(Op.f32ConvertI64S); }
  /** `f32.convert_i64_u` */ f32ConvertI64U(): void { this.u8(Op.f32ConvertI64U); }
  /** `f32.demote_f64` */ f32DemoteF64(): void { this.u8(Op.f32DemoteF64); }
  /** `f64.convert_i32_s` */ f64ConvertI32S(): void { this.u8(Op.f64ConvertI32S); }
  /** `f64.convert_i32_u` */ f64ConvertI32U(): void { this.u8(Op.f64ConvertI32U); }
  /** `f64.convert_i64_s` */ f64ConvertI64S(): void { this.u8(Op.f64ConvertI64S); }
  /** `f64.convert_i64_u` */ f64ConvertI64U(): void { this.u8(Op.f64ConvertI64U); }
  /** `f64.promote_f32` */ f64PromoteF32(): void { this.u8(Op.f64PromoteF32); }
  /** `i32.reinterpret_f32` */ i32ReinterpretF32(): void { this.u8(Op.i32ReinterpretF32); }
  /** `i64.reinterpret_f64` */ i64ReinterpretF64(): void { this.u8(Op.i64ReinterpretF64); }
  /** `f32.reinterpret_i32` */ f32ReinterpretI32(): void { this.u8(Op.f32ReinterpretI32); }
  /** `f64.reinterpret_i64` */ f64ReinterpretI64(): void { this.u8(Op.f64ReinterpretI64); }
  /** `i32.extend8_s` */ i32Extend8S(): void { this.u8(Op.i32Extend8S); }
  /** `i32.extend16_s` */ i32Extend16S(): void { this.u8(Op.i32Extend16S); }
  /** `i64.extend8_s` */ i64Extend8S(): void { this.u8(Op.i64Extend8S); }
  /** `i64.extend16_s` */ i64Extend16S(): void { this.u8(Op.i64Extend16S); }
  /** `i64.extend32_s` */ i64Extend32S(): void { this.u8(Op.i64Extend32S); }

  // ---- 0xFC: saturating truncation, bulk memory, tables --------------------------------

  private misc(op: MiscOp): void { this.u8x2(Op.prefixMisc, op); }
  /** `i32.trunc_sat_f32_s` */ i32TruncSatF32S(): void { this.misc(MiscOp.i32TruncSatF32S); }
  /** `i32.trunc_sat_f32_u` */ i32TruncSatF32U(): void { this.misc(MiscOp.i32TruncSatF32U); }
  /** `i32.trunc_sat_f64_s` */ i32TruncSatF64S(): void { this.misc(MiscOp.i32TruncSatF64S); }
  /** `i32.trunc_sat_f64_u` */ i32TruncSatF64U(): void { this.misc(MiscOp.i32TruncSatF64U); }
  /** `i64.trunc_sat_f32_s` */ i64TruncSatF32S(): void { this.misc(MiscOp.i64TruncSatF32S); }
  /** `i64.trunc_sat_f32_u` */ i64TruncSatF32U(): void { this.misc(MiscOp.i64TruncSatF32U); }
  /** `i64.trunc_sat_f64_s` */ i64TruncSatF64S(): void { this.misc(MiscOp.i64TruncSatF64S); }
  /** `i64.trunc_sat_f64_u` */ i64TruncSatF64U(): void { this.misc(MiscOp.i64TruncSatF64U); }
  /** `memory.copy` (memory 0 to memory 0) */
  memoryCopy(): void { this.misc(MiscOp.memoryCopy); this.u8x2(0, 0); }
  /** `memory.fill` (memory 0) */
  memoryFill(): void { this.misc(MiscOp.memoryFill); this.u8(0); }
  /** `memory.init dataIndex` */
  memoryInit(dataIndex: number): void { this.misc(MiscOp.memoryInit); this.uleb(dataIndex); this.u8(0); }
  /** `data.drop dataIndex` */
  dataDrop(dataIndex: number): void { this.misc(MiscOp.dataDrop); this.uleb(dataIndex); }
  /** `table.size` */
  tableSize(tableIndex = 0): void { this.misc(MiscOp.tableSize); this.uleb(tableIndex); }
  /** `table.grow` */
  tableGrow(tableIndex = 0): void { this.misc(MiscOp.tableGrow); this.uleb(tableIndex); }
  /** `table.fill` */
  tableFill(tableIndex = 0): void { this.misc(MiscOp.tableFill); this.uleb(tableIndex); }
  /** `table.copy dst src` */
  tableCopy(dstTable = 0, srcTable = 0): void { this.misc(MiscOp.tableCopy); this.uleb(dstTable); this.uleb(srcTable); }
  /** `ref.null funcref` */
  refNullFunc(): void { this.u8x2(Op.refNull, 0x70); }
  /** `ref.is_null` */
  refIsNull(): void { this.u8(Op.refIsNull); }
  /** `ref.func f` */
  refFunc(funcIndex: number): void { this.u8(Op.refFunc); this.uleb(funcIndex); }

  // ---- 0xFE: atomics ------------------------------------------------------------------

  private atomicMem(op: number, offset: number, alignLog2: number): void {
    this.ensure(12);
    this.buf[this.pos++] = Op.prefixAtomic;
    this.uleb(op);
    this.uleb(alignLog2);
    this.uleb(offset);
  }
  /** `memory.atomic.notify` (i32 address, i32 count -> i32 woken) */
  atomicNotify(offset = 0): void { this.atomicMem(AtomicOp.memoryAtomicNotify, offset, 2); }
  /** `memory.atomic.wait32` (i32 address, i32 expected, i64 timeout ns -> i32 0 ok / 1 not-equal / 2 timed-out) */
  atomicWait32(offset = 0): void { this.atomicMem(AtomicOp.memoryAtomicWait32, offset, 2); }
  /** `memory.atomic.wait64` (i32 address, i64 expected, i64 timeout ns -> i32) */
  atomicWait64(offset = 0): void { this.atomicMem(AtomicOp.memoryAtomicWait64, offset, 3); }
  /** `atomic.fence` */
  atomicFence(): void { this.ensure(3); this.u8(Op.prefixAtomic); this.u8x2(AtomicOp.atomicFence, 0); }
  /** `i32.atomic.load` */ i32AtomicLoad(offset = 0): void { this.atomicMem(AtomicOp.i32AtomicLoad, offset, 2); }
  /** `i64.atomic.load` */ i64AtomicLoad(offset = 0): void { this.atomicMem(AtomicOp.i64AtomicLoad, offset, 3); }
  /** `i32.atomic.load8_u` */ i32AtomicLoad8U(offset = 0): void { this.atomicMem(AtomicOp.i32AtomicLoad8U, offset, 0); }
  /** `i32.atomic.load16_u` */ i32AtomicLoad16U(offset = 0): void { this.atomicMem(AtomicOp.i32AtomicLoad16U, offset, 1); }
  /** `i64.atomic.load8_u` */ i64AtomicLoad8U(offset = 0): void { this.atomicMem(AtomicOp.i64AtomicLoad8U, offset, 0); }
  /** `i64.atomic.load16_u` */ i64AtomicLoad16U(offset = 0): void { this.atomicMem(AtomicOp.i64AtomicLoad16U, offset, 1); }
  /** `i64.atomic.load32_u` */ i64AtomicLoad32U(offset = 0): void { this.atomicMem(AtomicOp.i64AtomicLoad32U, offset, 2); }
  /** `i32.atomic.store` */ i32AtomicStore(offset = 0): void { this.atomicMem(AtomicOp.i32AtomicStore, offset, 2); }
  /** `i64.atomic.store` */ i64AtomicStore(offset = 0): void { this.atomicMem(AtomicOp.i64AtomicStore, offset, 3); }
  /** `i32.atomic.store8` */ i32AtomicStore8(offset = 0): void { this.atomicMem(AtomicOp.i32AtomicStore8, offset, 0); }
  /** `i32.atomic.store16` */ i32AtomicStore16(offset = 0): void { this.atomicMem(AtomicOp.i32AtomicStore16, offset, 1); }
  /** `i64.atomic.store8` */ i64AtomicStore8(offset = 0): void { this.atomicMem(AtomicOp.i64AtomicStore8, offset, 0); }
  /** `i64.atomic.store16` */ i64AtomicStore16(offset = 0): void { this.atomicMem(AtomicOp.i64AtomicStore16, offset, 1); }
  /** `i64.atomic.store32` */ i64AtomicStore32(offset = 0): void { this.atomicMem(AtomicOp.i64AtomicStore32, offset, 2); }
  /**
   * An atomic read-modify-write: `<width>.atomic.rmw[N].<op>[_u]`. Operands: address and
   * value (cmpxchg: address, expected, replacement); result: the old value.
   */
  atomicRmw(op: AtomicRmw, width: AtomicWidth, offset = 0): void {
    this.atomicMem(AtomicOp.rmwBase + 7 * op + width, offset, ATOMIC_WIDTH_ALIGN[width]!);
  }
  /** `i32.atomic.rmw.cmpxchg` (address, expected, replacement -> old) */
  i32AtomicCmpxchg(offset = 0): void { this.atomicRmw(AtomicRmw.cmpxchg, 0, offset); }
  /** `i64.atomic.rmw.cmpxchg` (address, expected, replacement -> old) */
  i64AtomicCmpxchg(offset = 0): void { this.atomicRmw(AtomicRmw.cmpxchg, 1, offset); }
  /** `i32.atomic.rmw.add` */
  i32AtomicAdd(offset = 0): void { this.atomicRmw(AtomicRmw.add, 0, offset); }
  /** `i64.atomic.rmw.add` */
  i64AtomicAdd(offset = 0): void { this.atomicRmw(AtomicRmw.add, 1, offset); }
  /** `i32.atomic.rmw.xchg` */
  i32AtomicXchg(offset = 0): void { this.atomicRmw(AtomicRmw.xchg, 0, offset); }
  /** `i64.atomic.rmw.xchg` */
  i64AtomicXchg(offset = 0): void { this.atomicRmw(AtomicRmw.xchg, 1, offset); }
}
