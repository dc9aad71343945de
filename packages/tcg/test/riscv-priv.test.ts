// The privileged-architecture modules of system mode (src/target/riscv/priv), against the
// RISC-V privileged specification 1.12 and, where the spec leaves a choice, QEMU's
// behaviour: the CSR file's access and WARL rules, trap entry, interrupt priority and
// xRET, and the Sv39/Sv48 page-table walk.
import { describe, expect, it } from "vitest";
import { Cause, CPU_STATE_BYTES, Csr, Priv } from "../src/target/riscv/cpu-state.js";
import {
  CSR, CsrFile, MENVCFG_STCE, MIP_MEIP, MIP_MSIP, MIP_MTIP, MIP_SEIP, MIP_SSIP, MIP_STIP, MSTATUS_FS, MSTATUS_MIE, MSTATUS_MPIE,
  MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_SD, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_SUM, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW,
  type PrivEnv,
} from "../src/target/riscv/priv/csr-file.js";
import { dataPrivilege, mret, pendingInterrupt, sret, trapEntry, wfiIllegal } from "../src/target/riscv/priv/trap.js";
import {
  PROT_EXEC, PROT_READ, PROT_WRITE, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, type PhysMemory, translate,
} from "../src/target/riscv/priv/mmu.js";

class Env implements PrivEnv {
  ext = 0;
  now = 1000n;
  retired = 500n;
  externalPending(): number {
    return this.ext;
  }
  time(): bigint {
    return this.now;
  }
  instret(): bigint {
    return this.retired;
  }
}

function hart(sstc = false) {
  const env = new Env();
  const csrs = new CsrFile(new DataView(new ArrayBuffer(CPU_STATE_BYTES)), env, { hartId: 3, sstc });
  csrs.reset();
  return { env, csrs };
}

const ONES = 0xffff_ffff_ffff_ffffn;

