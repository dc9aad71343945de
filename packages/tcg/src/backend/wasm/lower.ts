/**
 * Lowering one TB's IR ({@link IrFunc}) to the body of a WebAssembly function
 * `(env: i32, self: i32) -> i32` (the ABI is in lower-abi.ts).
 *
 * - Temps: one wasm local per `bb`/`tb` temp, of the temp's type; constants are
 *   immediates.
 * - Globals: with `cacheGlobals` (the default), every global the TB touches is loaded
 *   into a local after the entry check and written back, when dirty, at each exit, before
 *   helpers that read or write globals, and on fault paths (which keep the main path's
 *   dirty set). Branches are forward only, so the dirty set at a label is the union of the
 *   sets at its branches and fall-through; locals are always valid. Without caching every
 *   read is a load from the CPU state and every write a store.
 * - Control flow: one `block` per placed label, opened at entry (the label placed last is
 *   outermost); `set_label` is that block's `end`; br/brcond are br/br_if.
 * - Guest memory: a guest window `[lo, lo + size)` mapped at wasm address `base`:
 *   `off = addr - lo; if (off >u size - bytes || off & (align - 1)) fault; access(wrap(off))`
 *   with `base` in the memarg offset. Stores check the page access table's CODE bit and
 *   call the runtime's notdirty function when a page holds code (self-modifying code);
 *   with a {@link ProtectionCheck}, accesses also respect page permissions (lower-memory.ts).
 * - Exits: `exit_tb c` returns `(self << 4) | c`; `goto_tb n` tail-calls the TB named by the JMP_TARGETn word of this TB's
 *   descriptor when it is non-zero, else falls through; `lookup_and_goto_ptr` asks the
 *   runtime for the TB of the current pc and tail-calls it. Both tail-call the worker's
 *   dispatcher `rt.chain(env, tb)`, which tail-calls through the table (lower-abi.ts says
 *   why the TB modules do not import the table).
 * - Faults and noreturn helpers exit with the pc of the last `insn_start` in the control
 *   block, so exceptions are precise without any run-time bookkeeping.
 *
 * This file holds the driver (temps, globals, control flow, exits, calls, the op switch);
 * multi-instruction arithmetic and CPU-state accesses are in lower-arith.ts, guest memory
 * and atomics in lower-memory.ts.
 *
 * @module
 */
import { condFromCode, type Cond } from "../../ir/cond.js";
import type { IrFunc } from "../../ir/func.js";
import { HELPER_NO_READ_GLOBALS, HELPER_NO_RETURN, HELPER_NO_WRITE_GLOBALS } from "../../ir/helper.js";
import type { Op } from "../../ir/op.js";
import type { Temp } from "../../ir/temp.js";
import type { IrType } from "../../ir/types.js";
import type { FunctionBuilder, WasmLocal } from "./function-builder.js";
import { CTRL_BYTES, CTRL_EXIT_PC, CTRL_EXIT_REQ_PTR, CTRL_JMP_CACHE_PTR, CTRL_TB_FLAGS, EXIT_KIND_BITS, ExitKind, HELPER_ABI_ARGS } from "./lower-abi.js";
import { BINARY_OPERATORS, binaryOperator, bswap16, bswap32, bswap64, deposit, div, extract, hostLoad, hostStore, mulh, not } from "./lower-arith.js";
import { atomic, guestLoad, guestStore } from "./lower-memory.js";
import { ValType } from "./opcodes.js";
import { TbField, TB_STATE_INVALID } from "../../tb/tb-desc.js";

const TB_PC_LO = TbField.PC_LO;
const TB_PC_HI = TbField.PC_HI;
const TB_FLAGS = TbField.FLAGS;
const TB_CFLAGS = TbField.CFLAGS;
const TB_STATE = TbField.STATE;
const TB_INVALID_BIT = TB_STATE_INVALID;

/** Where guest addresses live in the wasm memory (identity mapping with an offset). */
export interface GuestWindow {
  /** Lowest mapped guest address (a multiple of the page size). */
  readonly lo: bigint;
  /** Mapped bytes. */
  readonly size: number;
  /** Wasm address of guest address `lo`. */
  readonly base: number;
}

/** The page access table (tb/page-access.ts) in the wasm memory. */
export interface PageAccessTableRef {
  /** Wasm address of page 0's byte; page p (window offset >> pageBits) is at `addr + p`. */
  readonly addr: number;
  /** log2 of the page size. */
  readonly pageBits: number;
}

