/**
 * One worker's execution runtime: its funcref table of TBs (tables cannot be posted, so
 * every worker owns one), the instances of the modules it runs, the module builder it
 * translates with, and the import object generated code links against.
 *
 * Compiled modules are per process: a worker that translates publishes the module in a
 * {@link ModuleRegistry}; another worker that meets one of its TBs (found in the shared
 * hash table, or reached through a chained jump) instantiates the same module into its own
 * table without recompiling. Table entries of TBs this worker has no code for hold a stub
 * that returns {@link ExitKind.NOT_LOADED}, so a chained jump into such a TB lands back in
 * the loop instead of trapping.
 *
 * @module
 */
import {
  CTRL_FAULT_ADDR, CTRL_FAULT_INFO, exitCode, ExitKind, FAULT_ATOMIC, FAULT_SIZE_SHIFT, IMPORT_MODULE, RtImport, tbExportName,
} from "../backend/wasm/lower-abi.js";
import { INTERP_INSNS, INTERP_MAGIC, interpAreaOffset, InterpHeader, TIER_COMPILED, TIER_QUEUED } from "../backend/wasm/interp-format.js";
import { buildInterpModule, INTERP_EXPORT, INTERP_HOT_IMPORT } from "../backend/wasm/interp-module.js";
import { rtTableSize, TbModuleBuilder } from "../backend/wasm/lower-module.js";
import { ModuleBuilder } from "../backend/wasm/module-builder.js";
import { ValType } from "../backend/wasm/opcodes.js";
import type { HelperDef } from "../ir/helper.js";
import type { TbContext } from "../tb/tb-context.js";
import { TbField, TB_STATE_INVALID, TB_WORDS } from "../tb/tb-desc.js";
import { tbInvalidatePhysPageFast, tbLookup } from "../tb/tb-maint.js";
import { type ExecShared, lowerConfigOf } from "./exec-shared.js";
import { helperImports } from "./helper-imports.js";
import { helperTrampolines } from "./helper-trampolines.js";
import { now } from "./clock.js";
import { createRtTable } from "./rt-table.js";
import type { Translator } from "./translator.js";
import { type WasmModule, type WasmTable, wasmApi } from "./wasm-api.js";

/** Where workers find the compiled module of a TB (process-wide). */
export interface ModuleRegistry {
  /** The module holding TB `tb`'s code and every TB it places, if published. */
  moduleOf(tb: number): { readonly module: WasmModule; readonly tbs: readonly number[] } | undefined;
  /** Publishes a module placing `tbs` (compiled in flush generation `generation`). */
  publish(module: WasmModule, tbs: readonly number[], generation: number): void;
  /** Forgets every module of a generation older than `generation` (after a tb_flush). */
  flush(generation: number): void;
}

/** A registry within one thread (for workers: fill it from posted modules). */
export class LocalModuleRegistry implements ModuleRegistry {
  private readonly byTb = new Map<number, { readonly module: WasmModule; readonly tbs: readonly number[] }>();
  private generation = 0;

  /** @inheritdoc */
  moduleOf(tb: number): { readonly module: WasmModule; readonly tbs: readonly number[] } | undefined {
    return this.byTb.get(tb);
  }

  /** @inheritdoc */
  publish(module: WasmModule, tbs: readonly number[], generation: number): void {
    if (generation < this.generation) return;
    this.flush(generation);
    const rec = { module, tbs };
    for (const tb of tbs) this.byTb.set(tb, rec);
  }

  /** @inheritdoc */
  flush(generation: number): void {
    if (generation <= this.generation) return;
    this.generation = generation;
    this.byTb.clear();
  }
}

/** What the runtime imports need from a vCPU (implemented by `Vcpu`). */
export interface RuntimeCpu {
  /** The vCPU's TB context. */
  readonly ctx: TbContext;
  /** The vCPU's CPU state. */
  readonly state: DataView;
  /** System mode: the soft MMU (virtual addresses, the soft TLB's slow paths). */
  readonly softmmu?: SoftMmu | undefined;
}

