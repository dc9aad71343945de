/**
 * A system-mode RISC-V hart (M, S and U modes) on the cpu-exec loop: the privileged
 * modules of ../priv wired into the CSR hook, the privileged instructions' helpers, the
 * soft MMU (soft TLB slow paths, Sv39/Sv48, MMIO, notdirty writes) and the hart's loop,
 * which takes traps and interrupts at TB boundaries and sleeps in WFI.
 *
 * The machine around it comes in through {@link HartPlatform}: the MMIO bus (what is
 * neither RAM nor ROM), the device interrupt lines and the timer, WFI sleeping, stop
 * requests. Physical memory (RAM, then ROM) is the execution environment's guest memory
 * ({@link PhysLayout}), so both tiers reach it through the soft TLB and the TB machinery
 * numbers its pages.
 *
 * MMU indexes (one soft TLB each, QEMU's mmu_idx): 0 U, 1 S, 2 S with mstatus.SUM, 3 M
 * (no translation). Loads and stores use the index of the data privilege
 * (mstatus.MPP under MPRV); the loop writes it into the control block's TLB_PTR before
 * each run, since priv, MPRV and SUM only change in helpers that end the TB and kick the
 * hart back to its loop. A change of satp or mstatus.MXR, and sfence.vma, flush every
 * index, the jump cache and the instruction-translation cache.
 *
 * PMP (priv/pmp.ts) is checked on the slow paths: every data access, instruction fetch
 * and page-table read (as an S-mode access). A TLB entry (or cached instruction page)
 * is made only for the permissions PMP grants the whole 4 KiB page, so an entry boundary
 * inside a page sends that page's accesses to the slow path each time (QEMU's
 * sub-page TLB entries). The per-page results are cached until a pmpcfg or pmpaddr
 * write, which also flushes the TLBs.
 *
 * Instruction fetch: the TB key's pc is virtual; `codeOffset` translates it (the fetch
 * permission of the current privilege) through a per-privilege cache of page
 * translations flushed with the TLB; the TB machinery records the physical pages.
 *
 * @module
 */
import { CTRL_EXIT_PC, CTRL_SLOW_STATUS, CTRL_TLB_PTR, ExitKind, FAULT_ATOMIC, FAULT_SIZE_SHIFT, FAULT_STORE } from "../../../backend/wasm/lower-abi.js";
import { ALIGN_SHIFT } from "../../../backend/wasm/lower-memory.js";
import type { HelperEnv, HelperImpl } from "../../../ir/helper.js";
import { cpuExec, type Vcpu } from "../../../exec/cpu-exec.js";
import { softTlbAddress, vcpuEnv } from "../../../exec/exec-shared.js";
import { dropWriteAll, SoftTlb } from "../../../exec/soft-tlb.js";
import type { Translator } from "../../../exec/translator.js";
import type { SoftMmu } from "../../../exec/worker-runtime.js";
import { ACCESS_CODE } from "../../../tb/page-access.js";
import { Cause, CpuOffset, Csr, Priv, RISCV_EXIT_EXCEPTION, RISCV_EXIT_WFI } from "../cpu-state.js";
import { createRiscvHelpers, CsrOp, recordException } from "../helpers.js";
import { createRiscvTarget } from "../target.js";
import { CSR, CsrFile, MSTATUS_MXR, MSTATUS_SUM } from "../priv/csr-file.js";
import { type AccessType, type PhysMemory, PROT_EXEC, PROT_READ, PROT_WRITE, translate, type TranslateResult } from "../priv/mmu.js";
import { pmpAllows } from "../priv/pmp.js";
import { dataPrivilege, mret, pendingInterrupt, sret, trapEntry, wfiIllegal } from "../priv/trap.js";

/** Access sizes of the bus. */
export type BusSize = 1 | 2 | 4 | 8;

/** The machine's devices as the hart reaches them (physical addresses that are neither RAM nor ROM). */
export interface PhysBus {
  /** A device read; `ok: false` is an access fault (nothing there, a size the device refuses). */
  read(pa: bigint, size: BusSize): { readonly ok: true; readonly value: bigint } | { readonly ok: false };
  /** A device write; false is an access fault. */
  write(pa: bigint, size: BusSize, value: bigint): boolean;
}