/**
 * How generated code checks the permission of guest loads, stores and atomics. One kind
 * today; the check is a strategy of the lowering so that system mode can bring its own:
 *
 * - `"pageTable"` (user mode): the window's page access bytes. Loads fold "a page touched
 *   has NO_READ" into the window check's fault condition; stores and atomics test
 *   NO_WRITE together with the CODE bit of the code-page check (one load, one test) and
 *   let `rt.notdirty` tell a fault from self-modifying code.
 * - (planned, softmmu) a TLB kind: the soft TLB entry's per-access tags compared with the
 *   page of the address, the miss path walking the guest page table.
 */
export type ProtectionCheck = { readonly kind: "pageTable"; readonly table: PageAccessTableRef };

/**
 * The soft TLB of system mode (exec/soft-tlb.ts has the layout): the memory-access
 * strategy that replaces the guest window. Every guest access probes one entry of the
 * TLB whose address the control block's TLB_PTR holds (one TLB per MMU index, chosen by
 * the loop): `entry = TLB_PTR + (((addr >> pageBits) & (2^entryBits - 1)) << 5)`; the
 * access's page (with its alignment bits, or the page of its last byte when it need not
 * be aligned) must equal the entry's read or write tag, and the wasm address is then
 * `wrap(addr) + addend`. Otherwise the runtime's slow path (`rt.tlbLoad`, `rt.tlbStore`)
 * walks the page table, fills the entry, does MMIO, raises exceptions and the notdirty
 * invalidation of code pages (whose write tags are never set).
 */
export interface SoftTlbConfig {
  /** log2 of the entries of one TLB. */
  readonly entryBits: number;
  /** log2 of the page size. */
  readonly pageBits: number;
}

/**
 * The inline probe of lookup_and_goto_ptr: the vCPU's jump cache (tb-desc.ts /
 * jmp-cache.ts layouts) checked in wasm before asking the runtime.
 */
export interface InlineLookup {
  /** Offset of the i64 guest pc in the CPU state. */
  readonly pcOffset: number;
  /** log2 of the jump-cache entries. */
  readonly jmpCacheBits: number;
  /** Wasm address of TB descriptor 0. */
  readonly desc0Addr: number;
}

/** What the lowering needs to know about the execution environment. */
export interface LowerConfig {
  /** The guest memory window. */
  readonly window: GuestWindow;
  /** Wasm address of TB descriptor 0's JMP_TARGET0 word. */
  readonly jmpTarget0Addr: number;
  /** Bytes per TB descriptor. */
  readonly descBytes: number;
  /** Check stores against pages holding code, by the access table's CODE bit (omit to skip the check). */
  readonly codePages?: PageAccessTableRef;
  /** Check guest accesses against page permissions (omit: everything in the window is accessible). */
  readonly protection?: ProtectionCheck;
  /** Cache globals in locals (default true). */
  readonly cacheGlobals?: boolean;
  /** Probe the jump cache inline in lookup_and_goto_ptr (omit: always call `rt.lookup`). */
  readonly inlineLookup?: InlineLookup;
  /**
   * System mode: guest addresses are virtual and go through the soft TLB (the window,
   * `codePages` and `protection` are then not used for accesses).
   */
  readonly softTlb?: SoftTlbConfig;
}

/**
 * What the lowering calls, from the module prefix: slots of the imported runtime table
 * (table 0, `RtImport.fns`; generated code calls them with `call_indirect`) and the type
 * indices of those calls.
 */
export interface LowerImports {
  /** The TB function type `(i32, i32) -> i32` (also the type of `rt.lookup` and `rt.chain`). */
  readonly tbType: number;
  /** The type of `rt.notdirty`, `(i32, i32, i32, i32) -> i32`. */
  readonly notdirtyType: number;
  /** The uniform helper type (`HELPER_ABI_ARGS`). */
  readonly helperType: number;
  /** Runtime-table slot of `rt.lookup`. */
  readonly lookup: number;
  /** Runtime-table slot of `rt.notdirty`. */
  readonly notdirty: number;
  /** Runtime-table slot of `rt.chain` (the dispatcher). */
  readonly chain: number;
  /** Runtime-table slots of the soft TLB's slow paths (`rt.tlbLoad`, `rt.tlbStore`; uniform helper type). */
  readonly tlbLoad: number;
  readonly tlbStore: number;
  /** Runtime-table slot of a helper, by name. */
  helper(name: string): number;
}

