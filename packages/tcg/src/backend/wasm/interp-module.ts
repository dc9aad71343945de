/**
 * The tier-0 interpreter: one wasm function with the TB ABI `(env, self) -> exit` that
 * runs any interpreted TB (interp-format.ts), built once per worker with the project's
 * module builder.
 *
 * Each handler is emitted by the same code that lowers the op in compiled TBs
 * (lower.ts's compare, lower-arith.ts, lower-memory.ts: the window check, the page
 * permissions, the code-page check and its `rt.notdirty` slow path, the atomics) through
 * a {@link LowerCtx} whose temps are the op's operand words: so a guest access, a fault
 * exit (FAULT_INFO, FAULT_ADDR, EXIT_PC of the current instruction), an SMC exit, a
 * helper call and a chained jump behave as in compiled code, and a softmmu strategy
 * plugged into the lowering serves both tiers. Globals are not cached: the interpreter
 * reads and writes the CPU state directly (like compiled code with `cacheGlobals` off).
 *
 * Dispatch is a `br_table` over one block per handler, in a loop; `ip` is the address of
 * the current op. Ops that may exit with EXIT_PC carry their instruction's pc. At entry: the exit-request check, the execution counter (at
 * `hotThreshold` and every 1,024 entries after it, `hot(env, self)` is called; a non-zero
 * answer leaves with NOT_LOADED so the loop can install compiled code and re-dispatch),
 * the instruction count, and the copy of the TB's constants into the frame.
 *
 * @module
 */
import { type Cond, CONDS } from "../../ir/cond.js";
import { Op } from "../../ir/op.js";
import type { OpName } from "../../ir/opcodes.js";
import { Temp } from "../../ir/temp.js";
import type { IrType } from "../../ir/types.js";
import type { FunctionBuilder, WasmLocal } from "./function-builder.js";
import {
  INTERP_ATOMICS, INTERP_BINARY, INTERP_HEADER, INTERP_HOST_LD, INTERP_HOST_ST, INTERP_INSNS, INTERP_UNARY, interpAreaOffset,
  interpHandlers, InterpHeader, interpMemops,
} from "./interp-format.js";
import { CTRL_EXIT_PC, CTRL_EXIT_REQ_PTR, EXIT_KIND_BITS, ExitKind, HELPER_ABI_ARGS, IMPORT_MODULE, RtImport, RtSlot } from "./lower-abi.js";
import { BINARY_OPERATORS, binaryOperator, bswap16, bswap32, bswap64, div, hostLoad, hostStore, mulh, not } from "./lower-arith.js";
import { atomic, guestLoad, guestStore } from "./lower-memory.js";
import { emitCompare, emitInlineLookup, type LowerConfig, type LowerCtx, type LowerImports } from "./lower.js";
import { rtTableSize } from "./lower-module.js";
import { ModuleBuilder } from "./module-builder.js";
import { ValType } from "./opcodes.js";
import { TbField } from "../../tb/tb-desc.js";

const { i32, i64 } = ValType;

/** Import names of the interpreter module (in {@link IMPORT_MODULE}, besides memory and the runtime table). */
export const INTERP_HOT_IMPORT = "hot";
/** The interpreter's export. */
export const INTERP_EXPORT = "interp";

/** What the interpreter is built for. */
export interface InterpModuleConfig {
  /** The lowering configuration of compiled TBs (window, permission and code-page checks). */
  readonly lower: LowerConfig;
  /** Wasm pages of the shared memory. */
  readonly memoryPages: number;
  /** Entries of the runtime table (`rtTableSize`). */
  readonly rtSlots: number;
  /** Bytes of the CPU state (the interpreter area follows it). */
  readonly stateSize: number;
  /** Wasm address of TB descriptor 0. */
  readonly desc0Addr: number;
  /** Wasm address of the code buffer (a TB's CODE_OFFSET is relative to it). */
  readonly codeAddr: number;
  /** Entries after which `hot` is called (0: never). */
  readonly hotThreshold: number;
}