/** Where physical memory is in the execution environment's guest memory: RAM at offset 0, ROM right after it. */
export interface PhysLayout {
  readonly ramBase: bigint;
  readonly ramSize: number;
  readonly romBase: bigint;
  readonly romSize: number;
}

/** What the hart needs from the machine. */
export interface HartPlatform {
  readonly bus: PhysBus;
  /** Device-driven mip bits (MSIP, MTIP, MEIP, SEIP). */
  externalPending(): number;
  /** mtime (the `time` CSR). */
  time(): bigint;
  /** WFI: returns when `pending & mask` is non-zero, on a stop request, or whenever it likes (WFI may complete early). */
  waitForInterrupt(mask: number): void;
  /** Whether the hart should leave {@link RiscvHart.run}. */
  stopRequested(): boolean;
  /** `-d int` and friends: log text (undefined: no logging). */
  readonly log?: ((text: string) => void) | undefined;
  /** Log traps (`-d int`). */
  readonly logInterrupts?: boolean;
}

/** QEMU's names of exceptions and interrupts (riscv_excp_names, riscv_intr_names), by cause. */
const EXCP_NAMES = [
  "misaligned_fetch", "fault_fetch", "illegal_instruction", "breakpoint", "misaligned_load", "fault_load", "misaligned_store", "fault_store",
  "user_ecall", "supervisor_ecall", "hypervisor_ecall", "machine_ecall", "exec_page_fault", "load_page_fault", "reserved", "store_page_fault",
];
const IRQ_NAMES = [
  "u_software", "s_software", "vs_software", "m_software", "u_timer", "s_timer", "vs_timer", "m_timer", "u_external", "s_external", "vs_external", "m_external",
];

/** MMU indexes (one soft TLB each). */
export const MMU_IDX_U = 0;
export const MMU_IDX_S = 1;
export const MMU_IDX_S_SUM = 2;
export const MMU_IDX_NOMMU = 3;
/** Soft TLBs per hart. */
export const RISCV_MMU_INDEXES = 4;

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;

const u64 = (v: bigint | undefined): bigint => BigInt.asUintN(64, v ?? 0n);

/** The system-mode RISC-V target: a translator whose privileged helpers find their hart by CPU-state address. */
export interface RiscvSystemTarget {
  readonly translator: Translator;
  /** Harts by the byte offset of their CPU state in the shared memory. */
  readonly harts: Map<number, RiscvHart>;
}

/** Builds the system-mode translator (one per worker) whose helpers dispatch to the registered harts. */
export function createRiscvSystemTarget(): RiscvSystemTarget {
  const harts = new Map<number, RiscvHart>();
  const hartOf = (env: HelperEnv): RiscvHart => {
    const h = harts.get(env.state.byteOffset);
    if (h === undefined) throw new Error("RISC-V system helper called for an unknown hart");
    return h;
  };
  const on = (f: (h: RiscvHart, a: readonly bigint[]) => bigint): HelperImpl => (env, a) => f(hartOf(env), a);
  const helpers = createRiscvHelpers({
    csrRw: on((h, a) => h.csrHelper(Number(a[0]), Number(a[1]), u64(a[2]), u64(a[3]), u64(a[4]))),
    mret: on((h, a) => h.xretHelper(true, u64(a[0]), u64(a[1]))),
    sret: on((h, a) => h.xretHelper(false, u64(a[0]), u64(a[1]))),
    wfi: on((h, a) => h.wfiHelper(u64(a[0]), u64(a[1]))),
    sfenceVma: on((h, a) => h.sfenceHelper(u64(a[0]), u64(a[2]), u64(a[3]))),
  });
  return { translator: createRiscvTarget({ system: true, helpers }), harts };
}