describe("CSR file", () => {
  it("resets misa, mstatus and mhartid as QEMU's rv64 hart without H does", () => {
    const { csrs } = hart();
    expect(csrs.read(CSR.MISA, Priv.M)).toBe(0x8000_0000_0014_112dn); // RV64 ACDFIMSU
    expect(csrs.read(CSR.MSTATUS, Priv.M)).toBe(0xa_0000_0000n); // UXL = SXL = 64 bits
    expect(csrs.read(CSR.MHARTID, Priv.M)).toBe(3n);
    expect(csrs.read(CSR.MVENDORID, Priv.M)).toBe(0n);
  });

  it("enforces the privilege and read-only bits of the CSR address", () => {
    const { csrs } = hart();
    expect(csrs.read(CSR.MSTATUS, Priv.S)).toBeUndefined();
    expect(csrs.read(CSR.SSTATUS, Priv.U)).toBeUndefined();
    expect(csrs.read(CSR.SSTATUS, Priv.S)).toBe(0x2_0000_0000n); // UXL only
    expect(csrs.write(CSR.MHARTID, Priv.M, 5n)).toBe(false);
    expect(csrs.write(CSR.CYCLE, Priv.M, 5n)).toBe(false);
    expect(csrs.read(0x3a1, Priv.M)).toBeUndefined(); // pmpcfg1 does not exist on RV64
    expect(csrs.read(0x7c0, Priv.M)).toBeUndefined(); // not implemented
  });

  it("gates the user counters on mcounteren and scounteren", () => {
    const { csrs, env } = hart();
    expect(csrs.read(CSR.TIME, Priv.S)).toBeUndefined();
    expect(csrs.write(CSR.MCOUNTEREN, Priv.M, 0b111n)).toBe(true);
    expect(csrs.read(CSR.TIME, Priv.S)).toBe(1000n);
    expect(csrs.read(CSR.TIME, Priv.U)).toBeUndefined();
    csrs.write(CSR.SCOUNTEREN, Priv.S, 0b010n);
    expect(csrs.read(CSR.TIME, Priv.U)).toBe(1000n);
    expect(csrs.read(CSR.CYCLE, Priv.U)).toBeUndefined();
    expect(csrs.read(CSR.INSTRET, Priv.S)).toBe(500n);
    csrs.write(CSR.MINSTRET, Priv.M, 10_000n);
    env.retired += 7n;
    expect(csrs.read(CSR.MINSTRET, Priv.M)).toBe(10_007n);
    expect(csrs.read(CSR.CYCLE + 5, Priv.M)).toBe(0n); // hpmcounter5: no events
  });

  it("mstatus and sstatus keep only their writable fields; SD follows FS; MPP ignores 2", () => {
    const { csrs } = hart();
    csrs.write(CSR.MSTATUS, Priv.M, ONES);
    const ms = csrs.read(CSR.MSTATUS, Priv.M)!;
    expect(ms).toBe(0x8000_000a_007e_79aan);
    expect(ms & MSTATUS_SD).toBe(MSTATUS_SD);
    csrs.write(CSR.MSTATUS, Priv.M, 1n << 11n); // MPP = S
    csrs.write(CSR.MSTATUS, Priv.M, 2n << 11n); // reserved: MPP keeps S
    expect(csrs.read(CSR.MSTATUS, Priv.M)! & MSTATUS_MPP).toBe(1n << 11n);
    csrs.write(CSR.MSTATUS, Priv.M, MSTATUS_MIE | (3n << 11n));
    csrs.write(CSR.SSTATUS, Priv.S, ONES);
    const after = csrs.read(CSR.MSTATUS, Priv.M)!;
    expect(after & (MSTATUS_MIE | MSTATUS_MPP)).toBe(MSTATUS_MIE | (3n << 11n)); // untouched by sstatus
    expect(after & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM)).toBe(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM);
    expect(csrs.read(CSR.SSTATUS, Priv.S)).toBe(0x8000_0002_000c_6122n);
  });

  it("delegation and enable registers keep their legal bits; sie and sip are views", () => {
    const { csrs, env } = hart();
    csrs.write(CSR.MEDELEG, Priv.M, ONES);
    expect(csrs.read(CSR.MEDELEG, Priv.M)).toBe(0xb3ffn);
    csrs.write(CSR.MIDELEG, Priv.M, ONES);
    expect(csrs.read(CSR.MIDELEG, Priv.M)).toBe(0x222n);
    csrs.write(CSR.MIE, Priv.M, ONES);
    expect(csrs.read(CSR.MIE, Priv.M)).toBe(0xaaan);
    expect(csrs.read(CSR.SIE, Priv.S)).toBe(0x222n);
    csrs.write(CSR.SIE, Priv.S, 0n);
    expect(csrs.read(CSR.MIE, Priv.M)).toBe(0x888n);
    env.ext = Number(MIP_MTIP | MIP_SEIP);
    csrs.write(CSR.MIP, Priv.M, MIP_SSIP | MIP_STIP | MIP_MSIP);
    expect(csrs.read(CSR.MIP, Priv.M)).toBe(MIP_SSIP | MIP_STIP | MIP_MTIP | MIP_SEIP);
    expect(csrs.read(CSR.SIP, Priv.S)).toBe(MIP_SSIP | MIP_STIP | MIP_SEIP);
    csrs.write(CSR.SIP, Priv.S, 0n); // only SSIP is writable through sip
    expect(csrs.read(CSR.MIP, Priv.M)).toBe(MIP_STIP | MIP_MTIP | MIP_SEIP);
    env.ext = Number(MIP_MEIP);
    expect(csrs.read(CSR.MIP, Priv.M)).toBe(MIP_STIP | MIP_MEIP);
  });

  it("Sstc: STIP follows stimecmp once menvcfg.STCE is set; stimecmp needs mcounteren.TM below M", () => {
    const { csrs, env } = hart(true);
    expect(csrs.read(CSR.STIMECMP, Priv.S)).toBeUndefined();
    csrs.write(CSR.MENVCFG, Priv.M, ONES);
    expect(csrs.read(CSR.MENVCFG, Priv.M)).toBe(MENVCFG_STCE | 1n);
    csrs.write(CSR.MCOUNTEREN, Priv.M, 2n);
    expect(csrs.write(CSR.STIMECMP, Priv.S, 2000n)).toBe(true);
    expect(csrs.read(CSR.MIP, Priv.M)! & MIP_STIP).toBe(0n);
    env.now = 2000n;
    expect(csrs.read(CSR.MIP, Priv.M)! & MIP_STIP).toBe(MIP_STIP);
    csrs.write(CSR.MIP, Priv.M, 0n); // STIP is not writable under Sstc
    expect(csrs.read(CSR.MIP, Priv.M)! & MIP_STIP).toBe(MIP_STIP);
    expect(hart(false).csrs.read(CSR.STIMECMP, Priv.M)).toBeUndefined();
  });

  it("xtvec ignores reserved modes, xepc clears bit 0, satp ignores unsupported modes and obeys TVM", () => {
    const { csrs } = hart();
    csrs.write(CSR.MTVEC, Priv.M, 0x8000_0101n);
    csrs.write(CSR.MTVEC, Priv.M, 0x8000_0202n);
    expect(csrs.read(CSR.MTVEC, Priv.M)).toBe(0x8000_0101n);
    csrs.write(CSR.SEPC, Priv.S, 0x8000_0003n);
    expect(csrs.read(CSR.SEPC, Priv.S)).toBe(0x8000_0002n);
    const sv39 = (8n << 60n) | (5n << 44n) | 0x80123n;
    csrs.write(CSR.SATP, Priv.S, sv39);
    csrs.write(CSR.SATP, Priv.S, 10n << 60n); // Sv57: not supported, no effect
    expect(csrs.read(CSR.SATP, Priv.S)).toBe(sv39);
    csrs.write(CSR.MSTATUS, Priv.M, MSTATUS_TVM);
    expect(csrs.read(CSR.SATP, Priv.S)).toBeUndefined();
    expect(csrs.write(CSR.SATP, Priv.S, 0n)).toBe(false);
    expect(csrs.read(CSR.SATP, Priv.M)).toBe(sv39);
  });

  it("pmpcfg ignores R=0,W=1 and locked entries; a locked entry's pmpaddr is frozen", () => {
    const { csrs } = hart();
    csrs.write(CSR.PMPCFG0, Priv.M, 0x1f_0fn); // entry 0: NAPOT RWX; entry 1: TOR+RWX+... 0x1f
    csrs.write(CSR.PMPCFG0, Priv.M, 0x02_8fn); // entry 0 becomes locked RWX TOR; entry 1 W-only: ignored
    expect(csrs.read(CSR.PMPCFG0, Priv.M)).toBe(0x1f_8fn);
    csrs.write(CSR.PMPCFG0, Priv.M, 0n);
    expect(csrs.read(CSR.PMPCFG0, Priv.M)! & 0xffn).toBe(0x8fn);
    csrs.write(CSR.PMPADDR0, Priv.M, ONES);
    expect(csrs.read(CSR.PMPADDR0, Priv.M)).toBe(0n);
    csrs.write(CSR.PMPADDR0 + 1, Priv.M, ONES);
    expect(csrs.read(CSR.PMPADDR0 + 1, Priv.M)).toBe((1n << 54n) - 1n);
  });
});