const { i32, i64 } = ValType;


/** Emits the i32 truth value of `a cond b` (both operands pushed, of type `type`). */
export function emitCompare(fb: FunctionBuilder, type: IrType, c: Cond): void {
  const is32 = type === "i32";
  switch (c) {
    case "eq": if (is32) fb.i32Eq(); else fb.i64Eq(); break;
    case "ne": if (is32) fb.i32Ne(); else fb.i64Ne(); break;
    case "lt": if (is32) fb.i32LtS(); else fb.i64LtS(); break;
    case "ge": if (is32) fb.i32GeS(); else fb.i64GeS(); break;
    case "le": if (is32) fb.i32LeS(); else fb.i64LeS(); break;
    case "gt": if (is32) fb.i32GtS(); else fb.i64GtS(); break;
    case "ltu": if (is32) fb.i32LtU(); else fb.i64LtU(); break;
    case "geu": if (is32) fb.i32GeU(); else fb.i64GeU(); break;
    case "leu": if (is32) fb.i32LeU(); else fb.i64LeU(); break;
    case "gtu": if (is32) fb.i32GtU(); else fb.i64GtU(); break;
    case "tsteq": if (is32) { fb.i32And(); fb.i32Eqz(); } else { fb.i64And(); fb.i64Eqz(); } break;
    case "tstne":
      if (is32) { fb.i32And(); fb.i32Const(0); fb.i32Ne(); } else { fb.i64And(); fb.i64Const(0); fb.i64Ne(); }
      break;
  }
}

/**
 * The jump-cache probe (tb_lookup's first step, jmp-cache.ts's hash): on a hit whose
 * descriptor has the pc, the loop's current flags, cflags 0 and is valid, tail-call it.
 */
export function emitInlineLookup(c: LowerCtx, il: InlineLookup, target: WasmLocal): void {
  const fb = c.fb;
  const bits = il.jmpCacheBits;
  const lo = c.tmp("i32");
  const d = c.tmp("i32");
  const pcOff = CTRL_BYTES + il.pcOffset;
  fb.localGet(c.env);
  fb.i32Load(pcOff);
  fb.localTee(lo);
  // x = lo >>> 1; idx = (x ^ x >>> bits ^ x >>> 2*bits) & mask
  fb.i32Const(1); fb.i32ShrU(); fb.localTee(d);
  fb.localGet(d); fb.i32Const(bits); fb.i32ShrU(); fb.i32Xor();
  fb.localGet(d); fb.i32Const(2 * bits); fb.i32ShrU(); fb.i32Xor();
  fb.i32Const((1 << bits) - 1); fb.i32And();
  fb.i32Const(2); fb.i32Shl();
  fb.localGet(c.env); fb.i32Load(CTRL_JMP_CACHE_PTR); fb.i32Add();
  fb.i32AtomicLoad();
  fb.localTee(target);
  fb.if();
  // d = desc0 + (tb << 7), tb = target - 1
  fb.localGet(target); fb.i32Const(1); fb.i32Sub(); fb.localTee(target);
  fb.i32Const(Math.log2(c.cfg.descBytes)); fb.i32Shl(); fb.localSet(d);
  fb.localGet(d); fb.i32Load(il.desc0Addr + 4 * TB_PC_LO); fb.localGet(lo); fb.i32Eq();
  fb.localGet(d); fb.i32Load(il.desc0Addr + 4 * TB_PC_HI); fb.localGet(c.env); fb.i32Load(pcOff + 4); fb.i32Eq(); fb.i32And();
  fb.localGet(d); fb.i32Load(il.desc0Addr + 4 * TB_FLAGS); fb.localGet(c.env); fb.i32Load(CTRL_TB_FLAGS); fb.i32Eq(); fb.i32And();
  fb.localGet(d); fb.i32Load(il.desc0Addr + 4 * TB_CFLAGS); fb.i32Eqz(); fb.i32And();
  fb.localGet(d); fb.i32Load(il.desc0Addr + 4 * TB_STATE); fb.i32Const(TB_INVALID_BIT); fb.i32And(); fb.i32Eqz(); fb.i32And();
  fb.if();
  fb.localGet(c.env);
  fb.localGet(target);
  fb.i32Const(c.imports.chain);
  fb.returnCallIndirect(c.imports.tbType);
  fb.end();
  fb.end();
  fb.freeLocal(lo);
  fb.freeLocal(d);
}