/** The module's bytes (one per configuration; compile once per process, instantiate per worker). */
export function buildInterpModule(cfg: InterpModuleConfig): Uint8Array {
  const mb = new ModuleBuilder();
  const tbType = mb.addType([i32, i32], [i32]);
  const notdirtyType = mb.addType([i32, i32, i32, i32], [i32]);
  const helperType = mb.addType([i32, ...Array<ValType>(HELPER_ABI_ARGS).fill(i64)], [i64]);
  const hot = mb.importFunction(IMPORT_MODULE, INTERP_HOT_IMPORT, tbType);
  mb.importMemory(IMPORT_MODULE, RtImport.memory, { initial: cfg.memoryPages, maximum: cfg.memoryPages, shared: true });
  mb.importTable(IMPORT_MODULE, RtImport.fns, { initial: cfg.rtSlots });
  mb.sealPrefix();
  const fb = mb.beginFunction(tbType);
  new InterpEmitter(fb, cfg, {
    tbType, notdirtyType, helperType, lookup: RtSlot.lookup, notdirty: RtSlot.notdirty,
      tlbLoad: RtSlot.tlbLoad,
      tlbStore: RtSlot.tlbStore, chain: RtSlot.chain,
    helper(): number { throw new Error("interp: helpers are called through the slot in the op"); },
  }, hot).emit();
  mb.exportFunction(INTERP_EXPORT, mb.endFunction());
  return mb.finish();
}

export { rtTableSize };

/** A synthetic temp standing for operand word `k` of the current op. */
function opnd(k: number, type: IrType): Temp {
  return new Temp(k, type, "bb");
}

class InterpEmitter implements LowerCtx {
  readonly env: WasmLocal;
  readonly self: WasmLocal;
  private readonly ip: WasmLocal;
  private readonly code: WasmLocal;
  /** Words of the op whose handler is being emitted (its last two are the pc for EXIT_PC). */
  private words = 0;
  /** Loaded input operands of the current handler, by operand index. */
  private ins: (WasmLocal | undefined)[] = [];
  /** Extra depth of the current emission point below the dispatch loop. */
  private depth = 0;

  constructor(
    readonly fb: FunctionBuilder,
    readonly icfg: InterpModuleConfig,
    readonly imports: LowerImports,
    private readonly hotFn: number,
  ) {
    this.env = fb.param(0);
    this.self = fb.param(1);
    this.ip = fb.allocLocal(i32);
    this.code = fb.allocLocal(i32);
  }

  get cfg(): LowerConfig {
    return this.icfg.lower;
  }

  // ---- LowerCtx -----------------------------------------------------------------------

  get(t: Temp): void {
    if (t.kind === "const") { this.const(t.type, t.value); return; }
    const l = this.ins[t.id];
    if (l === undefined) throw new Error(`interp: operand ${t.id} was not loaded`);
    this.fb.localGet(l);
  }

  /** Stores the stack top into the operand slot of word `t.id`. */
  set(t: Temp): void {
    const fb = this.fb;
    const v = fb.allocLocal(t.type === "i32" ? i32 : i64);
    fb.localSet(v);
    this.operandAddr(t.id);
    fb.localGet(v);
    if (t.type === "i32") fb.i32Store(0, 0); else fb.i64Store(0, 0);
    fb.freeLocal(v);
  }

  const(type: IrType, v: bigint): void {
    if (type === "i32") this.fb.i32Const(Number(BigInt.asIntN(32, v)));
    else this.fb.i64Const(BigInt.asIntN(64, v));
  }

  tmp(type: IrType): WasmLocal {
    return this.fb.allocLocal(type === "i32" ? i32 : i64);
  }

  toLocal(t: Temp, type: IrType): WasmLocal {
    const l = this.tmp(type);
    this.get(t);
    this.fb.localSet(l);
    return l;
  }

  compare(type: IrType, c: Cond): void {
    emitCompare(this.fb, type, c);
  }

  writeback(): void {
    // Globals live in the CPU state: nothing to write back.
  }

  storeExitPc(): void {
    this.fb.localGet(this.env);
    this.fb.localGet(this.ip);
    this.fb.i64Load(4 * (this.words - 2), 2);
    this.fb.i64Store(CTRL_EXIT_PC);
  }

  returnExit(kind: number): void {
    const fb = this.fb;
    fb.localGet(this.self);
    fb.i32Const(EXIT_KIND_BITS);
    fb.i32Shl();
    if (kind !== 0) { fb.i32Const(kind); fb.i32Or(); }
    fb.return();
  }

  callRt(slot: number, type: number): void {
    this.fb.i32Const(slot);
    this.fb.callIndirect(type);
  }