describe("traps and interrupts", () => {
  it("an ecall from U delegated to S: sepc, scause, stval, SPP=U, SPIE=SIE, SIE=0, pc = stvec", () => {
    const { csrs } = hart();
    csrs.write(CSR.MEDELEG, Priv.M, 1n << BigInt(Cause.ECALL_U));
    csrs.write(CSR.STVEC, Priv.M, 0x8020_0000n);
    csrs.write(CSR.SSTATUS, Priv.S, MSTATUS_SIE | MSTATUS_SPP);
    expect(trapEntry(csrs, Priv.U, 0x1_0000n, Cause.ECALL_U, false, 0n)).toEqual({ priv: Priv.S, pc: 0x8020_0000n });
    expect(csrs.get(Csr.SEPC)).toBe(0x1_0000n);
    expect(csrs.get(Csr.SCAUSE)).toBe(8n);
    const ms = csrs.mstatus;
    expect(ms & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP)).toBe(MSTATUS_SPIE);
  });

  it("a fault in S not delegated goes to M (MPP=S); a trap in M stays in M despite medeleg", () => {
    const { csrs } = hart();
    csrs.write(CSR.MTVEC, Priv.M, 0x8000_0000n);
    csrs.write(CSR.MSTATUS, Priv.M, MSTATUS_MIE);
    expect(trapEntry(csrs, Priv.S, 0x8020_1000n, Cause.LOAD_PAGE_FAULT, false, 0x1234n)).toEqual({ priv: Priv.M, pc: 0x8000_0000n });
    expect([csrs.get(Csr.MEPC), csrs.get(Csr.MCAUSE), csrs.get(Csr.MTVAL)]).toEqual([0x8020_1000n, 13n, 0x1234n]);
    expect(csrs.mstatus & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP)).toBe(MSTATUS_MPIE | (1n << 11n));
    csrs.write(CSR.MEDELEG, Priv.M, 1n << 2n);
    expect(trapEntry(csrs, Priv.M, 0x8000_0040n, Cause.ILLEGAL_INSN, false, 0n).priv).toBe(Priv.M);
  });

  it("vectored xtvec offsets interrupts by 4 × cause; xcause has bit 63", () => {
    const { csrs } = hart();
    csrs.write(CSR.MTVEC, Priv.M, 0x8000_0001n);
    expect(trapEntry(csrs, Priv.S, 0n, 7, true, 0n).pc).toBe(0x8000_001cn);
    expect(csrs.get(Csr.MCAUSE)).toBe((1n << 63n) | 7n);
    expect(trapEntry(csrs, Priv.M, 0n, Cause.BREAKPOINT, false, 0n).pc).toBe(0x8000_0000n); // exceptions: base
  });

  it("interrupt priority and enabling by privilege, MIE/SIE and delegation", () => {
    const { csrs, env } = hart();
    csrs.write(CSR.MIE, Priv.M, ONES);
    csrs.write(CSR.MIDELEG, Priv.M, 0x222n);
    env.ext = Number(MIP_MTIP | MIP_MSIP | MIP_SEIP);
    expect(pendingInterrupt(csrs, Priv.M)).toBe(-1); // MIE clear in M
    expect(pendingInterrupt(csrs, Priv.S)).toBe(3); // M-level first: MSI before MTI
    csrs.write(CSR.MSTATUS, Priv.M, MSTATUS_MIE);
    expect(pendingInterrupt(csrs, Priv.M)).toBe(3);
    env.ext = Number(MIP_MEIP | MIP_MSIP);
    expect(pendingInterrupt(csrs, Priv.M)).toBe(11);
    env.ext = Number(MIP_SEIP);
    csrs.write(CSR.MIP, Priv.M, MIP_SSIP | MIP_STIP);
    expect(pendingInterrupt(csrs, Priv.M)).toBe(-1); // S-level interrupts never preempt M
    expect(pendingInterrupt(csrs, Priv.S)).toBe(-1); // SIE clear
    expect(pendingInterrupt(csrs, Priv.U)).toBe(9); // SEI before SSI before STI
    csrs.write(CSR.SSTATUS, Priv.S, MSTATUS_SIE);
    env.ext = 0;
    expect(pendingInterrupt(csrs, Priv.S)).toBe(1);
    csrs.write(CSR.MIDELEG, Priv.M, 0n); // undelegated: now M-level, taken in S without MIE... and in M with MIE
    expect(pendingInterrupt(csrs, Priv.M)).toBe(1);
  });

  it("mret and sret restore privilege and interrupt enables, clear MPRV, and are illegal where the spec says", () => {
    const { csrs } = hart();
    csrs.write(CSR.MEPC, Priv.M, 0x8020_0000n);
    csrs.write(CSR.MSTATUS, Priv.M, MSTATUS_MPIE | (1n << 11n) | MSTATUS_MPRV);
    expect(mret(csrs, Priv.M)).toEqual({ priv: Priv.S, pc: 0x8020_0000n });
    expect(csrs.mstatus & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV)).toBe(MSTATUS_MIE | MSTATUS_MPIE);
    expect(mret(csrs, Priv.S)).toBeUndefined();
    csrs.write(CSR.SEPC, Priv.S, 0x1000n);
    csrs.write(CSR.SSTATUS, Priv.S, MSTATUS_SPIE);
    expect(sret(csrs, Priv.S)).toEqual({ priv: Priv.U, pc: 0x1000n });
    expect(csrs.mstatus & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP)).toBe(MSTATUS_SIE | MSTATUS_SPIE);
    expect(sret(csrs, Priv.U)).toBeUndefined();
    csrs.write(CSR.MSTATUS, Priv.M, MSTATUS_TSR | MSTATUS_TW);
    expect(sret(csrs, Priv.S)).toBeUndefined();
    expect(sret(csrs, Priv.M)).toBeDefined();
    expect(wfiIllegal(csrs, Priv.S)).toBe(true);
    expect(wfiIllegal(csrs, Priv.M)).toBe(false);
    expect(wfiIllegal(csrs, Priv.U)).toBe(true);
    csrs.write(CSR.MSTATUS, Priv.M, MSTATUS_MPRV | (1n << 11n));
    expect(dataPrivilege(csrs, Priv.M)).toBe(Priv.S);
    expect(dataPrivilege(csrs, Priv.S)).toBe(Priv.S);
  });
});