function wt(t: IrType): ValType {
  return t === "i32" ? i32 : i64;
}

/**
 * What the op lowerings in lower-arith.ts and lower-memory.ts use of the lowering in
 * progress (implemented by {@link TbLowering}).
 */
export interface LowerCtx {
  /** The function being emitted. */
  readonly fb: FunctionBuilder;
  /** The environment. */
  readonly cfg: LowerConfig;
  /** Imported functions. */
  readonly imports: LowerImports;
  /** Parameter 0: the vCPU block. */
  readonly env: WasmLocal;
  /** Parameter 1: this TB's index. */
  readonly self: WasmLocal;
  /** Pushes the value of a temp. */
  get(t: Temp): void;
  /** Pops the stack top into a temp. */
  set(t: Temp): void;
  /** Pushes a constant of a type. */
  const(type: IrType, v: bigint): void;
  /** A scratch local (free it with `fb.freeLocal`). */
  tmp(type: IrType): WasmLocal;
  /** A scratch local holding the value of `t`. */
  toLocal(t: Temp, type: IrType): WasmLocal;
  /** Pushes the i32 truth value of `a cond b` (operands pushed). */
  compare(type: IrType, c: Cond): void;
  /** Stores dirty globals; `clear` forgets them (main path), else keeps them (side exit). */
  writeback(clear: boolean): void;
  /** Stores the current instruction's pc as the exit pc. */
  storeExitPc(): void;
  /** Returns exit code `(self << 4) | kind`. */
  returnExit(kind: number): void;
  /** Calls runtime-table slot `slot` of type `type` (arguments pushed). */
  callRt(slot: number, type: number): void;
}

/** Lowers IR functions into a {@link FunctionBuilder}. Reusable: one per module builder. */
export class TbLowering implements LowerCtx {
  /** @internal */
  fb!: FunctionBuilder;
  private func!: IrFunc;
  private cache = true;
  /** @internal */
  env!: WasmLocal;
  /** @internal */
  self!: WasmLocal;
  private locals: (WasmLocal | undefined)[] = [];
  private gLocals: (WasmLocal | undefined)[] = [];
  private usedGlobals: Temp[] = [];
  private dirty: boolean[] = [];
  private dirtyList: Temp[] = [];
  private pending = new Map<number, Temp[]>();
  private open: number[] = [];
  private reachable = true;
  /** Static pc of the last insn_start, or null when it depends on the path (then in pcLocal). */
  private pc: bigint | null = -1n;
  private pcLocal: WasmLocal | undefined;
  private labelPc = new Map<number, bigint | null>();
  private scratch32: WasmLocal | undefined;
  private scratch64: WasmLocal | undefined;

  /**
   * @param cfg the environment.
   * @param imports function and type indices.
   */
  constructor(
    readonly cfg: LowerConfig,
    readonly imports: LowerImports,
  ) {}

  /** Emits the body of `func` into `fb` (begun with the TB type). */
  lower(fb: FunctionBuilder, func: IrFunc): void {
    this.fb = fb;
    this.func = func;
    this.cache = this.cfg.cacheGlobals ?? true;
    this.env = fb.param(0);
    this.self = fb.param(1);
    this.locals = [];
    this.gLocals = [];
    this.dirty = [];
    this.dirtyList = [];
    this.pending.clear();
    this.open = [];
    this.reachable = true;
    this.pc = -1n;
    this.pcLocal = undefined;
    this.labelPcs(func);
    this.scratch32 = undefined;
    this.scratch64 = undefined;

    // Entry: the exit-request check.
    fb.localGet(this.env);
    fb.i32Load(CTRL_EXIT_REQ_PTR);
    fb.i32AtomicLoad();
    fb.if();
    this.returnExit(ExitKind.EXIT_REQUEST);
    fb.end();

    // Globals used, loaded into locals.
    const seen = new Set<number>();
    this.usedGlobals = [];
    const placed: number[] = [];
    for (const op of func.ops) {
      if (op.opc === "set_label") placed.push(op.consts[0]!);
      for (const t of op.ins) this.noteGlobal(t, seen);
      for (const t of op.outs) this.noteGlobal(t, seen);
    }
    if (this.cache) {
      for (const g of this.usedGlobals) {
        const l = fb.allocLocal(wt(g.type));
        this.gLocals[g.id] = l;
        fb.localGet(this.env);
        this.stateLoad(g.type, g.global!.offset);
        fb.localSet(l);
      }
    }
    // Label blocks: outermost = placed last.
    for (let i = placed.length - 1; i >= 0; i--) {
      fb.block();
      this.open.push(placed[i]!);
    }

    for (const op of func.ops) this.op(op);

    if (this.open.length !== 0) throw new Error("lower: unclosed label blocks");
    if (this.reachable) {
      this.writeback(true);
      this.returnExit(ExitKind.END);
    } else {
      fb.unreachable();
    }
  }

