/**
 * The privileged CSRs of an RV64 hart with M, S and U modes (RISC-V privileged
 * architecture 1.12, chapters 2, 3 and 4; QEMU's target/riscv/csr.c for the choices the
 * spec leaves open), over the CSR-file slots of the CPU state block (cpu-state.ts `Csr`),
 * so that both tiers and the CSR hook see one copy.
 *
 * Access: a CSR whose address has bits 11:10 = 3 is read-only (a write is illegal);
 * bits 9:8 give the lowest privilege that may access it. Counters (cycle, time, instret,
 * hpmcounterN) below M need the mcounteren bit, and in U mode the scounteren bit too;
 * satp in S mode with mstatus.TVM is illegal; stimecmp (Sstc) below M needs
 * mcounteren.TM and menvcfg.STCE. An illegal access returns `undefined` / false: the
 * caller raises an illegal-instruction exception.
 *
 * WARL rules: mstatus keeps only the fields an RV64 M/S/U hart without V or H has (UXL
 * and SXL read 2, MPP ignores the reserved value 2, SD summarises FS); sstatus, sie and
 * sip are views; misa is read-only (QEMU's default); medeleg cannot delegate ecall from M;
 * mideleg delegates the S interrupts; mtvec/stvec ignore reserved modes; xepc clear bit
 * 0; satp ignores a write of an unsupported mode entirely; pmpcfg ignores locked entries
 * and the reserved R=0,W=1 combination. mip's MSIP, MTIP and MEIP (and the device's SEIP)
 * come from outside (`PrivEnv.externalPending`, HartInterrupts in softmmu); its SSIP,
 * STIP and software SEIP are kept here.
 *
 * Not here: the floating-point CSRs (fflags, frm, fcsr: the user-mode helpers own them).
 */
import { Csr, csrSlotOffset, Priv } from "../cpu-state.js";

/** What the CSRs need from the hart's surroundings. */
export interface PrivEnv {
  /** Device-driven mip bits: MSIP, MTIP, MEIP and the external SEIP. */
  externalPending(): number;
  /** The `time` CSR (mtime, 10 MHz on virt). */
  time(): bigint;
  /** Instructions retired so far (cycle and instret count them). */
  instret(): bigint;
}

export interface CsrConfig {
  readonly hartId: number;
  /** Sstc: stimecmp and menvcfg.STCE. */
  readonly sstc?: boolean;
}

export const CSR = {
  SSTATUS: 0x100, SIE: 0x104, STVEC: 0x105, SCOUNTEREN: 0x106, SENVCFG: 0x10a,
  SSCRATCH: 0x140, SEPC: 0x141, SCAUSE: 0x142, STVAL: 0x143, SIP: 0x144, STIMECMP: 0x14d, SATP: 0x180,
  MSTATUS: 0x300, MISA: 0x301, MEDELEG: 0x302, MIDELEG: 0x303, MIE: 0x304, MTVEC: 0x305, MCOUNTEREN: 0x306,
  MENVCFG: 0x30a, MCOUNTINHIBIT: 0x320, MSCRATCH: 0x340, MEPC: 0x341, MCAUSE: 0x342, MTVAL: 0x343, MIP: 0x344,
  PMPCFG0: 0x3a0, PMPADDR0: 0x3b0, MCYCLE: 0xb00, MINSTRET: 0xb02, CYCLE: 0xc00, TIME: 0xc01, INSTRET: 0xc02,
  MVENDORID: 0xf11, MARCHID: 0xf12, MIMPID: 0xf13, MHARTID: 0xf14, MCONFIGPTR: 0xf15,
} as const;

export const MSTATUS_SIE = 1n << 1n;
export const MSTATUS_MIE = 1n << 3n;
export const MSTATUS_SPIE = 1n << 5n;
export const MSTATUS_MPIE = 1n << 7n;
export const MSTATUS_SPP = 1n << 8n;
export const MSTATUS_MPP_SHIFT = 11n;
export const MSTATUS_MPP = 3n << 11n;
export const MSTATUS_FS = 3n << 13n;
export const MSTATUS_XS = 3n << 15n;
export const MSTATUS_MPRV = 1n << 17n;
export const MSTATUS_SUM = 1n << 18n;
export const MSTATUS_MXR = 1n << 19n;
export const MSTATUS_TVM = 1n << 20n;
export const MSTATUS_TW = 1n << 21n;
export const MSTATUS_TSR = 1n << 22n;
export const MSTATUS_UXL = 3n << 32n;
export const MSTATUS_SXL = 3n << 34n;
export const MSTATUS_SD = 1n << 63n;
const XL_64 = (2n << 32n) | (2n << 34n);

const MSTATUS_WRITABLE = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV
  | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
const SSTATUS_VIEW = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD;
const SSTATUS_WRITABLE = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;