/** What a system-mode CPU gives the runtime: its soft TLB's slow paths and instruction-address translation. */
export interface SoftMmu {
  /**
   * `rt.tlbLoad`: a load or atomic (`info`: FAULT_* bits, size << FAULT_SIZE_SHIFT, alignment
   * << ALIGN_SHIFT) at virtual `addr` missed the TLB. Returns the wasm address of the
   * bytes, or 0 after writing the exit kind into the control block's SLOW_STATUS (an
   * exception recorded in the CPU state with the pc in EXIT_PC: HELPER; the running TB
   * `self` invalidated: SMC).
   */
  tlbLoad(self: number, addr: bigint, info: number): number;
  /** `rt.tlbStore`: does the store (RAM with notdirty, MMIO, ROM ignored); returns 0 or the exit kind. */
  tlbStore(self: number, addr: bigint, value: bigint, info: number): number;
  /** The offset in the environment's guest memory (page = offset >> pageBits) of the instruction byte at virtual `pc`, or -1 when it cannot be fetched. */
  codeOffset(pc: bigint): number;
}

/** The slow paths' signatures, for their wasm trampolines. */
const TLB_SLOW_PATHS: readonly HelperDef[] = [
  { name: RtImport.tlbLoad, ret: "i32", args: ["i32", "i64", "i32"], flags: 0 },
  { name: RtImport.tlbStore, ret: "i32", args: ["i32", "i64", "i64", "i32"], flags: 0 },
];

let stubModule: WasmModule | undefined;
/** The interpreter module, by the configuration it was built for (one per process and configuration). */
const interpModules = new Map<string, WasmModule>();

/** Table states of a TB in one worker. */
const NOT_LOADED = 0;
const COMPILED = 1;
const INTERPRETED = 2;
let dispatcherModule: WasmModule | undefined;

/**
 * The dispatcher of a TB table: `chain(env, tb)` tail-calls `table[tb](env, tb)`. TB
 * modules import it (not the table: see `RtImport.chain`).
 */
export function createDispatcher(table: WasmTable): unknown {
  const api = wasmApi();
  if (dispatcherModule === undefined) {
    const mb = new ModuleBuilder();
    const t = mb.addType([ValType.i32, ValType.i32], [ValType.i32]);
    mb.importTable(IMPORT_MODULE, RtImport.table, { initial: 1 });
    mb.sealPrefix();
    const fb = mb.beginFunction(t);
    fb.localGet(fb.param(0));
    fb.localGet(fb.param(1));
    fb.localGet(fb.param(1));
    fb.returnCallIndirect(t);
    mb.exportFunction(RtImport.chain, mb.endFunction());
    dispatcherModule = new api.Module(mb.finish());
  }
  return new api.Instance(dispatcherModule, { [IMPORT_MODULE]: { [RtImport.table]: table } }).exports[RtImport.chain];
}

/** A module exporting `stub(env, self) = exitCode(self, NOT_LOADED)`. */
function stubFunction(): unknown {
  const api = wasmApi();
  if (stubModule === undefined) {
    const mb = new ModuleBuilder();
    const t = mb.addType([ValType.i32, ValType.i32], [ValType.i32]);
    mb.sealPrefix();
    const fb = mb.beginFunction(t);
    fb.localGet(fb.param(1));
    fb.i32Const(4);
    fb.i32Shl();
    fb.i32Const(ExitKind.NOT_LOADED);
    fb.i32Or();
    mb.exportFunction("stub", mb.endFunction());
    stubModule = new api.Module(mb.finish());
  }
  return new api.Instance(stubModule, {}).exports.stub;
}