// ---- Sv39 / Sv48

const MEM_BASE = 0x8000_0000n;
class Mem implements PhysMemory {
  readonly dv = new DataView(new ArrayBuffer(1 << 20));
  casFailures = 0;
  load64(pa: bigint): bigint | undefined {
    const o = pa - MEM_BASE;
    if (o < 0n || o + 8n > BigInt(this.dv.byteLength)) return undefined;
    return this.dv.getBigUint64(Number(o), true);
  }
  cas64(pa: bigint, expected: bigint, value: bigint): boolean {
    if (this.casFailures > 0) {
      this.casFailures--;
      return false;
    }
    if (this.load64(pa) !== expected) return false;
    this.dv.setBigUint64(Number(pa - MEM_BASE), value, true);
    return true;
  }
  set(pa: bigint, v: bigint): void {
    this.dv.setBigUint64(Number(pa - MEM_BASE), v, true);
  }
}

/** Page tables: root at +0x1000, next levels at +0x2000, +0x3000, +0x4000. */
function tables(levels: 3 | 4) {
  const mem = new Mem();
  const tbl = (i: number) => MEM_BASE + BigInt(0x1000 * (i + 1));
  const pte = (pa: bigint, flags: bigint) => ((pa >> 12n) << 10n) | flags;
  const satp = ((levels === 3 ? 8n : 9n) << 60n) | (tbl(0) >> 12n);
  /** Maps va -> pa at `level` (0: 4 KiB) with `flags`, creating the path. */
  const map = (va: bigint, pa: bigint, flags: bigint, level = 0) => {
    let t = 0;
    for (let l = levels - 1; l > level; l--) {
      const idx = (va >> BigInt(12 + 9 * l)) & 0x1ffn;
      const next = levels - l;
      mem.set(tbl(t) + idx * 8n, pte(tbl(next), PTE_V));
      t = next;
    }
    mem.set(tbl(t) + ((va >> BigInt(12 + 9 * level)) & 0x1ffn) * 8n, pte(pa, flags | PTE_V));
    return tbl(t) + ((va >> BigInt(12 + 9 * level)) & 0x1ffn) * 8n;
  };
  return { mem, satp, map };
}