export const MIP_SSIP = 1n << 1n;
export const MIP_MSIP = 1n << 3n;
export const MIP_STIP = 1n << 5n;
export const MIP_MTIP = 1n << 7n;
export const MIP_SEIP = 1n << 9n;
export const MIP_MEIP = 1n << 11n;
const S_INTERRUPTS = MIP_SSIP | MIP_STIP | MIP_SEIP;
const ALL_INTERRUPTS = S_INTERRUPTS | MIP_MSIP | MIP_MTIP | MIP_MEIP;

/** Exceptions medeleg can delegate: 0-9, 12, 13, 15 (ecall from M, 11, is read-only 0). */
export const MEDELEG_WRITABLE = 0xb3ffn;

export const SATP_MODE_BARE = 0n;
export const SATP_MODE_SV39 = 8n;
export const SATP_MODE_SV48 = 9n;

export const MENVCFG_FIOM = 1n;
export const MENVCFG_STCE = 1n << 63n;

/** misa of RV64IMAFDC with S and U: MXL=2 and the letters A, C, D, F, I, M, S, U. */
export const MISA_RV64GC_SU = (2n << 62n) | [0, 2, 3, 5, 8, 12, 18, 20].reduce((m, b) => m | (1n << BigInt(b)), 0n);

const U64 = 0xffff_ffff_ffff_ffffn;
const PMP_R = 1;
const PMP_W = 2;
const PMP_L = 0x80;

export class CsrFile {
  constructor(
    private readonly view: DataView,
    private readonly env: PrivEnv,
    private readonly config: CsrConfig,
  ) {}

  private slot(s: number): bigint {
    return this.view.getBigUint64(csrSlotOffset(s), true);
  }

  private setSlot(s: number, v: bigint): void {
    this.view.setBigUint64(csrSlotOffset(s), BigInt.asUintN(64, v), true);
  }

  /** Initial state at reset: misa, mhartid, mstatus with UXL/SXL = 64 bits, MPP = M... zeroed elsewhere. */
  reset(): void {
    for (let s = 0; s < 46; s++) this.setSlot(s, 0n);
    this.setSlot(Csr.MISA, MISA_RV64GC_SU);
    this.setSlot(Csr.MHARTID, BigInt(this.config.hartId));
    this.setSlot(Csr.MSTATUS, XL_64);
    this.setSlot(Csr.STIMECMP, U64);
  }

  get mstatus(): bigint {
    const v = this.slot(Csr.MSTATUS);
    return (v & MSTATUS_FS) === MSTATUS_FS || (v & MSTATUS_XS) === MSTATUS_XS ? v | MSTATUS_SD : v & ~MSTATUS_SD;
  }

  /** Sets mstatus as trap entry and xRET do (no WARL filtering beyond keeping UXL/SXL). */
  set mstatus(v: bigint) {
    this.setSlot(Csr.MSTATUS, (v & MSTATUS_WRITABLE) | XL_64);
  }

  get(slot: number): bigint {
    return this.slot(slot);
  }

  set(slot: number, v: bigint): void {
    this.setSlot(slot, v);
  }

  private stip(): bigint {
    if (this.config.sstc && (this.slot(Csr.MENVCFG) & MENVCFG_STCE) !== 0n) {
      return this.env.time() >= this.slot(Csr.STIMECMP) ? MIP_STIP : 0n;
    }
    return this.slot(Csr.MIP) & MIP_STIP;
  }

  /** mip as the hart sees it: software bits, Sstc's STIP, and the device lines. */
  get mip(): bigint {
    const sw = this.slot(Csr.MIP) & (MIP_SSIP | MIP_SEIP);
    return sw | this.stip() | (BigInt(this.env.externalPending()) & (MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_SEIP));
  }

  private counterAllowed(index: number, priv: number): boolean {
    if (priv === Priv.M) return true;
    if (((this.slot(Csr.MCOUNTEREN) >> BigInt(index)) & 1n) === 0n) return false;
    if (priv === Priv.U && ((this.slot(Csr.SCOUNTEREN) >> BigInt(index)) & 1n) === 0n) return false;
    return true;
  }

  private stimecmpAllowed(priv: number): boolean {
    if (!this.config.sstc) return false;
    if (priv === Priv.M) return true;
    return (this.slot(Csr.MCOUNTEREN) & 2n) !== 0n && (this.slot(Csr.MENVCFG) & MENVCFG_STCE) !== 0n;
  }