  // ---- operands -----------------------------------------------------------------------

  /** Pushes word `k` of the current op. */
  private word(k: number): void {
    this.fb.localGet(this.ip);
    this.fb.i32Load(4 * k);
  }

  /** Pushes the wasm address of operand word `k` (env + word). */
  private operandAddr(k: number): void {
    this.fb.localGet(this.env);
    this.word(k);
    this.fb.i32Add();
  }

  /** Loads operand words `ks` (of types `types`) into locals for {@link get}. */
  private load(ks: readonly number[], types: readonly IrType[]): Temp[] {
    const fb = this.fb;
    this.ins = [];
    return ks.map((k, i) => {
      const type = types[i]!;
      const l = fb.allocLocal(type === "i32" ? i32 : i64);
      this.operandAddr(k);
      if (type === "i32") fb.i32Load(0, 0); else fb.i64Load(0, 0);
      fb.localSet(l);
      this.ins[k] = l;
      return opnd(k, type);
    });
  }

  private release(): void {
    for (const l of this.ins) if (l !== undefined) this.fb.freeLocal(l);
    this.ins = [];
  }

  /** Advances ip past an op of `words` words and continues the dispatch loop. */
  private next(words: number): void {
    const fb = this.fb;
    fb.localGet(this.ip);
    fb.i32Const(4 * words);
    fb.i32Add();
    fb.localSet(this.ip);
    fb.br(this.depth);
  }

  // ---- the function -------------------------------------------------------------------

  emit(): void {
    const fb = this.fb;
    const cfg = this.icfg;
    // Exit request.
    fb.localGet(this.env);
    fb.i32Load(CTRL_EXIT_REQ_PTR);
    fb.i32AtomicLoad();
    fb.if();
    this.returnExit(ExitKind.EXIT_REQUEST);
    fb.end();
    // code = codeAddr + desc[self].CODE_OFFSET
    fb.localGet(this.self);
    fb.i32Const(Math.log2(cfg.lower.descBytes));
    fb.i32Shl();
    fb.i32Load(cfg.desc0Addr + 4 * TbField.CODE_OFFSET);
    fb.i32Const(cfg.codeAddr);
    fb.i32Add();
    fb.localSet(this.code);
    // The execution counter.
    if (cfg.hotThreshold > 0) {
      const n = fb.allocLocal(i32);
      fb.localGet(this.code);
      fb.localGet(this.code);
      fb.i32Load(InterpHeader.COUNT);
      fb.i32Const(1);
      fb.i32Add();
      fb.localTee(n);
      fb.i32Store(InterpHeader.COUNT);
      // n >= threshold && ((n - threshold) & 1023) == 0
      fb.localGet(n);
      fb.i32Const(cfg.hotThreshold);
      fb.i32GeU();
      fb.localGet(n);
      fb.i32Const(cfg.hotThreshold);
      fb.i32Sub();
      fb.i32Const(1023);
      fb.i32And();
      fb.i32Eqz();
      fb.i32And();
      fb.if();
      fb.localGet(this.env);
      fb.localGet(this.self);
      fb.call(this.hotFn);
      fb.if();
      this.returnExit(ExitKind.NOT_LOADED);
      fb.end();
      fb.end();
      fb.freeLocal(n);
    }
    // Instructions entered.
    const area = interpAreaOffset(cfg.stateSize);
    fb.localGet(this.env);
    fb.localGet(this.env);
    fb.i64Load(area + INTERP_INSNS);
    fb.localGet(this.code);
    fb.i64Load32U(InterpHeader.ICOUNT, 2);
    fb.i64Add();
    fb.i64Store(area + INTERP_INSNS);
    // Constants into the frame.
    fb.localGet(this.env);
    fb.i32Const(area + 16);
    fb.i32Add();
    fb.localGet(this.code);
    fb.localGet(this.code);
    fb.i32Load(InterpHeader.CONST_OFF);
    fb.i32Add();
    fb.localGet(this.code);
    fb.i32Load(InterpHeader.CONST_BYTES);
    fb.memoryCopy();
    fb.localGet(this.code);
    fb.i32Const(INTERP_HEADER);
    fb.i32Add();
    fb.localSet(this.ip);

    const hs = interpHandlers();
    const n = hs.length;
    fb.loop();
    for (let i = 0; i < n; i++) fb.block();
    fb.localGet(this.ip);
    fb.i32Load(0);
    fb.brTable(hs.map((_, i) => i), n - 1);
    for (let i = 0; i < n; i++) {
      fb.end();
      // Now inside n - 1 - i blocks, then the loop.
      this.depth = n - 1 - i;
      this.handler(hs[i]!.key, hs[i]!.words);
    }
    fb.end();
    fb.unreachable();
  }

