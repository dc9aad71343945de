/**
 * The cpu-exec loop (QEMU's cpu_exec / tb_find / tb_gen_code, accel/tcg/cpu-exec.c and
 * translate-all.c), guest-neutral: the target comes in through {@link Translator}.
 *
 * One {@link Vcpu} per guest CPU, run by the worker ({@link ExecWorker}) that owns its
 * table. {@link cpuExec} runs TBs until something the caller must handle: an exit request
 * (kick, safe work, interrupt), a guest memory fault, a noreturn helper (ecall, ebreak,
 * illegal instruction: the target's state says which) or an instruction fetch fault. TBs
 * chain to each other in generated code; the loop only sees a TB's exit when a jump is not
 * chained yet (it then chains it: tb_add_jump under the destination's jmp_lock), on
 * lookup_and_goto_ptr misses, and on the exits above.
 *
 * @module
 */
import {
  CTRL_BYTES, CTRL_EXIT_PC, CTRL_EXIT_REQ_PTR, CTRL_JMP_CACHE_PTR, CTRL_TB_FLAGS, CTRL_FAULT_ADDR, CTRL_FAULT_INFO, EXIT_KIND_BITS, EXIT_KIND_MASK, ExitKind, FAULT_ATOMIC, FAULT_MISALIGNED,
  FAULT_SIZE_SHIFT, FAULT_STORE,
} from "../backend/wasm/lower-abi.js";
import { INTERP_INSNS, interpAreaOffset } from "../backend/wasm/interp-format.js";
import { optimizeTb } from "../opt/optimize.js";
import type { SyncThread } from "../sync/sync-thread.js";
import { ACCESS_NO_EXEC, type AccessDenial, type PageAccessTable } from "../tb/page-access.js";
import { attachTbContext, type TbContext } from "../tb/tb-context.js";
import { NO_PAGE, TB_WORDS, TbField } from "../tb/tb-desc.js";
import { tbAddJump } from "../tb/tb-jmp.js";
import { TB_BUFFER_FULL, tbCreate, tbFlush, tbInvalidatePhysRange, tbLookup } from "../tb/tb-maint.js";
import { now } from "./clock.js";
import { interpretTb, tierUp } from "./tier-up.js";
import { jmpCacheAddress, vcpuEnv } from "./exec-shared.js";
import { LOG_AT_ENTRY, logModule, logOptimized, logTbEntry, logTranslated, type LoggedTb, type TcgLog } from "./log.js";
import { CF_COUNT_MASK, type GuestCodeReader, type TranslatedTb } from "./translator.js";
import { wasmApi } from "./wasm-api.js";
import type { ExecWorker, SoftMmu } from "./worker-runtime.js";

/** Zeros that {@link codeEstimate} hands out views of (no allocation per TB). */
let zeroCode = new Uint8Array(4096);

/**
 * Code-buffer bytes accounted for a TB of `ops` IR ops (the buffer only meters the
 * translation cache: the code itself lives in compiled modules).
 */
function codeEstimate(ops: number): Uint8Array {
  const n = Math.max(16, ops * 12);
  if (n > zeroCode.length) zeroCode = new Uint8Array(n);
  return zeroCode.subarray(0, n);
}

/**
 * Why a guest access or fetch faulted: a misaligned access the op required aligned, an
 * address outside the guest window (RAM), or (with `pageProtection`) a page of the access
 * table that is unmapped or does not permit the access (tb/page-access.ts).
 */
export type FaultReason = "misaligned" | "outside" | AccessDenial;

/** Fault exits in one {@link cpuExec} call that no page refuses any more before one is reported anyway. */
const MAX_SPURIOUS_FAULTS = 1000;