  /** Reads `csr` at privilege `priv`; undefined when the access is illegal (or the CSR is not here). */
  read(csr: number, priv: number): bigint | undefined {
    if (priv < ((csr >> 8) & 3)) return undefined;
    switch (csr) {
      case CSR.MSTATUS: return this.mstatus;
      case CSR.SSTATUS: return this.mstatus & SSTATUS_VIEW;
      case CSR.MISA: return this.slot(Csr.MISA);
      case CSR.MEDELEG: return this.slot(Csr.MEDELEG);
      case CSR.MIDELEG: return this.slot(Csr.MIDELEG);
      case CSR.MIE: return this.slot(Csr.MIE);
      case CSR.SIE: return this.slot(Csr.MIE) & this.slot(Csr.MIDELEG);
      case CSR.MIP: return this.mip;
      case CSR.SIP: return this.mip & this.slot(Csr.MIDELEG);
      case CSR.MTVEC: return this.slot(Csr.MTVEC);
      case CSR.STVEC: return this.slot(Csr.STVEC);
      case CSR.MSCRATCH: return this.slot(Csr.MSCRATCH);
      case CSR.SSCRATCH: return this.slot(Csr.SSCRATCH);
      case CSR.MEPC: return this.slot(Csr.MEPC);
      case CSR.SEPC: return this.slot(Csr.SEPC);
      case CSR.MCAUSE: return this.slot(Csr.MCAUSE);
      case CSR.SCAUSE: return this.slot(Csr.SCAUSE);
      case CSR.MTVAL: return this.slot(Csr.MTVAL);
      case CSR.STVAL: return this.slot(Csr.STVAL);
      case CSR.SATP:
        if (priv === Priv.S && (this.mstatus & MSTATUS_TVM) !== 0n) return undefined;
        return this.slot(Csr.SATP);
      case CSR.MCOUNTEREN: return this.slot(Csr.MCOUNTEREN);
      case CSR.SCOUNTEREN: return this.slot(Csr.SCOUNTEREN);
      case CSR.MENVCFG: return this.slot(Csr.MENVCFG);
      case CSR.SENVCFG: return this.slot(Csr.SENVCFG);
      case CSR.MCOUNTINHIBIT: return 0n;
      case CSR.STIMECMP: return this.stimecmpAllowed(priv) ? this.slot(Csr.STIMECMP) : undefined;
      case CSR.MHARTID: return this.slot(Csr.MHARTID);
      case CSR.MVENDORID: case CSR.MARCHID: case CSR.MIMPID: case CSR.MCONFIGPTR: return 0n;
      case CSR.MCYCLE: return BigInt.asUintN(64, this.env.instret() + this.slot(Csr.MCYCLE));
      case CSR.MINSTRET: return BigInt.asUintN(64, this.env.instret() + this.slot(Csr.MINSTRET));
      default:
    }
    if (csr >= CSR.CYCLE && csr <= CSR.CYCLE + 31) {
      const i = csr - CSR.CYCLE;
      if (!this.counterAllowed(i, priv)) return undefined;
      if (i === 0) return BigInt.asUintN(64, this.env.instret() + this.slot(Csr.MCYCLE));
      if (i === 1) return this.env.time();
      if (i === 2) return BigInt.asUintN(64, this.env.instret() + this.slot(Csr.MINSTRET));
      return 0n; // hpmcounter3..31: no events counted
    }
    if (csr > CSR.MINSTRET && csr <= CSR.MCYCLE + 31) return 0n; // mhpmcounter3..31
    if (csr >= 0x323 && csr <= 0x33f) return 0n; // mhpmevent3..31
    if (csr === CSR.PMPCFG0 || csr === CSR.PMPCFG0 + 2) return this.slot(Csr.PMPCFG0 + (csr - CSR.PMPCFG0) / 2);
    if (csr >= CSR.PMPADDR0 && csr < CSR.PMPADDR0 + 16) return this.slot(Csr.PMPADDR0 + csr - CSR.PMPADDR0);
    return undefined;
  }