  private handler(key: string, words: number): void {
    const fb = this.fb;
    const parts = key.split("_");
    const typed = (s: string): IrType => (s === "i32" ? "i32" : "i64");
    // Keys: opc_type[_variant]; opcs may contain '_' (ext_i32_i64, guest_ld, atomic_fetch_add...).
    const m = /^(.*)_(i32|i64)(?:_(.+))?$/.exec(key);
    this.words = words;
    if (key === "br") {
      fb.localGet(this.code);
      this.word(1);
      fb.i32Add();
      fb.localSet(this.ip);
      fb.br(this.depth);
      return;
    }
    if (key === "goto_tb") {
      // t = JMP_TARGET(word 1) of self; if set, chain to t - 1.
      const t = fb.allocLocal(i32);
      fb.localGet(this.self);
      fb.i32Const(Math.log2(this.cfg.descBytes));
      fb.i32Shl();
      this.word(1);
      fb.i32Const(2);
      fb.i32Shl();
      fb.i32Add();
      fb.i32AtomicLoad(this.cfg.jmpTarget0Addr);
      fb.localTee(t);
      fb.if();
      fb.localGet(this.env);
      fb.localGet(t);
      fb.i32Const(1);
      fb.i32Sub();
      fb.i32Const(this.imports.chain);
      fb.returnCallIndirect(this.imports.tbType);
      fb.end();
      fb.freeLocal(t);
      this.next(words);
      return;
    }
    if (key === "exit_tb") {
      fb.localGet(this.self);
      fb.i32Const(EXIT_KIND_BITS);
      fb.i32Shl();
      this.word(1);
      fb.i32Or();
      fb.return();
      return;
    }
    if (key === "lookup_and_goto_ptr") {
      const t = fb.allocLocal(i32);
      const il = this.cfg.inlineLookup;
      if (il !== undefined) emitInlineLookup(this, il, t);
      fb.localGet(this.env);
      fb.localGet(this.self);
      this.callRt(this.imports.lookup, this.imports.tbType);
      fb.localTee(t);
      fb.if();
      fb.localGet(this.env);
      fb.localGet(t);
      fb.i32Const(1);
      fb.i32Sub();
      fb.i32Const(this.imports.chain);
      fb.returnCallIndirect(this.imports.tbType);
      fb.end();
      fb.freeLocal(t);
      this.returnExit(ExitKind.LOOKUP_MISS);
      return;
    }
    if (key === "mb") {
      fb.atomicFence();
      this.next(words);
      return;
    }
    if (parts[0] === "call") {
      this.call(parts[1] as "void" | "i32" | "i64", parts[2] === "1", words);
      return;
    }
    if (m === null) throw new Error(`interp: no emitter for handler ${key}`);
    const opc = m[1]!;
    const t = typed(m[2]!);
    const variant = m[3];
    const is32 = t === "i32";
    const out = opnd(1, t);
    if (opc === "mov") {
      this.load([2], [t]);
      this.get(opnd(2, t));
      this.set(out);
    } else if ((INTERP_UNARY as readonly string[]).includes(opc)) {
      const inType: IrType = opc === "ext_i32_i64" || opc === "extu_i32_i64" ? "i32" : t;
      const outType: IrType = opc === "extrl_i64_i32" || opc === "extrh_i64_i32" ? "i32" : t;
      const [a] = this.load([2], [inType]);
      this.unary(opc, t, a!);
      this.set(opnd(1, outType));
    } else if ((INTERP_BINARY as readonly string[]).includes(opc)) {
      const [a, b] = this.load([2, 3], [t, t]);
      this.binary(opc, t, a!, b!);
      this.set(out);
    } else if (opc === "extract" || opc === "sextract") {
      const [a] = this.load([2], [t]);
      this.extract(opc === "sextract", t, a!);
      this.set(out);
    } else if (opc === "deposit") {
      const [a, b] = this.load([2, 3], [t, t]);
      this.deposit(t, a!, b!);
      this.set(out);
    } else if (opc === "setcond") {
      const [a, b] = this.load([2, 3], [t, t]);
      this.get(a!); this.get(b!);
      this.compare(t, variant as Cond);
      if (!is32) fb.i64ExtendI32U();
      this.set(out);
    } else if (opc === "movcond") {
      const [a, b, v1, v2] = this.load([2, 3, 4, 5], [t, t, t, t]);
      this.get(v1!); this.get(v2!); this.get(a!); this.get(b!);
      this.compare(t, variant as Cond);
      fb.select();
      this.set(out);
    } else if (opc === "brcond") {
      const [a, b] = this.load([1, 2], [t, t]);
      this.get(a!); this.get(b!);
      this.compare(t, variant as Cond);
      this.release();
      fb.if();
      this.depth++;
      fb.localGet(this.code);
      this.word(3);
      fb.i32Add();
      fb.localSet(this.ip);
      fb.br(this.depth);
      this.depth--;
      fb.end();
      this.next(words);
      return;
    } else if ((INTERP_HOST_LD as readonly string[]).includes(opc)) {
      this.operandAddr(2);
      hostLoad(this, opc, t, 0);
      this.set(out);
    } else if ((INTERP_HOST_ST as readonly string[]).includes(opc)) {
      const [a] = this.load([1], [t]);
      this.operandAddr(2);
      this.get(a!);
      hostStore(this, opc, t, 0);
    } else if (opc === "guest_ld") {
      const [a] = this.load([2], ["i64"]);
      guestLoad(this, t, a!, Number(variant), out);
    } else if (opc === "guest_st") {
      const [v, a] = this.load([1, 2], [t, "i64"]);
      guestStore(this, t, v!, a!, Number(variant));
    } else if ((INTERP_ATOMICS as readonly string[]).includes(opc)) {
      const cmpx = opc === "atomic_cmpxchg";
      const ins = this.load(cmpx ? [2, 3, 4] : [2, 3], cmpx ? ["i64", t, t] : ["i64", t]);
      atomic(this, new Op(opc as OpName, t, [out], ins, [Number(variant)]), t);
    } else {
      throw new Error(`interp: no emitter for handler ${key}`);
    }
    this.release();
    this.next(words);
  }