  /**
   * The pc of the last insn_start at each label: static when every path into it agrees,
   * else null (branches into such a label set pcLocal first).
   */
  private labelPcs(func: IrFunc): void {
    const inc = new Map<number, (bigint | null)[]>();
    const out = this.labelPc;
    out.clear();
    let pc: bigint | null = -1n;
    let reachable = true;
    const add = (l: number): void => {
      let list = inc.get(l);
      if (list === undefined) inc.set(l, (list = []));
      list.push(pc);
    };
    for (const op of func.ops) {
      switch (op.opc) {
        case "insn_start": pc = op.ins[0]!.value; break;
        case "br": add(op.consts[0]!); reachable = false; break;
        case "brcond": add(op.consts[1]!); break;
        case "exit_tb": case "lookup_and_goto_ptr": reachable = false; break;
        case "call":
          if (((func.helpers[op.consts[0]!]?.flags ?? 0) & HELPER_NO_RETURN) !== 0) reachable = false;
          break;
        case "set_label": {
          const l = op.consts[0]!;
          const list = inc.get(l) ?? [];
          if (reachable) list.push(pc);
          const first: bigint | null = list.length > 0 ? (list[0] as bigint | null) : pc;
          pc = list.every((p) => p !== null && p === first) ? first : null;
          out.set(l, pc);
          reachable = true;
          break;
        }
      }
    }
  }

  /** Before a branch to (or a fall-through into) `label`: give pcLocal the current pc if the label needs it. */
  private pcForLabel(label: number): void {
    if (this.labelPc.get(label) !== null || this.pc === null) return;
    this.pcLocal ??= this.fb.allocLocal(i64);
    this.fb.i64Const(this.pc);
    this.fb.localSet(this.pcLocal);
  }

  private noteGlobal(t: Temp, seen: Set<number>): void {
    if (t.kind !== "global" || t.global?.hardwiredZero === true || seen.has(t.id)) return;
    seen.add(t.id);
    this.usedGlobals.push(t);
  }

  // ---- values -----------------------------------------------------------------------

  /** @internal */
  const(type: IrType, v: bigint): void {
    if (type === "i32") this.fb.i32Const(Number(BigInt.asIntN(32, v)));
    else this.fb.i64Const(BigInt.asIntN(64, v));
  }

  private local(t: Temp): WasmLocal {
    let l = this.locals[t.id];
    if (l === undefined) {
      l = this.fb.allocLocal(wt(t.type));
      this.locals[t.id] = l;
    }
    return l;
  }

  private stateLoad(type: IrType, off: number): void {
    if (type === "i32") this.fb.i32Load(CTRL_BYTES + off);
    else this.fb.i64Load(CTRL_BYTES + off);
  }

  private stateStore(type: IrType, off: number): void {
    if (type === "i32") this.fb.i32Store(CTRL_BYTES + off);
    else this.fb.i64Store(CTRL_BYTES + off);
  }

  /** Pushes the value of `t`. */
  /** @internal */
  get(t: Temp): void {
    const fb = this.fb;
    if (t.kind === "const") {
      this.const(t.type, t.value);
    } else if (t.kind === "global") {
      const g = t.global!;
      if (g.hardwiredZero === true) this.const(t.type, 0n);
      else if (this.cache) fb.localGet(this.gLocals[t.id]!);
      else {
        fb.localGet(this.env);
        this.stateLoad(t.type, g.offset);
      }
    } else {
      fb.localGet(this.local(t));
    }
  }