/** Why {@link cpuExec} returned. In every case the CPU state's pc is where execution resumes. */
export type CpuExit =
  /** The vCPU was kicked (exit_request): interrupts, safe work, a stop request. */
  | { readonly kind: "exit_request" }
  /** A guest memory access faulted at `pc` (state as before the instruction). */
  | {
    readonly kind: "fault"; readonly pc: bigint; readonly store: boolean; readonly atomic: boolean; readonly misaligned: boolean;
    /** The first byte of the access that faulted (the access's address, or the start of the refusing page it crosses into). */
    readonly addr: bigint;
    /** Bytes of the access. */
    readonly size: number;
    /** Why. */
    readonly reason: FaultReason;
  }
  /** A noreturn helper ended the TB at instruction `pc` (the target's state tells why). */
  | { readonly kind: "helper"; readonly pc: bigint }
  /** The instruction at `pc` could not be fetched. */
  | {
    readonly kind: "fetch_fault"; readonly pc: bigint;
    /** The first byte that could not be fetched: `pc`, or the next page's start when the first instruction crosses into it. */
    readonly addr: bigint;
    /** Why ("misaligned" does not occur). */
    readonly reason: FaultReason;
  }
  /** A TB exited with one of the target's `Translator.loopExitCodes`; the TB set the pc. */
  | { readonly kind: "exit_tb"; readonly code: number };

/** Counters and per-phase times of one vCPU (times in milliseconds). */
export interface ExecStats {
  /** TBs translated (including batched successors). */
  tbs: number;
  /** Guest instructions translated. */
  insns: number;
  /** Modules compiled. */
  modules: number;
  /** Times generated code returned to the loop. */
  returns: number;
  /** Jumps chained by the loop. */
  chained: number;
  /** tb_flushes this vCPU ran. */
  flushes: number;
  /** Front end. */
  translateMs: number;
  /** Optimizer. */
  optimizeMs: number;
  /** Lowering to wasm bytes. */
  emitMs: number;
  /** new WebAssembly.Module. */
  compileMs: number;
  /** new WebAssembly.Instance. */
  instantiateMs: number;
  /** Bytes of the wasm modules generated (module overhead and tables included). */
  codeBytes: number;
  /** Wall time inside generated code (helpers it calls included); counted only while {@link Vcpu.timeCode} is set. */
  codeMs: number;
  /** TBs encoded for the interpreter (tier 0). */
  interpTbs: number;
  /** Guest instructions of the interpreted TBs entered (updated when cpuExec returns; an exit in the middle of a TB counts the whole TB). */
  interpInsns: number;
  /** TBs the interpreter could not run (an op without a handler, a frame too large), compiled at once instead. */
  interpRefused: number;
  /** Hot interpreted TBs compiled by tier-up (tier 1). */
  tieredTbs: number;
  /** Tier-up modules compiled. */
  tierModules: number;
  /** Milliseconds in tier-up (translation, lowering, compile, instantiate). */
  tierMs: number;
}

function newStats(): ExecStats {
  return { tbs: 0, insns: 0, modules: 0, returns: 0, chained: 0, flushes: 0, translateMs: 0, optimizeMs: 0, emitMs: 0, compileMs: 0, instantiateMs: 0, codeBytes: 0, codeMs: 0, interpTbs: 0, interpInsns: 0, interpRefused: 0, tieredTbs: 0, tierModules: 0, tierMs: 0 };
}