  /** Writes `csr` at privilege `priv`; false when the access is illegal. */
  write(csr: number, priv: number, value: bigint): boolean {
    if (priv < ((csr >> 8) & 3) || ((csr >> 10) & 3) === 3) return false;
    const v = BigInt.asUintN(64, value);
    switch (csr) {
      case CSR.MSTATUS: {
        let next = (this.slot(Csr.MSTATUS) & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
        if (((v & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) === 2n) next = (next & ~MSTATUS_MPP) | (this.slot(Csr.MSTATUS) & MSTATUS_MPP);
        this.mstatus = next;
        return true;
      }
      case CSR.SSTATUS:
        this.mstatus = (this.slot(Csr.MSTATUS) & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE);
        return true;
      case CSR.MISA:
        return true; // read-only (QEMU's default: misa-w off)
      case CSR.MEDELEG: this.setSlot(Csr.MEDELEG, v & MEDELEG_WRITABLE); return true;
      case CSR.MIDELEG: this.setSlot(Csr.MIDELEG, v & S_INTERRUPTS); return true;
      case CSR.MIE: this.setSlot(Csr.MIE, v & ALL_INTERRUPTS); return true;
      case CSR.SIE: {
        const mask = this.slot(Csr.MIDELEG);
        this.setSlot(Csr.MIE, (this.slot(Csr.MIE) & ~mask) | (v & mask));
        return true;
      }
      case CSR.MIP: {
        let mask = MIP_SSIP | MIP_SEIP;
        if (!(this.config.sstc && (this.slot(Csr.MENVCFG) & MENVCFG_STCE) !== 0n)) mask |= MIP_STIP;
        this.setSlot(Csr.MIP, (this.slot(Csr.MIP) & ~mask) | (v & mask));
        return true;
      }
      case CSR.SIP: {
        const mask = MIP_SSIP & this.slot(Csr.MIDELEG);
        this.setSlot(Csr.MIP, (this.slot(Csr.MIP) & ~mask) | (v & mask));
        return true;
      }
      case CSR.MTVEC: case CSR.STVEC:
        if ((v & 3n) < 2n) this.setSlot(csr === CSR.MTVEC ? Csr.MTVEC : Csr.STVEC, v);
        return true;
      case CSR.MSCRATCH: this.setSlot(Csr.MSCRATCH, v); return true;
      case CSR.SSCRATCH: this.setSlot(Csr.SSCRATCH, v); return true;
      case CSR.MEPC: this.setSlot(Csr.MEPC, v & ~1n); return true;
      case CSR.SEPC: this.setSlot(Csr.SEPC, v & ~1n); return true;
      case CSR.MCAUSE: this.setSlot(Csr.MCAUSE, v); return true;
      case CSR.SCAUSE: this.setSlot(Csr.SCAUSE, v); return true;
      case CSR.MTVAL: this.setSlot(Csr.MTVAL, v); return true;
      case CSR.STVAL: this.setSlot(Csr.STVAL, v); return true;
      case CSR.SATP: {
        if (priv === Priv.S && (this.mstatus & MSTATUS_TVM) !== 0n) return false;
        const mode = v >> 60n;
        if (mode === SATP_MODE_BARE || mode === SATP_MODE_SV39 || mode === SATP_MODE_SV48) this.setSlot(Csr.SATP, v);
        return true;
      }
      case CSR.MCOUNTEREN: this.setSlot(Csr.MCOUNTEREN, v & 0xffff_ffffn); return true;
      case CSR.SCOUNTEREN: this.setSlot(Csr.SCOUNTEREN, v & 0xffff_ffffn); return true;
      case CSR.MENVCFG: this.setSlot(Csr.MENVCFG, v & (MENVCFG_FIOM | (this.config.sstc ? MENVCFG_STCE : 0n))); return true;
      case CSR.SENVCFG: this.setSlot(Csr.SENVCFG, v & MENVCFG_FIOM); return true;
      case CSR.MCOUNTINHIBIT: return true;
      case CSR.STIMECMP:
        if (!this.stimecmpAllowed(priv)) return false;
        this.setSlot(Csr.STIMECMP, v);
        return true;
      case CSR.MCYCLE: this.setSlot(Csr.MCYCLE, v - this.env.instret()); return true;
      case CSR.MINSTRET: this.setSlot(Csr.MINSTRET, v - this.env.instret()); return true;
      default:
    }
    if (csr > CSR.MINSTRET && csr <= CSR.MCYCLE + 31) return true; // mhpmcounter3..31: no events
    if (csr >= 0x323 && csr <= 0x33f) return true; // mhpmevent3..31
    if (csr === CSR.PMPCFG0 || csr === CSR.PMPCFG0 + 2) {
      const s = Csr.PMPCFG0 + (csr - CSR.PMPCFG0) / 2;
      const old = this.slot(s);
      let next = 0n;
      for (let i = 0; i < 8; i++) {
        const sh = BigInt(i * 8);
        const o = Number((old >> sh) & 0xffn);
        let n = Number((v >> sh) & 0xffn) & 0x9f; // L, A, X, W, R (bits 6:5 reserved)
        if ((o & PMP_L) !== 0) n = o;
        else if ((n & (PMP_R | PMP_W)) === PMP_W) n = o; // R=0, W=1 is reserved
        next |= BigInt(n) << sh;
      }
      this.setSlot(s, next);
      return true;
    }
    if (csr >= CSR.PMPADDR0 && csr < CSR.PMPADDR0 + 16) {
      const i = csr - CSR.PMPADDR0;
      const cfg = Number((this.slot(Csr.PMPCFG0 + (i >> 3)) >> BigInt((i & 7) * 8)) & 0xffn);
      if ((cfg & PMP_L) === 0) this.setSlot(Csr.PMPADDR0 + i, v & ((1n << 54n) - 1n));
      return true;
    }
    return false;
  }
}