  private scratch(type: IrType): WasmLocal {
    if (type === "i32") return (this.scratch32 ??= this.fb.allocLocal(i32));
    return (this.scratch64 ??= this.fb.allocLocal(i64));
  }

  /** Pops the value on the stack into `t`. */
  /** @internal */
  set(t: Temp): void {
    const fb = this.fb;
    if (t.kind === "global") {
      const g = t.global!;
      if (g.hardwiredZero === true) fb.drop();
      else if (this.cache) {
        fb.localSet(this.gLocals[t.id]!);
        if (this.dirty[t.id] !== true) {
          this.dirty[t.id] = true;
          this.dirtyList.push(t);
        }
      } else {
        const s = this.scratch(t.type);
        fb.localSet(s);
        fb.localGet(this.env);
        fb.localGet(s);
        this.stateStore(t.type, g.offset);
      }
    } else if (t.kind === "const") {
      throw new Error("lower: write to a constant");
    } else {
      fb.localSet(this.local(t));
    }
  }

  /** Stores dirty globals to the CPU state; `clear` forgets them (the main path), else keeps them (a side exit). */
  /** @internal */
  writeback(clear: boolean): void {
    const fb = this.fb;
    for (const g of this.dirtyList) {
      fb.localGet(this.env);
      fb.localGet(this.gLocals[g.id]!);
      this.stateStore(g.type, g.global!.offset);
    }
    if (clear) this.clearDirty();
  }

  private clearDirty(): void {
    for (const g of this.dirtyList) this.dirty[g.id] = false;
    this.dirtyList = [];
  }

  private reload(): void {
    const fb = this.fb;
    for (const g of this.usedGlobals) {
      fb.localGet(this.env);
      this.stateLoad(g.type, g.global!.offset);
      fb.localSet(this.gLocals[g.id]!);
    }
  }

  /** @internal */
  returnExit(kind: number): void {
    const fb = this.fb;
    fb.localGet(this.self);
    fb.i32Const(EXIT_KIND_BITS);
    fb.i32Shl();
    if (kind !== 0) {
      fb.i32Const(kind);
      fb.i32Or();
    }
    fb.return();
  }

  /** @internal */
  callRt(slot: number, type: number): void {
    this.fb.i32Const(slot);
    this.fb.callIndirect(type);
  }

  private returnCallRt(slot: number, type: number): void {
    this.fb.i32Const(slot);
    this.fb.returnCallIndirect(type);
  }

  /** @internal */
  storeExitPc(): void {
    this.fb.localGet(this.env);
    if (this.pc === null) this.fb.localGet(this.pcLocal!);
    else this.fb.i64Const(this.pc);
    this.fb.i64Store(CTRL_EXIT_PC);
  }

  // ---- control flow -----------------------------------------------------------------

  private depthOf(label: number): number {
    const i = this.open.lastIndexOf(label);
    if (i < 0) throw new Error(`lower: branch to label L${label}, which is not placed later`);
    return this.open.length - 1 - i;
  }

  private noteBranch(label: number): void {
    let list = this.pending.get(label);
    if (list === undefined) {
      list = [];
      this.pending.set(label, list);
    }
    for (const g of this.dirtyList) if (!list.includes(g)) list.push(g);
  }

  private setLabel(label: number): void {
    if (this.reachable) this.pcForLabel(label);
    this.pc = this.labelPc.get(label) ?? null;
    const top = this.open.pop();
    if (top !== label) throw new Error(`lower: label L${label} placed out of order`);
    this.fb.end();
    if (!this.reachable) this.clearDirty();
    for (const g of this.pending.get(label) ?? []) {
      if (this.dirty[g.id] !== true) {
        this.dirty[g.id] = true;
        this.dirtyList.push(g);
      }
    }
    this.pending.delete(label);
    this.reachable = true;
  }

  /** Pushes the i32 truth value of `a cond b` (operands already pushed). */
  /** @internal */
  compare(type: IrType, c: Cond): void {
    emitCompare(this.fb, type, c);
  }

  // ---- ops --------------------------------------------------------------------------