/** One guest CPU. */
export class Vcpu {
  /** The vCPU's block address (TB functions' `env`). */
  readonly env: number;
  /** The target's CPU state. */
  readonly state: DataView;
  /** The vCPU's view of the TB machinery. */
  readonly ctx: TbContext;
  /** Statistics. */
  readonly stats: ExecStats = newStats();
  /** cflags for the next TB only (e.g. one instruction after self-modifying code), or -1. */
  cflagsNext = -1;
  /** Chain TBs (default). Off: every TB returns to the loop (QEMU's `-d nochain`; for measurements and debugging). */
  chaining = true;
  /** Time every entry into generated code into `stats.codeMs` (off by default: two clock reads per return to the loop). */
  timeCode = false;
  /** `-d` logging (log.ts), or undefined (the default: no logging cost). */
  log: TcgLog | undefined = undefined;
  /**
   * cflags of every TB this vCPU looks up (QEMU's curr_cflags): log.ts's `logCflags` for
   * nochain/exec/cpu, an instruction count of 1 for -one-insn-per-tb. Default 0.
   */
  cflagsBase = 0;
  private readonly ctrl: DataView;
  /** Guest code as the front end reads it (execute permission checked). */
  readonly code: GuestCodeReader;
  private readonly ram: Uint8Array;
  private readonly ramLo: bigint;
  private readonly ramSize: bigint;
  private readonly pageBits: number;
  /** The page access table when the environment checks page protections. */
  private readonly access: PageAccessTable | undefined;
  /**
   * System mode: the soft MMU (set by the system CPU before the first run). Guest pcs are
   * then virtual: the code reader and the TB's physical pages go through its
   * `codeOffset`, and generated code's accesses through its soft TLB.
   */
  softmmu: SoftMmu | undefined = undefined;

  /**
   * @param worker the worker running this vCPU.
   * @param index vCPU index.
   * @param thread the calling thread's identity (locks).
   */
  constructor(
    readonly worker: ExecWorker,
    readonly index: number,
    thread: SyncThread,
  ) {
    const shared = worker.shared;
    this.env = vcpuEnv(shared, index);
    const buf = shared.memory.buffer;
    this.ctrl = new DataView(buf, this.env);
    this.state = new DataView(buf, this.env + CTRL_BYTES, worker.translator.stateSize);
    this.ctx = attachTbContext(shared.tb, thread, index);
    this.ctx.exclusive.addCpu(thread, index);
    this.ram = new Uint8Array(buf, shared.layout.ramOffset, shared.params.ramSize);
    this.ramLo = shared.params.ramBase;
    this.ramSize = BigInt(shared.params.ramSize);
    this.pageBits = this.ctx.shared.params.pageBits;
    const ram = this.ram;
    const lo = shared.params.ramBase;
    const size = shared.params.ramSize;
    const access = shared.params.pageProtection ? this.ctx.pages.access : undefined;
    this.access = access;
    const pb = this.pageBits;
    const softmmu = (): SoftMmu | undefined => this.softmmu;
    this.code = {
      read(addr: bigint, bytes: 1 | 2 | 4): number | undefined {
        const mmu = softmmu();
        if (mmu !== undefined) {
          const o0 = mmu.codeOffset(addr);
          if (o0 < 0 || o0 + bytes > size) return undefined;
          // Never crosses a page: the front end reads parcels of 2 bytes, each within a page.
          let v = 0;
          for (let k = bytes - 1; k >= 0; k--) v = v * 256 + ram[o0 + k]!;
          return v;
        }
        const o = addr - lo;
        if (o < 0n || o + BigInt(bytes) > BigInt(size)) return undefined;
        const i = Number(o);
        // No TB is translated from a page without execute permission.
        if (access !== undefined && ((access.get(i >>> pb) | access.get((i + bytes - 1) >>> pb)) & ACCESS_NO_EXEC) !== 0) return undefined;
        let v = 0;
        for (let k = bytes - 1; k >= 0; k--) v = v * 256 + ram[i + k]!;
        return v;
      },
    };
    this.ctrl.setUint32(CTRL_JMP_CACHE_PTR, jmpCacheAddress(shared, index), true);
    this.ctrl.setUint32(CTRL_EXIT_REQ_PTR, this.ctx.exitRequestAddress(index), true);
    worker.attach(this.env, this);
  }

  /** Guest RAM (guest address `ramBase + i` is byte `i`). */
  get memory(): Uint8Array {
    return this.ram;
  }

  /** RAM offset of guest address `addr`, or -1 outside RAM. */
  ramOffset(addr: bigint): number {
    const o = addr - this.ramLo;
    return o < 0n || o >= this.ramSize ? -1 : Number(o);
  }