  private unary(opc: string, t: IrType, a: Temp): void {
    const fb = this.fb;
    const is32 = t === "i32";
    switch (opc) {
      case "neg": this.const(t, 0n); this.get(a); if (is32) fb.i32Sub(); else fb.i64Sub(); return;
      case "not": this.get(a); not(this, t); return;
      case "clz": this.get(a); if (is32) fb.i32Clz(); else fb.i64Clz(); return;
      case "ctz": this.get(a); if (is32) fb.i32Ctz(); else fb.i64Ctz(); return;
      case "ctpop": this.get(a); if (is32) fb.i32Popcnt(); else fb.i64Popcnt(); return;
      case "bswap16": bswap16(this, t, a); return;
      case "bswap32": this.get(a); if (is32) bswap32(this); else { fb.i32WrapI64(); bswap32(this); fb.i64ExtendI32U(); } return;
      case "bswap64": bswap64(this, a); return;
      case "ext8s": this.get(a); if (is32) fb.i32Extend8S(); else fb.i64Extend8S(); return;
      case "ext16s": this.get(a); if (is32) fb.i32Extend16S(); else fb.i64Extend16S(); return;
      case "ext32s": this.get(a); fb.i64Extend32S(); return;
      case "ext8u": this.get(a); this.const(t, 0xffn); if (is32) fb.i32And(); else fb.i64And(); return;
      case "ext16u": this.get(a); this.const(t, 0xffffn); if (is32) fb.i32And(); else fb.i64And(); return;
      case "ext32u": this.get(a); fb.i64Const(0xffff_ffffn); fb.i64And(); return;
      case "ext_i32_i64": this.get(a); fb.i64ExtendI32S(); return;
      case "extu_i32_i64": this.get(a); fb.i64ExtendI32U(); return;
      case "extrl_i64_i32": this.get(a); fb.i32WrapI64(); return;
      case "extrh_i64_i32": this.get(a); fb.i64Const(32); fb.i64ShrU(); fb.i32WrapI64(); return;
    }
    throw new Error(`interp: unary ${opc}`);
  }