/** One worker's table, instances, module builder and imports. */
export class ExecWorker {
  /** The TB table (index = TB descriptor index). */
  readonly table: WasmTable;
  /** The module builder this worker translates into. */
  readonly builder: TbModuleBuilder;
  /** The import object of TB modules. */
  readonly imports: Record<string, Record<string, unknown>>;
  /** Flush generation whose code the table holds. */
  generation: number;
  /** Calls of `rt.lookup` (lookup_and_goto_ptr that missed the inline jump-cache probe). */
  lookups = 0;
  /** Hot interpreted TBs queued for compilation by this worker's vCPUs (tier-up.ts compiles them). */
  readonly hotQueue: number[] = [];
  /** When the oldest entry of {@link hotQueue} was queued (ms, `now()`). */
  hotSince = 0;
  /** The interpreted-instruction counter (low 32 bits) of the vCPU that queued it, then, and that vCPU's env. */
  private hotSinceInsns = 0;
  private hotEnv = 0;
  /** The interpreter function (tier 0), made on first use. */
  private interpFn: unknown;
  private words: Int32Array | undefined;
  private readonly stub: unknown;
  private readonly loaded: Uint8Array;
  private placed: number[] = [];
  private readonly cpus = new Map<number, RuntimeCpu>();
  private readonly ramLoLo: number;
  private readonly ramLoHi: number;
  /** The shared memory as a DataView (control blocks), made on first use. */
  private ctrl: DataView | undefined;

  /**
   * @param shared the process-wide environment.
   * @param translator the guest target.
   * @param registry where modules are published and found.
   */
  constructor(
    readonly shared: ExecShared,
    readonly translator: Translator,
    readonly registry: ModuleRegistry = new LocalModuleRegistry(),
  ) {
    const api = wasmApi();
    const maxTbs = shared.tb.params.maxTbs;
    this.stub = stubFunction();
    this.table = new api.Table({ initial: maxTbs, element: "anyfunc" }, this.stub);
    this.loaded = new Uint8Array(maxTbs);
    this.builder = new TbModuleBuilder({ memoryPages: shared.layout.memoryPages, helpers: translator.helpers }, lowerConfigOf(shared, translator.pcOffset));
    this.generation = 0;
    this.ramLoLo = Number(shared.params.ramBase & 0xffff_ffffn);
    this.ramLoHi = Number(shared.params.ramBase >> 32n) | 0;
    this.imports = {
      [IMPORT_MODULE]: {
        [RtImport.memory]: shared.memory,
        [RtImport.fns]: createRtTable(translator.helpers, {
          chain: createDispatcher(this.table),
          lookup: (env: number, self: number): number => this.lookup(env, self),
          notdirty: (env: number, self: number, wa: number, info: number): number => this.notdirty(env, self, wa, info),
          helpers: helperTrampolines(translator.helpers, helperImports(translator.helpers, shared.memory.buffer, translator.stateSize, translator.directHelpers)),
          ...this.slowPaths(),
        }),
      },
    };
  }

  /** Wasm trampolines of the soft TLB's slow paths, calling the vCPU's {@link SoftMmu}. */
  private slowPaths(): { tlbLoad: unknown; tlbStore: unknown } {
    const mmu = (env: number): SoftMmu => {
      const m = this.cpus.get(env)?.softmmu;
      if (m === undefined) throw new Error("soft TLB slow path called for a vCPU without a soft MMU");
      return m;
    };
    const t = helperTrampolines(TLB_SLOW_PATHS, {
      [RtImport.tlbLoad]: (env: number, self: number, addr: bigint, info: number): number => mmu(env).tlbLoad(self, addr, info),
      [RtImport.tlbStore]: (env: number, self: number, addr: bigint, value: bigint, info: number): number => mmu(env).tlbStore(self, addr, value, info),
    });
    return { tlbLoad: t[RtImport.tlbLoad], tlbStore: t[RtImport.tlbStore] };
  }

  /** Registers a vCPU run by this worker (its block address is `env`). */
  attach(env: number, cpu: RuntimeCpu): void {
    this.cpus.set(env, cpu);
  }

  /** Whether the table holds TB `tb`'s compiled code. */
  isLoaded(tb: number): boolean {
    return this.loaded[tb] === COMPILED;
  }

  /** Whether the table holds TB `tb`'s interpreter entry. */
  isInterpreted(tb: number): boolean {
    return this.loaded[tb] === INTERPRETED;
  }