  /** Guest page (RAM offset >> pageBits) of `addr` (system mode: of the instruction at virtual `addr`), or -1 outside RAM. */
  page(addr: bigint): number {
    const o = this.softmmu !== undefined ? this.softmmu.codeOffset(addr) : this.ramOffset(addr);
    return o < 0 ? -1 : o >>> this.pageBits;
  }

  /** The guest pc of TB `tb` (its key). */
  tbPc(tb: number): bigint {
    const lo = BigInt(this.ctx.tbs.get(tb, TbField.PC_LO) >>> 0);
    const hi = BigInt(this.ctx.tbs.get(tb, TbField.PC_HI));
    return BigInt.asUintN(64, (hi << 32n) | lo);
  }

  /**
   * Invalidates the TBs overlapping guest range [start, end) (after the host wrote guest
   * code: loading a program, DMA, a debugger). Takes the memory lock of the mode.
   */
  invalidateRange(start: bigint, end: bigint): number {
    const size = this.worker.shared.params.ramSize;
    const lo = this.worker.shared.params.ramBase;
    const s = Number(start < lo ? 0n : start - lo > BigInt(size) ? BigInt(size) : start - lo);
    const e = Number(end < lo ? 0n : end - lo > BigInt(size) ? BigInt(size) : end - lo);
    if (e <= s) return 0;
    const ctx = this.ctx;
    if (ctx.userMode) ctx.mmapLock();
    ctx.tbLockIfEnabled();
    try {
      return tbInvalidatePhysRange(ctx, s, e);
    } finally {
      ctx.tbUnlockIfEnabled();
      if (ctx.userMode) ctx.mmapUnlock();
    }
  }

  /** Removes this vCPU from the CPU list (it must not be running). */
  close(): void {
    this.ctx.exclusive.removeCpu(this.ctx.thread, this.index);
  }

  /** Asks this vCPU to leave its loop at the next TB boundary (any thread may call it). */
  kick(): void {
    this.ctx.exclusive.kick(this.index);
  }