  private binary(opc: string, t: IrType, a: Temp, b: Temp): void {
    if (BINARY_OPERATORS.has(opc)) {
      this.get(a);
      this.get(b);
      binaryOperator(this, opc, t);
      return;
    }
    switch (opc) {
      case "mulsh": case "muluh": mulh(this, opc === "mulsh", t, a, b); return;
      case "div": case "divu": case "rem": case "remu": div(this, opc, t, a, b); return;
    }
    throw new Error(`interp: binary ${opc}`);
  }

  /** Pushes word `k` (an immediate) as a value of type `t`. */
  private imm(k: number, t: IrType): void {
    this.word(k);
    if (t === "i64") this.fb.i64ExtendI32U();
  }

  /** extract: (a >>> pos) & (-1 >>> (w - len)); sextract: (a << (w - pos - len)) >> (w - len). Words: pos 3, len 4. */
  private extract(signed: boolean, t: IrType, a: Temp): void {
    const fb = this.fb;
    const is32 = t === "i32";
    const w = is32 ? 32 : 64;
    if (signed) {
      this.get(a);
      this.const(t, BigInt(w)); this.imm(3, t); if (is32) fb.i32Sub(); else fb.i64Sub();
      this.imm(4, t); if (is32) { fb.i32Sub(); fb.i32Shl(); } else { fb.i64Sub(); fb.i64Shl(); }
      this.const(t, BigInt(w)); this.imm(4, t); if (is32) { fb.i32Sub(); fb.i32ShrS(); } else { fb.i64Sub(); fb.i64ShrS(); }
    } else {
      this.get(a);
      this.imm(3, t); if (is32) fb.i32ShrU(); else fb.i64ShrU();
      this.const(t, -1n); this.const(t, BigInt(w)); this.imm(4, t);
      if (is32) { fb.i32Sub(); fb.i32ShrU(); fb.i32And(); } else { fb.i64Sub(); fb.i64ShrU(); fb.i64And(); }
    }
  }

  /** deposit: mask = (-1 >>> (w - len)) << pos; (a & ~mask) | ((b << pos) & mask). Words: pos 4, len 5. */
  private deposit(t: IrType, a: Temp, b: Temp): void {
    const fb = this.fb;
    const is32 = t === "i32";
    const w = is32 ? 32 : 64;
    const mask = this.tmp(t);
    this.const(t, -1n); this.const(t, BigInt(w)); this.imm(5, t);
    if (is32) { fb.i32Sub(); fb.i32ShrU(); } else { fb.i64Sub(); fb.i64ShrU(); }
    this.imm(4, t); if (is32) fb.i32Shl(); else fb.i64Shl();
    fb.localSet(mask);
    this.get(a); fb.localGet(mask); not(this, t); if (is32) fb.i32And(); else fb.i64And();
    this.get(b); this.imm(4, t); if (is32) fb.i32Shl(); else fb.i64Shl();
    fb.localGet(mask); if (is32) { fb.i32And(); fb.i32Or(); } else { fb.i64And(); fb.i64Or(); }
    fb.freeLocal(mask);
  }

  /** call: words slot 1, i32-argument mask 2, out 3, args 4..9. */
  private call(ret: "void" | "i32" | "i64", noReturn: boolean, words: number): void {
    const fb = this.fb;
    if (noReturn) this.storeExitPc();
    fb.localGet(this.env);
    for (let i = 0; i < HELPER_ABI_ARGS; i++) {
      // mask bit i: an i32 argument (zero-extended from its 4 bytes).
      this.operandAddr(4 + i);
      fb.i64Load(0, 0);
      this.word(2);
      fb.i32Const(1 << i);
      fb.i32And();
      fb.if(i64);
      fb.i64Const(0xffff_ffffn);
      fb.else();
      fb.i64Const(-1n);
      fb.end();
      fb.i64And();
    }
    this.word(1);
    fb.callIndirect(this.imports.helperType);
    if (noReturn) {
      fb.drop();
      this.returnExit(ExitKind.HELPER);
      return;
    }
    if (ret === "void") fb.drop();
    else if (ret === "i32") { fb.i32WrapI64(); this.set(opnd(3, "i32")); }
    else this.set(opnd(3, "i64"));
    this.next(words);
  }
}

export { CONDS, interpMemops };