  /** The shared memory as i32 words. */
  private get memWords(): Int32Array {
    return (this.words ??= new Int32Array(this.shared.memory.buffer));
  }

  /** Wasm address of TB `tb`'s code-buffer space. */
  codeAddress(tb: number): number {
    const t = this.shared.tb;
    return t.byteOffset + t.layout.code * 4 + this.memWords[(t.byteOffset >> 2) + t.layout.tbs + tb * TB_WORDS + TbField.CODE_OFFSET]!;
  }

  /** Whether TB `tb` was encoded for the interpreter (its code-buffer space starts with INTERP_MAGIC). */
  hasInterpForm(tb: number): boolean {
    return this.memWords[this.codeAddress(tb) >> 2] === INTERP_MAGIC;
  }

  /** The tier flags word of interpreted TB `tb` (an index into {@link memWords}). */
  private tierWord(tb: number): number {
    return (this.codeAddress(tb) + InterpHeader.TIER) >> 2;
  }

  /** Puts the interpreter at TB `tb`'s table entry. */
  setInterpreted(tb: number): void {
    this.interpFn ??= this.createInterp();
    this.table.set(tb, this.interpFn);
    if (this.loaded[tb] === NOT_LOADED) this.placed.push(tb);
    this.loaded[tb] = INTERPRETED;
  }

  /** Marks TB `tb` (interpreted) as having a published compiled module. */
  markCompiled(tb: number): void {
    Atomics.or(this.memWords, this.tierWord(tb), TIER_COMPILED);
  }