  /**
   * Translates the TB at `pc` and statically known successors in the same page (breadth
   * first, up to `tbsPerModule`) into one module: translate and optimize all, publish their
   * descriptors (tb_link_page), lower them, compile, instantiate. Returns the TB at `pc`,
   * -1 on a fetch fault, or TB_BUFFER_FULL. (Direct tail calls between TBs of one module,
   * bypassing the dispatcher, were measured: no difference on a 3-TB loop, 17.0 vs 17.2 ns
   * per iteration, so chained jumps always go through `rt.chain`.)
   */
  private genCode(pc: bigint, flags: number, cflags: number): number {
    const w = this.worker;
    const t = w.translator;
    const tmb = w.builder;
    const ctx = this.ctx;
    const st = this.stats;
    const pageBits = BigInt(ctx.shared.params.pageBits);
    const firstPage = this.page(pc);
    const limit = (cflags & CF_COUNT_MASK) === 0 ? w.shared.params.tbsPerModule : 1;
    const lg = this.log;
    const queue: bigint[] = [pc];
    const seen = new Set<bigint>([pc]);
    const batch: { readonly tr: TranslatedTb; readonly tb: number; readonly pc: bigint; readonly log: string }[] = [];
    if (w.shared.params.tier !== "jit") {
      const r = interpretTb(this, pc, flags, cflags);
      if (r !== undefined) return r;
    }
    // 1. Translate, optimize and publish.
    for (let qi = 0; qi < queue.length && batch.length < limit; qi++) {
      const p = queue[qi]!;
      const pcLo = Number(p & 0xffff_ffffn) | 0;
      const pcHi = Number(p >> 32n) | 0;
      const page0 = this.page(p);
      if (qi > 0 && (page0 !== firstPage || tbLookup(ctx, this.index, pcLo, pcHi, flags, cflags, page0) >= 0)) continue;
      let t0 = now();
      let tr: TranslatedTb | undefined;
      try {
        tr = t.translate({ pc: p, flags, cflags, code: this.code });
      } catch (e) {
        if (qi === 0) throw e;
        tr = undefined;
      }
      const t1 = now();
      st.translateMs += t1 - t0;
      if (tr === undefined) {
        if (qi === 0) return -1;
        continue;
      }
      const logText = lg === undefined ? "" : logTranslated(lg, p, tr, this.code);
      optimizeTb(tr.func, w.shared.params.tbOpt);
      t0 = now();
      st.optimizeMs += t0 - t1;
      const page1 = this.page(p + BigInt(Math.max(tr.size, 1) - 1));
      const created = tbCreate(ctx, {
        pcLo, pcHi, flags, cflags, physPage0: page0, physPage1: page1 < 0 || page1 === page0 ? NO_PAGE : page1, size: tr.size, icount: tr.icount,
      }, codeEstimate(tr.func.ops.length));
      if (created === TB_BUFFER_FULL) {
        if (qi === 0) return TB_BUFFER_FULL;
        break;
      }
      batch.push({ tr, tb: created.tb, pc: p, log: lg === undefined ? "" : logText + logOptimized(lg, tr) });
      st.tbs++;
      st.insns += tr.icount;
      for (const s of tr.successors ?? []) {
        if (!seen.has(s) && s >> pageBits === pc >> pageBits) {
          seen.add(s);
          queue.push(s);
        }
      }
    }
    // 2. Lower.
    const t0 = now();
    tmb.reset();
    const placed: number[] = [];
    const logged: LoggedTb[] | undefined = lg === undefined ? undefined : [];
    for (const b of batch) {
      const lowered = tmb.add(b.tr.func);
      logged?.push({ tb: b.tb, pc: b.pc, text: b.log, code: lowered.code, funcIndex: lowered.funcIndex });
      if (!w.isLoaded(b.tb)) {
        tmb.place(b.tb, lowered.funcIndex);
        placed.push(b.tb);
      }
    }
    const bytes = tmb.finish();
    st.emitMs += now() - t0;
    st.codeBytes += bytes.length;
    if (logged !== undefined) logModule(lg!, bytes, logged, tmb.slotNames);
    if (placed.length > 0) {
      const api = wasmApi();
      const t1 = now();
      const module = new api.Module(bytes);
      const t2 = now();
      w.instantiate(module, placed);
      st.instantiateMs += now() - t2;
      st.compileMs += t2 - t1;
      st.modules++;
      w.registry.publish(module, placed, ctx.flushCount);
    }
    return batch[0]!.tb;
  }

  /** tb_find: jump cache, hash table, else translate (flushing when the buffer is full). */
  findTb(pc: bigint, flags: number, cflags: number): number {
    const ctx = this.ctx;
    const page = this.page(pc);
    if (page < 0) return -1;
    const pcLo = Number(pc & 0xffff_ffffn) | 0;
    const pcHi = Number(pc >> 32n) | 0;
    let tb = tbLookup(ctx, this.index, pcLo, pcHi, flags, cflags, page);
    if (tb >= 0 && this.worker.ensureLoaded(tb)) return tb;
    for (;;) {
      const seen = ctx.flushCount;
      if (ctx.userMode) ctx.mmapLock();
      ctx.tbLockIfEnabled();
      try {
        tb = this.genCode(pc, flags, cflags);
      } finally {
        ctx.tbUnlockIfEnabled();
        if (ctx.userMode) ctx.mmapUnlock();
      }
      if (tb !== TB_BUFFER_FULL) return tb;
      if (tbFlush(ctx, seen)) this.stats.flushes++;
      this.worker.flushed(ctx.flushCount);
    }
  }