/** One hart. */
export class RiscvHart implements SoftMmu {
  readonly csrs: CsrFile;
  readonly tlb: SoftTlb;
  readonly state: DataView;
  private readonly mem: DataView;
  private readonly mem64: BigInt64Array;
  private readonly env: number;
  /** Wasm address of guest memory offset 0 (RAM base). */
  private readonly memBase: number;
  private readonly memSize: number;
  private lastSatp = -1n;
  private lastMxr = false;
  /** Instruction-page translations per privilege: virtual page number → guest memory offset of the page. */
  private readonly itlb = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>(), new Map<number, number>()];
  private readonly physMem: PhysMemory;
  /** The virtual range covered by superpages cached since the last full flush (QEMU's large_page_addr/mask): a page flush inside it flushes everything. */
  private superLo = -1n;
  private superHi = -1n;
  /** sfence.vma of one page (statistics). */
  pageFlushes = 0;
  /** PMP permissions of whole physical pages: (page number × 4 + privilege) → R/W/X bits PMP grants every byte of the page. */
  private readonly pmpPages = new Map<number, number>();
  /** Traps taken (statistics). */
  traps = 0;

  /**
   * @param vcpu the vCPU (its environment made with `softTlb: { mmuIndexes: RISCV_MMU_INDEXES }`, its worker's translator from {@link createRiscvSystemTarget}).
   * @param target the target the vCPU's worker translates with.
   * @param platform the machine.
   * @param phys the physical memory layout.
   * @param hartId mhartid.
   */
  constructor(
    readonly vcpu: Vcpu,
    target: RiscvSystemTarget,
    readonly platform: HartPlatform,
    readonly phys: PhysLayout,
    readonly hartId: number,
  ) {
    const shared = vcpu.worker.shared;
    if (shared.params.softTlb === undefined || shared.params.softTlb.mmuIndexes < RISCV_MMU_INDEXES) throw new Error("RiscvHart: the environment needs softTlb with 4 MMU indexes");
    if (shared.params.ramSize < phys.ramSize + phys.romSize) throw new Error("RiscvHart: the environment's memory cannot hold RAM and ROM");
    const buf = shared.memory.buffer;
    this.state = vcpu.state;
    this.env = vcpuEnv(shared, vcpu.index);
    this.mem = new DataView(buf);
    this.mem64 = new BigInt64Array(buf, 0, Math.floor(buf.byteLength / 8));
    this.memBase = shared.layout.ramOffset;
    this.memSize = phys.ramSize + phys.romSize;
    this.csrs = new CsrFile(this.state, { externalPending: () => platform.externalPending(), time: () => platform.time(), instret: () => platform.time() }, { hartId });
    this.tlb = new SoftTlb(buf, softTlbAddress(shared, vcpu.index), RISCV_MMU_INDEXES, PAGE_BITS);
    const bases = Array.from({ length: shared.params.vcpus }, (_, v) => softTlbAddress(shared, v));
    vcpu.ctx.pages.access.onCodeSet = (page: number): void => dropWriteAll(buf, bases, RISCV_MMU_INDEXES, page);
    this.physMem = {
      load64: (pa: bigint): bigint | undefined => {
        if ((this.pmpPage(pa, Priv.S) & PROT_READ) === 0 && !pmpAllows(this.csrs, pa, 8, "load", Priv.S)) return undefined;
        const o = this.physOffset(pa);
        if (o < 0 || (o & 7) !== 0 || o + 8 > this.memSize) return undefined;
        return BigInt.asUintN(64, Atomics.load(this.mem64, (this.memBase + o) >> 3));
      },
      cas64: (pa: bigint, expected: bigint, value: bigint): boolean => {
        if ((this.pmpPage(pa, Priv.S) & PROT_WRITE) === 0 && !pmpAllows(this.csrs, pa, 8, "store", Priv.S)) return false;
        const o = this.physOffset(pa);
        if (o < 0 || (o & 7) !== 0 || o + 8 > phys.ramSize) return false;
        const e = BigInt.asIntN(64, expected);
        return Atomics.compareExchange(this.mem64, (this.memBase + o) >> 3, e, BigInt.asIntN(64, value)) === e;
      },
    };
    vcpu.softmmu = this;
    target.harts.set(this.state.byteOffset, this);
    this.reset(phys.romBase);
  }

  get priv(): number {
    return this.state.getUint32(CpuOffset.PRIV, true) & 3;
  }

  set priv(p: number) {
    this.state.setUint32(CpuOffset.PRIV, p, true);
  }

  get pc(): bigint {
    return this.state.getBigUint64(CpuOffset.PC, true);
  }

  set pc(v: bigint) {
    this.state.setBigUint64(CpuOffset.PC, BigInt.asUintN(64, v), true);
  }

  /** Register x`i`. */
  x(i: number): bigint {
    return this.state.getBigUint64(CpuOffset.X + 8 * i, true);
  }

  setX(i: number, v: bigint): void {
    if (i !== 0) this.state.setBigUint64(CpuOffset.X + 8 * i, BigInt.asUintN(64, v), true);
  }

  /** Power-on state: registers and CSRs cleared (misa, mhartid, mstatus.xXL set), M mode, pc = `pc`. */
  reset(pc: bigint): void {
    for (let o = 0; o < CpuOffset.CSR_FILE; o += 4) this.state.setUint32(o, 0, true);
    this.csrs.reset();
    this.priv = Priv.M;
    this.pc = pc;
    this.flushAll();
  }

  /** Offset in guest memory of physical address `pa` (RAM, then ROM), or -1. */
  physOffset(pa: bigint): number {
    const r = pa - this.phys.ramBase;
    if (r >= 0n && r < BigInt(this.phys.ramSize)) return Number(r);
    const m = pa - this.phys.romBase;
    if (m >= 0n && m < BigInt(this.phys.romSize)) return this.phys.ramSize + Number(m);
    return -1;
  }

  // ---- the MMU ----------------------------------------------------------------------

  /** tlb_flush: every soft TLB, the instruction translations, the jump cache. */
  flushAll(): void {
    this.tlb.flushAll();
    for (const m of this.itlb) m.clear();
    this.vcpu.ctx.jmpCache.clearVcpu(this.vcpu.index);
    this.superLo = -1n;
    this.superHi = -1n;
  }

  /** tlb_flush_page: `va`'s 4 KiB page (everything when a cached superpage covers it). */
  flushPage(va: bigint): void {
    va = BigInt.asUintN(64, va);
    if (va >= this.superLo && va < this.superHi) {
      this.flushAll();
      return;
    }
    this.pageFlushes++;
    this.tlb.flushPage(va);
    const vpn = Number(va >> BigInt(PAGE_BITS));
    let code = false;
    for (const m of this.itlb) code = m.delete(vpn) || code;
    // TBs of the page may be in the jump cache under their virtual pcs.
    if (code) this.vcpu.ctx.jmpCache.clearVcpu(this.vcpu.index);
  }

  /** The PMP permissions (PROT_READ/WRITE/EXEC) granted to every byte of `pa`'s 4 KiB page at `priv`. */
  private pmpPage(pa: bigint, priv: number): number {
    const page = pa >> BigInt(PAGE_BITS);
    const key = Number(page) * 4 + priv;
    let p = this.pmpPages.get(key);
    if (p === undefined) {
      const base = page << BigInt(PAGE_BITS);
      p = (pmpAllows(this.csrs, base, PAGE_SIZE, "load", priv) ? PROT_READ : 0)
        | (pmpAllows(this.csrs, base, PAGE_SIZE, "store", priv) ? PROT_WRITE : 0)
        | (pmpAllows(this.csrs, base, PAGE_SIZE, "fetch", priv) ? PROT_EXEC : 0);
      this.pmpPages.set(key, p);
    }
    return p;
  }

  /** Notes a translation through a superpage of `size` bytes at `va`. */
  private noteSuper(va: bigint, size: bigint): void {
    if (size <= BigInt(PAGE_SIZE)) return;
    const lo = va & ~(size - 1n);
    const hi = lo + size;
    if (this.superLo < 0n) {
      this.superLo = lo;
      this.superHi = hi;
    } else {
      if (lo < this.superLo) this.superLo = lo;
      if (hi > this.superHi) this.superHi = hi;
    }
  }

  private dataIdx(): number {
    // By privilege even with satp Bare: PMP grants each privilege its own permissions.
    const dp = dataPrivilege(this.csrs, this.priv);
    if (dp === Priv.M) return MMU_IDX_NOMMU;
    if (dp === Priv.U) return MMU_IDX_U;
    return (this.csrs.mstatus & MSTATUS_SUM) !== 0n ? MMU_IDX_S_SUM : MMU_IDX_S;
  }

  /** Before running TBs: flush on a new satp or MXR, and point TLB_PTR at the data privilege's TLB. */
  private syncMmu(): void {
    const satp = this.csrs.get(Csr.SATP);
    const mxr = (this.csrs.mstatus & MSTATUS_MXR) !== 0n;
    if (satp !== this.lastSatp || mxr !== this.lastMxr) {
      this.lastSatp = satp;
      this.lastMxr = mxr;
      this.flushAll();
    }
    this.mem.setInt32(this.env + CTRL_TLB_PTR, this.tlb.address(this.dataIdx()), true);
  }

  private walk(va: bigint, type: AccessType, priv: number): TranslateResult {
    const ms = this.csrs.mstatus;
    return translate(va, type, { satp: this.csrs.get(Csr.SATP), priv, sum: (ms & MSTATUS_SUM) !== 0n, mxr: (ms & MSTATUS_MXR) !== 0n }, this.physMem);
  }

  codeOffset(pc: bigint): number {
    const priv = this.priv;
    const vpn = Number(pc >> BigInt(PAGE_BITS));
    const m = this.itlb[priv]!;
    let page = m.get(vpn);
    if (page === undefined) {
      const t = this.walk(pc, "fetch", priv);
      if (!t.ok) return -1;
      this.noteSuper(BigInt.asUintN(64, pc), t.pageSize);
      const o = this.physOffset(t.pa);
      if (o < 0) return -1;
      page = o - (o & (PAGE_SIZE - 1));
      if ((this.pmpPage(t.pa, priv) & PROT_EXEC) === 0) {
        // Not the whole page: this parcel alone (nothing cached).
        return pmpAllows(this.csrs, t.pa, 2, "fetch", priv) ? o : -1;
      }
      m.set(vpn, page);
    }
    return page + (Number(pc & BigInt(PAGE_SIZE - 1)));
  }

  /** The cause and tval of a failed fetch at `addr` (after the loop could not translate a TB there). */
  private fetchCause(addr: bigint): number {
    const t = this.walk(addr, "fetch", this.priv);
    return t.ok ? Cause.INSN_ACCESS : t.cause;
  }

  /** A write to pmpcfg or pmpaddr: forget the per-page PMP results and every translation made under them. */
  private pmpChanged(): void {
    this.pmpPages.clear();
    this.flushAll();
  }

  private exitPc(): bigint {
    return this.mem.getBigUint64(this.env + CTRL_EXIT_PC, true);
  }

  /** Records an exception of the access at EXIT_PC and asks the TB to leave (HELPER exit). */
  private raiseFromSlowPath(cause: number, tval: bigint): number {
    recordException(this.state, cause, tval, this.exitPc());
    this.mem.setInt32(this.env + CTRL_SLOW_STATUS, ExitKind.HELPER, true);
    return 0;
  }

  private hasCode(off: number): boolean {
    return off < this.phys.ramSize && (this.vcpu.ctx.pages.access.get(off >>> PAGE_BITS) & ACCESS_CODE) !== 0;
  }

  /** The physical address of the last MMIO access {@link dataAccess} found. */
  private lastPa = 0n;

  /**
   * Translates a data access and fills the TLB entry for RAM and ROM. Returns the guest
   * memory offset of `va`, -2 for MMIO (then `pa` is in `this.lastPa`), or -1 after
   * recording an exception.
   */
  private dataAccess(va: bigint, type: AccessType, size: number): number {
    const idx = this.dataIdx();
    const dp = dataPrivilege(this.csrs, this.priv);
    const t = this.walk(va, type, dp);
    if (!t.ok) return this.raiseFromSlowPath(t.cause, va) - 1;
    const pmp = this.pmpPage(t.pa, dp);
    if ((pmp & (type === "load" ? PROT_READ : PROT_WRITE)) === 0 && !pmpAllows(this.csrs, t.pa, size, type, dp)) {
      return this.raiseFromSlowPath(type === "load" ? Cause.LOAD_ACCESS : Cause.STORE_ACCESS, va) - 1;
    }
    this.noteSuper(va, t.pageSize);
    const off = this.physOffset(t.pa);
    if (off < 0) {
      this.lastPa = t.pa;
      return -2;
    }
    const pageOff = off - (off & (PAGE_SIZE - 1));
    const rom = off >= this.phys.ramSize;
    const canRead = (t.prot & PROT_READ) !== 0 && (pmp & PROT_READ) !== 0;
    const canWrite = !rom && (t.prot & PROT_WRITE) !== 0 && (pmp & PROT_WRITE) !== 0 && !this.hasCode(pageOff);
    if (canRead || canWrite) this.tlb.fill(idx, va, this.memBase + pageOff, rom ? -1 : pageOff >>> PAGE_BITS, canRead, canWrite, () => this.hasCode(pageOff));
    return off;
  }

  private misaligned(addr: bigint, info: number): boolean {
    const align = info >>> ALIGN_SHIFT;
    return align > 1 && (Number(addr & 0xffn) & (align - 1)) !== 0;
  }

  tlbLoad(self: number, addr: bigint, info: number): number {
    const size = (info >>> FAULT_SIZE_SHIFT) & 0xff;
    const atomic = (info & FAULT_ATOMIC) !== 0;
    addr = BigInt.asUintN(64, addr);
    if (this.misaligned(addr, info)) return this.raiseFromSlowPath(atomic ? Cause.STORE_MISALIGNED : Cause.LOAD_MISALIGNED, addr);
    const inPage = PAGE_SIZE - Number(addr & BigInt(PAGE_SIZE - 1));
    if (size > inPage) {
      // A load that crosses into the next page: byte by byte into the scratch slot.
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) {
        const a = BigInt.asUintN(64, addr + BigInt(i));
        const off = this.dataAccess(a, "load", 1);
        if (off === -1) return 0;
        let b: bigint;
        if (off === -2) {
          const r = this.platform.bus.read(this.lastPa, 1);
          if (!r.ok) return this.raiseFromSlowPath(Cause.LOAD_ACCESS, a);
          b = r.value & 0xffn;
        } else {
          b = BigInt(this.mem.getUint8(this.memBase + off));
        }
        v = (v << 8n) | b;
      }
      this.mem.setBigUint64(this.tlb.scratch, v, true);
      return this.tlb.scratch;
    }
    const off = this.dataAccess(addr, atomic ? "store" : "load", size);
    if (off === -1) return 0;
    if (off === -2) {
      if (atomic) return this.raiseFromSlowPath(Cause.STORE_ACCESS, addr);
      const r = this.platform.bus.read(this.lastPa, size as BusSize);
      if (!r.ok) return this.raiseFromSlowPath(Cause.LOAD_ACCESS, addr);
      this.mem.setBigUint64(this.tlb.scratch, r.value, true);
      return this.tlb.scratch;
    }
    if (atomic) {
      if (off >= this.phys.ramSize) return this.raiseFromSlowPath(Cause.STORE_ACCESS, addr);
      if (this.hasCode(off) && this.vcpu.worker.notdirtyWrite(this.vcpu, self, off, size)) {
        this.mem.setInt32(this.env + CTRL_SLOW_STATUS, ExitKind.SMC, true);
        return 0;
      }
    }
    return this.memBase + off;
  }

  private storeRam(off: number, size: number, value: bigint): void {
    const a = this.memBase + off;
    switch (size) {
      case 1: this.mem.setUint8(a, Number(value & 0xffn)); break;
      case 2: this.mem.setUint16(a, Number(value & 0xffffn), true); break;
      case 4: this.mem.setUint32(a, Number(value & 0xffff_ffffn), true); break;
      default: this.mem.setBigUint64(a, BigInt.asUintN(64, value), true);
    }
  }

  /** Stores `size` bytes of `value` at `addr` (within one page); 0, or the exit kind. */
  private storeOne(self: number, addr: bigint, size: number, value: bigint): number {
    const off = this.dataAccess(addr, "store", size);
    if (off === -1) return ExitKind.HELPER;
    if (off === -2) {
      if (!this.platform.bus.write(this.lastPa, size as BusSize, BigInt.asUintN(size * 8, value))) {
        this.raiseFromSlowPath(Cause.STORE_ACCESS, addr);
        return ExitKind.HELPER;
      }
      return 0;
    }
    if (off >= this.phys.ramSize) return 0; // ROM: writes are ignored
    if (this.hasCode(off)) {
      if (this.vcpu.worker.notdirtyWrite(this.vcpu, self, off, size, () => this.storeRam(off, size, value))) return ExitKind.SMC;
      return 0;
    }
    this.storeRam(off, size, value);
    return 0;
  }

  tlbStore(self: number, addr: bigint, value: bigint, info: number): number {
    const size = (info >>> FAULT_SIZE_SHIFT) & 0xff;
    addr = BigInt.asUintN(64, addr);
    if ((info & FAULT_STORE) === 0) throw new Error("tlbStore without FAULT_STORE");
    if (this.misaligned(addr, info)) {
      this.raiseFromSlowPath(Cause.STORE_MISALIGNED, addr);
      return ExitKind.HELPER;
    }
    const inPage = PAGE_SIZE - Number(addr & BigInt(PAGE_SIZE - 1));
    if (size <= inPage) return this.storeOne(self, addr, size, value);
    // Crossing into the next page: both pages must permit the store before either part is written.
    const next = BigInt.asUintN(64, addr + BigInt(inPage));
    if (this.dataAccess(next, "store", 1) === -1) return ExitKind.HELPER;
    for (let i = 0; i < size; i++) {
      const k = this.storeOne(self, BigInt.asUintN(64, addr + BigInt(i)), 1, value >> BigInt(8 * i));
      if (k !== 0) return k;
    }
    return 0;
  }

  // ---- helpers of the privileged instructions ---------------------------------------

  private illegal(pc: bigint, insn: bigint): bigint {
    recordException(this.state, Cause.ILLEGAL_INSN, insn & 0xffff_ffffn, pc);
    return 1n;
  }

  /** csr_rw: the CSR file at the current privilege; a write sends the hart back to its loop (interrupts, MMU index). */
  csrHelper(csr: number, op: number, src: bigint, pc: bigint, insn: bigint): bigint {
    const priv = this.priv;
    const old = this.csrs.read(csr, priv);
    if (old === undefined) return this.illegal(pc, insn);
    const kind = op & 3;
    if (kind !== CsrOp.NONE) {
      // csrrs/csrrc of mip and sip modify the software-writable bits, not the value read
      // (which ORs in the device lines: a pending external SEIP must not be latched into
      // the software SEIP bit; privileged spec 3.1.9, QEMU's rmw_mip).
      const base = csr === CSR.MIP || csr === CSR.SIP ? this.csrs.get(Csr.MIP) : old;
      const nv = kind === CsrOp.WRITE ? src : kind === CsrOp.SET ? base | src : base & ~src;
      if (!this.csrs.write(csr, priv, nv)) return this.illegal(pc, insn);
      if (csr >= CSR.PMPCFG0 && csr < CSR.PMPADDR0 + 16) this.pmpChanged();
      this.vcpu.kick();
    }
    if ((op & CsrOp.READ) !== 0) this.state.setBigUint64(CpuOffset.CSR_VALUE, old, true);
    return 0n;
  }

  xretHelper(m: boolean, pc: bigint, insn: bigint): bigint {
    const t = m ? mret(this.csrs, this.priv) : sret(this.csrs, this.priv);
    if (t === undefined) return this.illegal(pc, insn);
    this.priv = t.priv;
    this.pc = t.pc;
    this.vcpu.kick();
    return 0n;
  }

  wfiHelper(pc: bigint, insn: bigint): bigint {
    return wfiIllegal(this.csrs, this.priv) ? this.illegal(pc, insn) : 0n;
  }

  sfenceHelper(vaddr: bigint, pc: bigint, insn: bigint): bigint {
    const priv = this.priv;
    if (priv === Priv.U || (priv === Priv.S && (this.csrs.mstatus & (1n << 20n)) !== 0n)) return this.illegal(pc, insn);
    // rs1 = x0: every address; else the page of rs1 (ASIDs are not tracked: every address space).
    if (((insn >> 15n) & 31n) === 0n) this.flushAll();
    else this.flushPage(vaddr);
    return 0n;
  }

  // ---- the loop ---------------------------------------------------------------------

  /** Takes a trap (exception or interrupt) at `pc`. */
  trap(cause: number, interrupt: boolean, tval: bigint, pc: bigint): void {
    const from = this.priv;
    const t = trapEntry(this.csrs, from, pc, cause, interrupt, tval);
    this.traps++;
    if (this.platform.logInterrupts === true && this.platform.log !== undefined) {
      // QEMU 7.2's -d int line (target/riscv/cpu_helper.c, riscv_cpu_do_interrupt).
      const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, "0");
      const desc = (interrupt ? IRQ_NAMES : EXCP_NAMES)[cause] ?? "(unknown)";
      this.platform.log(`riscv_cpu_do_interrupt: hart:${this.hartId}, async:${interrupt ? 1 : 0}, cause:${hex(BigInt(cause))}, epc:0x${hex(pc)}, tval:0x${hex(tval)}, desc=${desc}\n`);
    }
    this.priv = t.priv;
    this.pc = t.pc;
    this.state.setUint32(CpuOffset.RES_VALID, 0, true);
  }

  private takeRecorded(): void {
    const s = this.state;
    if (s.getUint32(CpuOffset.EXC_PENDING, true) === 0) throw new Error(`hart ${this.hartId}: a helper exit at 0x${this.pc.toString(16)} without an exception`);
    s.setUint32(CpuOffset.EXC_PENDING, 0, true);
    const cause = Number(s.getBigUint64(CpuOffset.EXC_CAUSE, true));
    // QEMU 7.2 leaves xtval 0 for breakpoints (the front end records the pc there, as user mode wants).
    const tval = cause === Cause.BREAKPOINT ? 0n : s.getBigUint64(CpuOffset.EXC_TVAL, true);
    this.trap(cause, false, tval, s.getBigUint64(CpuOffset.EXC_PC, true));
  }

  /** Runs the hart until the platform asks it to stop. */
  run(): void {
    const p = this.platform;
    for (;;) {
      if (p.stopRequested()) return;
      const irq = pendingInterrupt(this.csrs, this.priv);
      if (irq >= 0) this.trap(irq, true, 0n, this.pc);
      this.syncMmu();
      const e = cpuExec(this.vcpu);
      switch (e.kind) {
        case "exit_request":
          break;
        case "helper":
          this.takeRecorded();
          break;
        case "exit_tb":
          if (e.code === RISCV_EXIT_EXCEPTION) this.takeRecorded();
          else if (e.code === RISCV_EXIT_WFI) {
            const mie = Number(this.csrs.get(Csr.MIE));
            if ((this.csrs.mip & BigInt(mie)) === 0n) p.waitForInterrupt(mie);
          }
          break;
        case "fetch_fault":
          this.trap(this.fetchCause(e.addr), false, e.addr, e.pc);
          break;
        case "fault":
          throw new Error(`hart ${this.hartId}: a guest-window fault in system mode at 0x${e.pc.toString(16)}`);
      }
    }
  }
}