  private createInterp(): unknown {
    const shared = this.shared;
    const t = shared.tb;
    const cfg = {
      lower: lowerConfigOf(shared, this.translator.pcOffset),
      memoryPages: shared.layout.memoryPages,
      rtSlots: rtTableSize(this.translator.helpers),
      stateSize: this.translator.stateSize,
      desc0Addr: t.byteOffset + t.layout.tbs * 4,
      codeAddr: t.byteOffset + t.layout.code * 4,
      hotThreshold: shared.params.tier === "auto" ? Math.max(1, shared.params.hotThreshold) : 0,
    };
    const key = JSON.stringify(cfg, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    const api = wasmApi();
    let module = interpModules.get(key);
    if (module === undefined) {
      module = new api.Module(buildInterpModule(cfg));
      interpModules.set(key, module);
    }
    const imports = { [IMPORT_MODULE]: { ...this.imports[IMPORT_MODULE], [INTERP_HOT_IMPORT]: (env: number, self: number): number => this.hot(env, self) } };
    return new api.Instance(module, imports).exports[INTERP_EXPORT];
  }

  /**
   * The interpreter's hot-TB call (at the threshold and every 1,024 entries after it):
   * installs a compiled module another worker published, or queues the TB (once per
   * process: the first worker to set TIER_QUEUED compiles it). Non-zero: leave to the loop
   * (compiled code was installed, or a batch is ready to compile).
   */
  private hot(env: number, self: number): number {
    if (this.loaded[self] === COMPILED) return 1;
    if (this.registry.moduleOf(self) !== undefined) return this.ensureLoaded(self) ? 1 : 0;
    const old = Atomics.or(this.memWords, this.tierWord(self), TIER_QUEUED);
    if ((old & TIER_QUEUED) === 0) {
      if (this.hotQueue.length === 0) {
        this.hotSince = now();
        this.hotEnv = env;
        this.hotSinceInsns = this.interpInsnsLow(env);
      }
      this.hotQueue.push(self);
    }
    return this.tierUpDue() ? 1 : 0;
  }

  /**
   * Whether the hot queue should be compiled now: a full batch, or its oldest entry waited
   * long enough (tierDelayMs and tierDelayInsns interpreted by the vCPU that queued it).
   */
  tierUpDue(): boolean {
    const q = this.hotQueue.length;
    if (q === 0) return false;
    const p = this.shared.params;
    if (q >= p.tierBatch) return true;
    return now() - this.hotSince >= p.tierDelayMs && ((this.interpInsnsLow(this.hotEnv) - this.hotSinceInsns) >>> 0) >= p.tierDelayInsns;
  }

  /** The low 32 bits of the guest instructions the vCPU at `env` has interpreted (its interpreter area's counter). */
  private interpInsnsLow(env: number): number {
    return this.memWords[(env + interpAreaOffset(this.translator.stateSize) + INTERP_INSNS) >> 2]! >>> 0;
  }

  /** Instantiates `module` (placing `tbs`) into this worker's table. */
  instantiate(module: WasmModule, tbs: readonly number[]): void {
    const exports = new (wasmApi().Instance)(module, this.imports).exports;
    for (const tb of tbs) {
      this.table.set(tb, exports[tbExportName(tb)]);
      if (this.loaded[tb] === NOT_LOADED) this.placed.push(tb);
      this.loaded[tb] = COMPILED;
    }
  }

  /** Makes TB `tb`'s code available from the registry if needed; false if no module has it. */
  ensureLoaded(tb: number): boolean {
    const l = this.loaded[tb];
    if (l === COMPILED) return true;
    const rec = this.registry.moduleOf(tb);
    if (rec !== undefined) {
      this.instantiate(rec.module, rec.tbs);
      return true;
    }
    if (l === INTERPRETED) return true;
    if (this.shared.params.tier !== "jit" && this.hasInterpForm(tb)) {
      this.setInterpreted(tb);
      return true;
    }
    return false;
  }

  /** After a tb_flush (generation `g`): every table entry back to the stub. */
  flushed(g: number): void {
    if (g !== this.generation) this.reset(g);
  }

  /**
   * Forgets every TB whatever the generation (table entries back to the stub, no hot
   * queue, the registry flushed to `g`) and takes flush generation `g`: the environment
   * is reused for another process (linux-user), after its arena was reset.
   */
  reset(g: number): void {
    for (const tb of this.placed) this.table.set(tb, this.stub);
    this.placed = [];
    this.loaded.fill(0);
    this.hotQueue.length = 0;
    this.generation = g;
    this.registry.flush(g);
  }

  /** rt.lookup: the TB for the pc in the CPU state, + 1, or 0 (lookup_and_goto_ptr). */
  private lookup(env: number, _self: number): number {
    const cpu = this.cpus.get(env);
    if (cpu === undefined) return 0;
    this.lookups++;
    const t = this.translator;
    let pcLo: number;
    let pcHi: number;
    const po = t.pcOffset;
    if (po !== undefined) {
      pcLo = cpu.state.getInt32(po, true);
      pcHi = cpu.state.getInt32(po + 4, true);
    } else {
      const pc = t.getPc(cpu.state);
      pcLo = Number(pc & 0xffff_ffffn) | 0;
      pcHi = Number(pc >> 32n) | 0;
    }
    if (cpu.softmmu !== undefined) {
      const off = cpu.softmmu.codeOffset(BigInt.asUintN(64, (BigInt(pcHi) << 32n) | BigInt(pcLo >>> 0)));
      if (off < 0) return 0;
      const page = off >>> cpu.ctx.shared.params.pageBits;
      const tb = tbLookup(cpu.ctx, cpu.ctx.vcpu, pcLo, pcHi, t.tbFlags(cpu.state), 0, page);
      if (tb < 0 || this.loaded[tb] === NOT_LOADED) return 0;
      return tb + 1;
    }
    // RAM offset of the pc (u64 arithmetic on two halves).
    const lo = this.ramLoLo;
    let offLo = (pcLo >>> 0) - lo;
    const offHi = pcHi - this.ramLoHi - (offLo < 0 ? 1 : 0);
    if (offLo < 0) offLo += 0x1_0000_0000;
    if (offHi !== 0 || offLo >= this.shared.params.ramSize) return 0;
    const page = offLo >>> cpu.ctx.shared.params.pageBits;
    const tb = tbLookup(cpu.ctx, cpu.ctx.vcpu, pcLo, pcHi, t.tbFlags(cpu.state), 0, page);
    if (tb < 0 || this.loaded[tb] === NOT_LOADED) return 0;
    return tb + 1;
  }

  /**
   * rt.notdirty, the store-side slow path: a guest store or atomic (FAULT_INFO `info`,
   * size included) at RAM offset `wa` touches a page whose access byte has NO_WRITE or
   * CODE (tb/page-access.ts). A refused access writes the fault details and returns
   * ExitKind.FAULT (nothing is invalidated: the store is not done). Otherwise the TBs it
   * overlaps are invalidated (tb_invalidate_phys_page_fast under the page collection lock)
   * and it returns ExitKind.SMC if the running TB `self` was among them (the store is then
   * not done: the TB exits and the loop re-executes the instruction alone), else 0.
   */
  private notdirty(env: number, self: number, wa: number, info: number): number {
    const cpu = this.cpus.get(env);
    if (cpu === undefined) return 0;
    const ctx = cpu.ctx;
    const bytes = info >>> FAULT_SIZE_SHIFT;
    if (this.shared.params.pageProtection && ctx.pages.access.firstDenied(wa, bytes, (info & FAULT_ATOMIC) !== 0 ? "atomic" : "store") !== undefined) {
      const ctrl = (this.ctrl ??= new DataView(this.shared.memory.buffer));
      ctrl.setInt32(env + CTRL_FAULT_INFO, info, true);
      ctrl.setBigUint64(env + CTRL_FAULT_ADDR, BigInt.asUintN(64, this.shared.params.ramBase + BigInt(wa)), true);
      return ExitKind.FAULT;
    }
    return this.notdirtyWrite(cpu, self, wa, bytes) ? ExitKind.SMC : 0;
  }

  /**
   * The notdirty write path (memory_notdirty_write_prepare): a store of `bytes` at guest
   * memory offset `offset` hits a page holding code; invalidates the TBs it overlaps
   * (tb_invalidate_phys_page_fast under the page collection lock of the range, no global
   * lock in system mode). Returns whether TB `self` (the running one; -1: none) was
   * valid and is invalidated now: the store must then not be done, the TB leaves with
   * ExitKind.SMC. Otherwise `store`, when given, does the store before the pages are
   * unlocked (memory_notdirty_write_complete), so no TB translated meanwhile misses it.
   */
  notdirtyWrite(cpu: RuntimeCpu, self: number, offset: number, bytes: number, store?: () => void): boolean {
    const ctx = cpu.ctx;
    const wa = offset;
    const selfWasValid = self >= 0 && (ctx.tbs.get(self, TbField.STATE) & TB_STATE_INVALID) === 0;
    if (ctx.userMode) ctx.mmapLock();
    ctx.tbLockIfEnabled();
    const pages = ctx.collection;
    pages.lock(ctx.thread, wa, wa + bytes);
    try {
      // A misaligned store may cross into the next page: one call per page.
      const split = Math.min(bytes, ctx.pages.pageSize - (wa & (ctx.pages.pageSize - 1)));
      tbInvalidatePhysPageFast(ctx, pages, wa, split);
      if (split < bytes) tbInvalidatePhysPageFast(ctx, pages, wa + split, bytes - split);
      const smc = selfWasValid && (ctx.tbs.get(self, TbField.STATE) & TB_STATE_INVALID) !== 0;
      if (!smc) store?.();
      return smc;
    } finally {
      pages.unlock(ctx.thread);
      ctx.tbUnlockIfEnabled();
      if (ctx.userMode) ctx.mmapUnlock();
    }
  }

  /** Calls TB `tb` with the vCPU block `env`; returns its exit code. */
  run(env: number, tb: number): number {
    return (this.table.get(tb) as (env: number, self: number) => number)(env, tb);
  }

  /** The exit code the stub returns (for tests). */
  static stubExit(tb: number): number {
    return exitCode(tb, ExitKind.NOT_LOADED);
  }
}