  /**
   * Exit details of a fault exit from the control block: the access (FAULT_INFO,
   * FAULT_ADDR) classified against the window and the page access table. Undefined when
   * no page refuses the access any more (another thread changed the protections since):
   * the instruction is to be run again; with `force`, such an access is reported as
   * "protected" anyway.
   */
  faultExit(force = false): CpuExit | undefined {
    const info = this.ctrl.getInt32(CTRL_FAULT_INFO, true);
    const at = this.ctrl.getBigUint64(CTRL_FAULT_ADDR, true);
    const store = (info & FAULT_STORE) !== 0;
    const atomic = (info & FAULT_ATOMIC) !== 0;
    const misaligned = (info & FAULT_MISALIGNED) !== 0;
    const size = Math.max(1, info >>> FAULT_SIZE_SHIFT);
    const exit = (addr: bigint, reason: FaultReason): CpuExit => ({
      kind: "fault", pc: this.ctrl.getBigUint64(CTRL_EXIT_PC, true), addr, store, atomic, misaligned, size, reason,
    });
    if (misaligned) return exit(at, "misaligned");
    const o = at - this.ramLo;
    if (o < 0n || o >= this.ramSize) return exit(at, "outside");
    if (this.access === undefined) return exit(o + BigInt(size) > this.ramSize ? this.ramLo + this.ramSize : at, "outside");
    const inRam = Math.min(size, Number(this.ramSize - o));
    const d = this.access.firstDenied(Number(o), inRam, atomic ? "atomic" : store ? "store" : "load");
    if (d !== undefined) return exit(this.ramLo + BigInt(d.offset), d.denial);
    if (inRam < size) return exit(this.ramLo + this.ramSize, "outside");
    return force ? exit(at, "protected") : undefined;
  }

  /** The fetch fault of a TB at `pc` that could not be translated (its first instruction cannot be fetched). */
  fetchFault(pc: bigint): CpuExit {
    if (this.softmmu !== undefined) {
      // The system CPU finds the cause (page fault, access fault) from the address again.
      const pageSize = 1n << BigInt(this.pageBits);
      const addr = this.softmmu.codeOffset(pc) < 0 ? pc : (pc & ~(pageSize - 1n)) + pageSize;
      return { kind: "fetch_fault", pc, addr, reason: "outside" };
    }
    const reason = (addr: bigint): FaultReason | undefined => {
      const o = addr - this.ramLo;
      if (o < 0n || o >= this.ramSize) return "outside";
      return this.access?.firstDenied(Number(o), 1, "fetch")?.denial;
    };
    const r = reason(pc);
    if (r !== undefined) return { kind: "fetch_fault", pc, addr: pc, reason: r };
    const pageSize = 1n << BigInt(this.pageBits);
    const next = (pc & ~(pageSize - 1n)) + pageSize;
    return { kind: "fetch_fault", pc, addr: next, reason: reason(next) ?? "outside" };
  }

  /** Records the current TB flags for generated code (inline lookup_and_goto_ptr). */
  setCtrlFlags(flags: number): void {
    this.ctrl.setInt32(CTRL_TB_FLAGS, flags, true);
  }

  /** Writes the exec/cpu records of an entry into TB `tb` (only called when one of them is on). */
  logEntry(tb: number): void {
    const tbs = this.ctx.tbs;
    const desc0 = this.worker.shared.tb.byteOffset + this.ctx.shared.layout.tbs * 4;
    logTbEntry(this.log!, this.index, desc0 + tb * TB_WORDS * 4, this.tbPc(tb), tbs.get(tb, TbField.FLAGS), tbs.get(tb, TbField.CFLAGS), this.state);
  }

  /** Guest instructions of the interpreted TBs this vCPU entered (the interpreter's counter). */
  interpInsns(): number {
    return Number(this.ctrl.getBigUint64(interpAreaOffset(this.worker.translator.stateSize) + INTERP_INSNS, true));
  }

  /** The pc a fault/helper/SMC exit recorded. */
  exitPc(): bigint {
    return this.ctrl.getBigUint64(CTRL_EXIT_PC, true);
  }
}

/**
 * Runs `cpu` until an exit the caller must handle (see {@link CpuExit}). Brackets the run
 * with cpu_exec_start / cpu_exec_end, so exclusive work (tb_flush) waits for it to reach a
 * TB boundary.
 */