  private op(op: Op): void {
    const fb = this.fb;
    const type: IrType = op.type ?? "i64";
    const is32 = type === "i32";
    const a = op.ins[0]!;
    const b = op.ins[1]!;
    const out = op.outs[0]!;
    if (BINARY_OPERATORS.has(op.opc)) {
      this.get(a);
      this.get(b);
      binaryOperator(this, op.opc, type);
      this.set(out);
      return;
    }
    switch (op.opc) {
      case "mov": this.get(a); this.set(out); return;
      case "discard": return;
      case "insn_start": this.pc = a.value; return;
      case "neg": this.const(type, 0n); this.get(a); if (is32) fb.i32Sub(); else fb.i64Sub(); this.set(out); return;
      case "mulsh": case "muluh": mulh(this, op.opc === "mulsh", type, a, b); this.set(out); return;
      case "div": case "divu": case "rem": case "remu": div(this, op.opc, type, a, b); this.set(out); return;
      case "not": this.get(a); not(this, type); this.set(out); return;
      case "clz": this.get(a); if (is32) fb.i32Clz(); else fb.i64Clz(); this.set(out); return;
      case "ctz": this.get(a); if (is32) fb.i32Ctz(); else fb.i64Ctz(); this.set(out); return;
      case "ctpop": this.get(a); if (is32) fb.i32Popcnt(); else fb.i64Popcnt(); this.set(out); return;
      case "bswap16": bswap16(this, type, a); this.set(out); return;
      case "bswap32":
        this.get(a);
        if (is32) bswap32(this);
        else { fb.i32WrapI64(); bswap32(this); fb.i64ExtendI32U(); }
        this.set(out);
        return;
      case "bswap64": bswap64(this, a); this.set(out); return;
      case "ext8s": this.get(a); if (is32) fb.i32Extend8S(); else fb.i64Extend8S(); this.set(out); return;
      case "ext16s": this.get(a); if (is32) fb.i32Extend16S(); else fb.i64Extend16S(); this.set(out); return;
      case "ext32s": this.get(a); fb.i64Extend32S(); this.set(out); return;
      case "ext8u": this.get(a); this.const(type, 0xffn); if (is32) fb.i32And(); else fb.i64And(); this.set(out); return;
      case "ext16u": this.get(a); this.const(type, 0xffffn); if (is32) fb.i32And(); else fb.i64And(); this.set(out); return;
      case "ext32u": this.get(a); fb.i64Const(0xffff_ffffn); fb.i64And(); this.set(out); return;
      case "ext_i32_i64": this.get(a); fb.i64ExtendI32S(); this.set(out); return;
      case "extu_i32_i64": this.get(a); fb.i64ExtendI32U(); this.set(out); return;
      case "extrl_i64_i32": this.get(a); fb.i32WrapI64(); this.set(out); return;
      case "extrh_i64_i32": this.get(a); fb.i64Const(32); fb.i64ShrU(); fb.i32WrapI64(); this.set(out); return;
      case "extract": case "sextract": extract(this, op.opc === "sextract", type, a, op.consts[0]!, op.consts[1]!); this.set(out); return;
      case "deposit": deposit(this, type, a, b, op.consts[0]!, op.consts[1]!); this.set(out); return;
      case "setcond":
        this.get(a);
        this.get(b);
        this.compare(type, condFromCode(op.consts[0]!));
        if (!is32) fb.i64ExtendI32U();
        this.set(out);
        return;
      case "movcond":
        this.get(op.ins[2]!);
        this.get(op.ins[3]!);
        this.get(a);
        this.get(b);
        this.compare(type, condFromCode(op.consts[0]!));
        fb.select();
        this.set(out);
        return;
      case "set_label": this.setLabel(op.consts[0]!); return;
      case "br":
        this.noteBranch(op.consts[0]!);
        this.pcForLabel(op.consts[0]!);
        fb.br(this.depthOf(op.consts[0]!));
        this.reachable = false;
        return;
      case "brcond":
        this.pcForLabel(op.consts[1]!);
        this.get(a);
        this.get(b);
        this.compare(type, condFromCode(op.consts[0]!));
        this.noteBranch(op.consts[1]!);
        fb.brIf(this.depthOf(op.consts[1]!));
        return;
      case "goto_tb": this.gotoTb(op.consts[0]!); return;
      case "exit_tb": {
        const code = op.consts[0]!;
        if (code < 0 || code > ExitKind.MAX_EXIT_TB) throw new RangeError(`lower: exit_tb code ${code} out of range`);
        this.writeback(true);
        this.returnExit(code);
        this.reachable = false;
        return;
      }
      case "lookup_and_goto_ptr": this.lookupAndGoto(); return;
      case "ld8u": case "ld8s": case "ld16u": case "ld16s": case "ld32u": case "ld32s": case "ld":
        fb.localGet(this.env);
        hostLoad(this, op.opc, type, CTRL_BYTES + op.consts[0]!);
        this.set(out);
        return;
      case "st8": case "st16": case "st32": case "st":
        fb.localGet(this.env);
        this.get(a);
        hostStore(this, op.opc, type, CTRL_BYTES + op.consts[0]!);
        return;
      case "guest_ld": guestLoad(this, type, a, op.consts[0]!, out); return;
      case "guest_st": guestStore(this, type, a, b, op.consts[0]!); return;
      case "atomic_cmpxchg": case "atomic_xchg": case "atomic_fetch_add": case "atomic_fetch_and":
      case "atomic_fetch_or": case "atomic_fetch_xor": case "atomic_fetch_smin": case "atomic_fetch_smax":
      case "atomic_fetch_umin": case "atomic_fetch_umax":
        atomic(this, op, type);
        return;
      case "mb": fb.atomicFence(); return;
      case "call": this.call(op); return;
    }
  }