const S = (satp: bigint, o: Partial<{ sum: boolean; mxr: boolean; priv: number }> = {}) => ({ satp, priv: o.priv ?? Priv.S, sum: o.sum ?? false, mxr: o.mxr ?? false });
const RWX = PTE_R | PTE_W | PTE_X;

describe("Sv39 and Sv48 page-table walk", () => {
  it("Bare mode and M mode do not translate", () => {
    const { mem, satp } = tables(3);
    expect(translate(0x1234n, "load", S(0n), mem)).toMatchObject({ ok: true, pa: 0x1234n });
    expect(translate(0x1234n, "store", S(satp, { priv: Priv.M }), mem)).toMatchObject({ ok: true, pa: 0x1234n });
  });

  it("4 KiB, 2 MiB and 1 GiB leaves in Sv39, a 4 KiB leaf at the top of Sv48; the offset comes from the address", () => {
    const t3 = tables(3);
    t3.map(0x4000_1000n, 0x8010_0000n, RWX | PTE_A | PTE_D);
    t3.map(0x0020_0000n * 5n, 0x8020_0000n, RWX | PTE_A | PTE_D, 1);
    t3.map(0x1_4000_0000n, 0x8000_0000n, RWX | PTE_A | PTE_D, 2);
    expect(translate(0x4000_1abcn, "load", S(t3.satp), t3.mem)).toEqual({ ok: true, pa: 0x8010_0abcn, pageSize: 0x1000n, prot: PROT_READ | PROT_WRITE | PROT_EXEC });
    expect(translate(0x00a1_2345n, "fetch", S(t3.satp), t3.mem)).toMatchObject({ ok: true, pa: 0x8021_2345n, pageSize: 0x20_0000n });
    expect(translate(0x1_7654_3210n, "store", S(t3.satp), t3.mem)).toMatchObject({ ok: true, pa: 0xb654_3210n, pageSize: 0x4000_0000n });
    const t4 = tables(4);
    t4.map(0x7f_ffff_f000n, 0x8000_5000n, PTE_R | PTE_A);
    expect(translate(0x7f_ffff_f008n, "load", S(t4.satp), t4.mem)).toMatchObject({ ok: true, pa: 0x8000_5008n, prot: PROT_READ });
  });

  it("non-canonical addresses, invalid and reserved PTEs, W without R, a non-leaf at level 0 and misaligned superpages fault", () => {
    const { mem, satp, map } = tables(3);
    expect(translate(0x40_0000_0000n, "load", S(satp), mem)).toEqual({ ok: false, cause: Cause.LOAD_PAGE_FAULT });
    expect(translate(0xffff_ffc0_0000_0000n, "fetch", S(satp), mem)).toEqual({ ok: false, cause: Cause.INSN_PAGE_FAULT }); // canonical, unmapped
    const p = map(0x1000n, 0x8010_0000n, PTE_W | PTE_A | PTE_D);
    expect(translate(0x1000n, "store", S(satp), mem)).toEqual({ ok: false, cause: Cause.STORE_PAGE_FAULT });
    mem.set(p, (0x80100n << 10n) | PTE_V | PTE_R | (1n << 61n)); // PBMT set: reserved here
    expect(translate(0x1000n, "load", S(satp), mem)).toEqual({ ok: false, cause: Cause.LOAD_PAGE_FAULT });
    mem.set(p, (0x80100n << 10n) | PTE_V); // non-leaf at level 0
    expect(translate(0x1000n, "load", S(satp), mem)).toEqual({ ok: false, cause: Cause.LOAD_PAGE_FAULT });
    map(0x20_0000n, 0x8010_1000n, RWX | PTE_A | PTE_D, 1); // 2 MiB page at a 4 KiB-aligned address
    expect(translate(0x20_0000n, "load", S(satp), mem)).toEqual({ ok: false, cause: Cause.LOAD_PAGE_FAULT });
  });

  it("a PTE outside memory is an access fault of the access's kind", () => {
    const mem = new Mem();
    const satp = (8n << 60n) | 0x1000n; // root table at 0x1000000, outside Mem
    expect(translate(0x1000n, "fetch", S(satp), mem)).toEqual({ ok: false, cause: Cause.INSN_ACCESS });
    expect(translate(0x1000n, "store", S(satp), mem)).toEqual({ ok: false, cause: Cause.STORE_ACCESS });
  });

  it("U and S: U pages need U mode or SUM (never fetch from S); S pages fault in U", () => {
    const { mem, satp, map } = tables(3);
    map(0x1000n, 0x8010_0000n, RWX | PTE_U | PTE_A | PTE_D);
    map(0x2000n, 0x8010_1000n, RWX | PTE_A | PTE_D);
    expect(translate(0x1000n, "load", S(satp, { priv: Priv.U }), mem).ok).toBe(true);
    expect(translate(0x2000n, "load", S(satp, { priv: Priv.U }), mem)).toEqual({ ok: false, cause: Cause.LOAD_PAGE_FAULT });
    expect(translate(0x1000n, "load", S(satp), mem)).toEqual({ ok: false, cause: Cause.LOAD_PAGE_FAULT });
    expect(translate(0x1000n, "store", S(satp, { sum: true }), mem)).toMatchObject({ ok: true, prot: PROT_READ | PROT_WRITE });
    expect(translate(0x1000n, "fetch", S(satp, { sum: true }), mem)).toEqual({ ok: false, cause: Cause.INSN_PAGE_FAULT });
  });

  it("MXR makes execute-only pages readable; fetch needs X, store needs W", () => {
    const { mem, satp, map } = tables(3);
    map(0x1000n, 0x8010_0000n, PTE_X | PTE_A);
    map(0x2000n, 0x8010_1000n, PTE_R | PTE_A);
    expect(translate(0x1000n, "load", S(satp), mem)).toEqual({ ok: false, cause: Cause.LOAD_PAGE_FAULT });
    expect(translate(0x1000n, "load", S(satp, { mxr: true }), mem)).toMatchObject({ ok: true, prot: PROT_READ | PROT_EXEC });
    expect(translate(0x2000n, "fetch", S(satp), mem)).toEqual({ ok: false, cause: Cause.INSN_PAGE_FAULT });
    expect(translate(0x2000n, "store", S(satp), mem)).toEqual({ ok: false, cause: Cause.STORE_PAGE_FAULT });
  });

  it("sets A on access and D on store; a clean page's TLB entry has no write permission; a raced PTE is walked again", () => {
    const { mem, satp, map } = tables(3);
    const p = map(0x1000n, 0x8010_0000n, PTE_R | PTE_W);
    expect(translate(0x1000n, "load", S(satp), mem)).toMatchObject({ ok: true, prot: PROT_READ });
    expect(mem.load64(p)! & (PTE_A | PTE_D)).toBe(PTE_A);
    mem.casFailures = 1;
    expect(translate(0x1008n, "store", S(satp), mem)).toMatchObject({ ok: true, pa: 0x8010_0008n, prot: PROT_READ | PROT_WRITE });
    expect(mem.load64(p)! & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
  });
});