export function cpuExec(cpu: Vcpu): CpuExit {
  const ctx = cpu.ctx;
  const w = cpu.worker;
  const t = w.translator;
  const st = cpu.stats;
  const excl = ctx.exclusive;
  const v = cpu.index;
  let returnCodes = 0;
  for (const c of t.loopExitCodes ?? []) returnCodes |= 1 << c;
  const logEntry = cpu.log !== undefined && (cpu.log.mask & LOG_AT_ENTRY) !== 0;
  excl.cpuExecStart(ctx.thread, v);
  try {
    let lastTb = -1;
    let lastSlot = 0;
    let spurious = 0;
    let next = -1;
    for (;;) {
      if (ctx.flushCount !== w.generation) {
        w.flushed(ctx.flushCount);
        lastTb = -1;
        next = -1;
      }
      if (w.hotQueue.length > 0 && w.tierUpDue()) tierUp(cpu);
      let tb = next;
      next = -1;
      if (tb < 0) {
        if (excl.exitRequested(v)) {
          excl.clearExitRequest(v);
          return { kind: "exit_request" };
        }
        const pc = t.getPc(cpu.state);
        let cflags = cpu.cflagsBase;
        if (cpu.cflagsNext >= 0) {
          cflags = cpu.cflagsNext | cflags;
          cpu.cflagsNext = -1;
          lastTb = -1;
        }
        const flags = t.tbFlags(cpu.state);
        cpu.setCtrlFlags(flags);
        tb = cpu.findTb(pc, flags, cflags);
        if (tb < 0) return cpu.fetchFault(pc);
        if (lastTb >= 0 && cflags === 0 && cpu.chaining) {
          ctx.tbLockIfEnabled();
          if (tbAddJump(ctx, lastTb, lastSlot, tb)) st.chained++;
          ctx.tbUnlockIfEnabled();
        }
      }
      if (logEntry) cpu.logEntry(tb);
      let code: number;
      if (cpu.timeCode) {
        const t0 = now();
        code = w.run(cpu.env, tb);
        st.codeMs += now() - t0;
      } else {
        code = w.run(cpu.env, tb);
      }
      st.returns++;
      const kind = code & EXIT_KIND_MASK;
      const exited = code >>> EXIT_KIND_BITS;
      lastTb = -1;
      if (kind <= ExitKind.MAX_EXIT_TB) {
        if (kind <= ExitKind.SLOT1 && ctx.tbs.get(exited, TbField.CFLAGS) === 0) {
          lastTb = exited;
          lastSlot = kind;
        } else if ((returnCodes & (1 << kind)) !== 0) {
          return { kind: "exit_tb", code: kind };
        }
        continue;
      }
      switch (kind) {
        case ExitKind.EXIT_REQUEST:
          t.setPc(cpu.state, cpu.tbPc(exited));
          continue;
        case ExitKind.FAULT: {
          // A fault no page stands by any more (the protections changed meanwhile): run the
          // instruction again, unless that keeps happening (then the refusal stands).
          const e = cpu.faultExit(++spurious >= MAX_SPURIOUS_FAULTS);
          t.setPc(cpu.state, cpu.exitPc());
          if (e === undefined) continue;
          return e;
        }
        case ExitKind.HELPER: {
          const pc = cpu.exitPc();
          t.setPc(cpu.state, pc);
          return { kind: "helper", pc };
        }
        case ExitKind.SMC:
          t.setPc(cpu.state, cpu.exitPc());
          cpu.cflagsNext = 1;
          continue;
        case ExitKind.NOT_LOADED:
          if (w.ensureLoaded(exited)) next = exited;
          else t.setPc(cpu.state, cpu.tbPc(exited));
          continue;
        default: // LOOKUP_MISS, END: the TB left the pc in the state
          continue;
      }
    }
  } finally {
    st.interpInsns = cpu.interpInsns();
    excl.cpuExecEnd(ctx.thread, v);
  }
}