  /** @internal */
  tmp(type: IrType): WasmLocal {
    return this.fb.allocLocal(wt(type));
  }

  /** @internal */
  toLocal(t: Temp, type: IrType): WasmLocal {
    const l = this.tmp(type);
    this.get(t);
    this.fb.localSet(l);
    return l;
  }

  // ---- guest memory -------------------------------------------------------------------

  // ---- exits and calls ------------------------------------------------------------------

  private gotoTb(n: number): void {
    const fb = this.fb;
    this.writeback(true);
    const target = this.scratch("i32");
    fb.localGet(this.self);
    fb.i32Const(Math.log2(this.cfg.descBytes));
    fb.i32Shl();
    fb.i32AtomicLoad(this.cfg.jmpTarget0Addr + 4 * n);
    this.chainIfSet(target);
  }

  /** Pops a TB number + 1 (0: none) into `target`; if set, tail-calls the dispatcher with it. */
  private chainIfSet(target: WasmLocal): void {
    const fb = this.fb;
    fb.localTee(target);
    fb.if();
    fb.localGet(this.env);
    fb.localGet(target);
    fb.i32Const(1);
    fb.i32Sub();
    this.returnCallRt(this.imports.chain, this.imports.tbType);
    fb.end();
  }

  private lookupAndGoto(): void {
    const fb = this.fb;
    this.writeback(true);
    const target = this.scratch("i32");
    const il = this.cfg.inlineLookup;
    if (il !== undefined) emitInlineLookup(this, il, target);
    fb.localGet(this.env);
    fb.localGet(this.self);
    this.callRt(this.imports.lookup, this.imports.tbType);
    this.chainIfSet(target);
    this.returnExit(ExitKind.LOOKUP_MISS);
    this.reachable = false;
  }

  private call(op: Op): void {
    const fb = this.fb;
    const h = this.func.helpers[op.consts[0]!];
    if (h === undefined) throw new Error("lower: call of an unknown helper");
    const noReturn = (h.flags & HELPER_NO_RETURN) !== 0;
    const writes = (h.flags & HELPER_NO_WRITE_GLOBALS) === 0;
    const reads = (h.flags & HELPER_NO_READ_GLOBALS) === 0;
    if (noReturn || reads || writes) this.writeback(true);
    if (noReturn) this.storeExitPc();
    // The uniform helper ABI (HELPER_ABI_ARGS): i64 arguments, padded with zeros, an i64 result.
    fb.localGet(this.env);
    for (const t of op.ins) {
      this.get(t);
      if (t.type === "i32") fb.i64ExtendI32U();
    }
    for (let n = op.ins.length; n < HELPER_ABI_ARGS; n++) fb.i64Const(0);
    this.callRt(this.imports.helper(h.name), this.imports.helperType);
    if (h.ret === "void") fb.drop();
    else if (h.ret === "i32") fb.i32WrapI64();
    if (noReturn) {
      if (h.ret !== "void") fb.drop();
      this.returnExit(ExitKind.HELPER);
      this.reachable = false;
      return;
    }
    if (writes && this.cache) this.reload();
    const out = op.outs[0];
    if (h.ret !== "void") {
      if (out !== undefined) this.set(out);
      else fb.drop();
    }
  }
}
