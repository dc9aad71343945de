// Page protections checked by generated code (ExecParams.pageProtection, the page access
// table of tb/page-access.ts) on the RISC-V front end, wasm back end and cpu-exec loop:
// loads, stores, accesses that cross into a refusing page, atomics and LR/SC, instruction
// fetch (also after execute permission is taken away), and self-modifying code on a
// writable code page next to a store refused on a read-only one. Every refused access
// must leave the state as before the instruction, write nothing, and be reported with the
// first refused byte and whether the page was mapped.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ACCESS_NO_EXEC, ACCESS_NO_READ, ACCESS_NO_WRITE, ACCESS_UNMAPPED_PAGE, BareMetal, createRiscvTarget, type CpuExit, CTRL_EXIT_PC, CTRL_FAULT_ADDR,
  CTRL_FAULT_INFO, FAULT_ATOMIC, FAULT_MISALIGNED, FAULT_SIZE_SHIFT, FAULT_STORE, RiscvCpuState,
} from "../src/index.js";
import { asm } from "./riscv-support.js";
import { type TierCase, TIERS } from "./tiers.js";

const RAM = 0x10000n;
const PAGE = 0x1000n;
/** Code (read, execute). */
const CODE = 0x10000n;
/** Read-write. */
const RW = 0x12000n;
/** Read-only. */
const RO = 0x13000n;
/** Mapped, no access (PROT_NONE). */
const NONE = 0x14000n;
/** Not mapped. */
const UNMAPPED = 0x15000n;
/** Read-write, followed by a read-only page. */
const RW2 = 0x16000n;
const RO2 = 0x17000n;
/** Read-write-execute, followed by a read-write page without execute permission. */
const RWX = 0x1a000n;
const NX = 0x1b000n;
/** Readable and writable but not readable... for atomics: write-only at the table level. */
const WO = 0x1c000n;

const LAYOUT: readonly [bigint, bigint, number][] = [
  [CODE, 2n * PAGE, ACCESS_NO_WRITE],
  [RW, PAGE, ACCESS_NO_EXEC],
  [RO, PAGE, ACCESS_NO_WRITE | ACCESS_NO_EXEC],
  [NONE, PAGE, ACCESS_NO_READ | ACCESS_NO_WRITE | ACCESS_NO_EXEC],
  [RW2, PAGE, ACCESS_NO_EXEC],
  [RO2, PAGE, ACCESS_NO_WRITE | ACCESS_NO_EXEC],
  [RWX, PAGE, 0],
  [NX, PAGE, ACCESS_NO_EXEC],
  [WO, PAGE, ACCESS_NO_READ | ACCESS_NO_EXEC],
];

function protect(m: BareMetal, addr: bigint, len: bigint, bits: number): void {
  const first = Number((addr - RAM) / PAGE);
  m.cpu.ctx.pages.access.protect(first, first + Number(len / PAGE), bits);
  // Taking execute permission away: the pages' TBs go (what linux-user's mprotect does).
  if ((bits & ACCESS_NO_EXEC) !== 0) m.cpu.invalidateRange(addr, addr + len);
}

let tier: TierCase["opts"] = {};

function machine(): { m: BareMetal; cpu: RiscvCpuState } {
  const m = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 18, pageProtection: true, debugLocks: true, ...tier });
  for (const [a, len, bits] of LAYOUT) protect(m, a, len, bits);
  return { m, cpu: new RiscvCpuState(m.state.buffer, m.state.byteOffset) };
}

/** Loads `src` at CODE, sets registers, runs to the first exit. */
function run(src: string, regs: Readonly<Record<number, bigint>> = {}, compress = false): { m: BareMetal; cpu: RiscvCpuState; e: CpuExit } {
  const { m, cpu } = machine();
  m.load(CODE, asm(src, CODE, compress));
  for (const [r, v] of Object.entries(regs)) cpu.setX(Number(r), v);
  cpu.pc = CODE;
  return { m, cpu, e: m.run() };
}

const fault = (pc: bigint, addr: bigint, size: number, reason: string, store = false, atomic = false): CpuExit =>
  ({ kind: "fault", pc, addr, size, reason, store, atomic, misaligned: false }) as CpuExit;

describe.each(TIERS)("page protections in both tiers ($name)", ({ opts }) => {
  beforeAll(() => { tier = opts; });
  it("starts with every page unmapped: a load anywhere in RAM faults as unmapped", () => {
    const m = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 18, pageProtection: true });
    expect(m.cpu.ctx.pages.access.get(0)).toBe(ACCESS_UNMAPPED_PAGE);
    // No code page is executable either.
    m.load(CODE, asm("ecall", CODE));
    m.setPc(CODE);
    expect(m.run()).toEqual({ kind: "fetch_fault", pc: CODE, addr: CODE, reason: "unmapped" });
  });

  it("loads: readable pages load; PROT_NONE and unmapped pages fault precisely, rd untouched", () => {
    const src = `
      li a0, 1
      ld a2, 8(a1)
      li a0, 2
      ecall`;
    for (const page of [RW, RO, CODE]) {
      const { m, cpu, e } = run(src, { 11: page, 12: 77n });
      expect(e.kind).toBe("helper");
      expect(cpu.x(10)).toBe(2n);
      expect(cpu.x(12)).toBe(page === CODE ? m.read64(CODE + 8n) : 0n);
    }
    for (const [page, reason] of [[NONE, "protected"], [UNMAPPED, "unmapped"]] as const) {
      const { m, cpu, e } = run(src, { 11: page, 12: 77n });
      expect(e).toEqual(fault(CODE + 4n, page + 8n, 8, reason));
      expect(cpu.x(10)).toBe(1n);
      expect(cpu.x(12)).toBe(77n);
      expect(m.worker.translator.getPc(m.state)).toBe(CODE + 4n);
    }
  });

  it("loads of every width, FP loads and compressed loads fault on a PROT_NONE page", () => {
    const loads: [string, number][] = [["lb a2, 0(a1)", 1], ["lhu a2, 2(a1)", 2], ["lw a2, 4(a1)", 4], ["lwu a2, 4(a1)", 4], ["fld fa0, 8(a1)", 8], ["flw fa0, 4(a1)", 4], ["c.ld a2, 8(a1)", 8], ["c.lw a2, 4(a1)", 4]];
    for (const [insn, size] of loads) {
      const compressed = insn.startsWith("c.");
      const { m, e } = run(`${insn.replace("c.", "")}\n ecall`, { 11: NONE }, compressed);
      const off = BigInt(Number(/(\d+)\(a1\)/.exec(insn)![1]));
      expect({ insn, compressed: (m.read(CODE, 1)[0]! & 3) !== 3, e }).toEqual({ insn, compressed, e: fault(CODE, NONE + off, size, "protected") });
    }
  });

  it("stores: writable pages store; read-only, PROT_NONE and unmapped pages fault and write nothing", () => {
    const src = `
      li a0, 1
      sd a2, 16(a1)
      li a0, 2
      ecall`;
    {
      const { m, e } = run(src, { 11: RW, 12: 0x1122_3344_5566_7788n });
      expect(e.kind).toBe("helper");
      expect(m.read64(RW + 16n)).toBe(0x1122_3344_5566_7788n);
    }
    for (const [page, reason] of [[RO, "protected"], [NONE, "protected"], [UNMAPPED, "unmapped"], [CODE, "protected"]] as const) {
      const { m, cpu, e } = run(src, { 11: page, 12: 0x1122_3344_5566_7788n });
      expect(e).toEqual(fault(CODE + 4n, page + 16n, 8, reason, true));
      expect(cpu.x(10)).toBe(1n);
      if (page !== CODE) expect(m.read64(page + 16n)).toBe(0n);
    }
  });

  it("byte, half, word and compressed stores and FP stores fault on a read-only page", () => {
    const stores: [string, number][] = [["sb a2, 1(a1)", 1], ["sh a2, 2(a1)", 2], ["sw a2, 4(a1)", 4], ["fsd fa0, 8(a1)", 8], ["fsw fa0, 4(a1)", 4], ["c.sd a2, 8(a1)", 8], ["c.sw a2, 4(a1)", 4]];
    for (const [insn, size] of stores) {
      const compressed = insn.startsWith("c.");
      const { m, e } = run(`${insn.replace("c.", "")}\n ecall`, { 11: RO, 12: -1n }, compressed);
      const off = BigInt(Number(/(\d+)\(a1\)/.exec(insn)![1]));
      expect({ insn, compressed: (m.read(CODE, 1)[0]! & 3) !== 3, e, written: m.read64(RO) }).toEqual({
        insn, compressed, e: fault(CODE, RO + off, size, "protected", true), written: 0n,
      });
    }
  });

  it("an access that crosses into a refusing page faults at that page's first byte; one across two good pages works", () => {
    // Load across RW | RO: both readable.
    {
      const { m, cpu, e } = run("ld a2, 0(a1)\n ecall", { 11: RO - 4n });
      expect(e.kind).toBe("helper");
      expect(cpu.x(12)).toBe(m.read64(RO - 4n));
    }
    // Load across RO | NONE, and starting on NONE.
    expect(run("ld a2, 0(a1)\n ecall", { 11: NONE - 3n }).e).toEqual(fault(CODE, NONE, 8, "protected"));
    expect(run("lw a2, 0(a1)\n ecall", { 11: UNMAPPED - 2n }).e).toEqual(fault(CODE, UNMAPPED - 2n, 4, "protected"));
    // From a readable page into an unmapped one: refused at the unmapped page, as unmapped.
    {
      const { m, cpu } = machine();
      protect(m, NONE, PAGE, ACCESS_NO_WRITE);
      m.load(CODE, asm("ld a2, 0(a1)\n ecall", CODE));
      cpu.setX(11, UNMAPPED - 4n);
      cpu.pc = CODE;
      expect(m.run()).toEqual(fault(CODE, UNMAPPED, 8, "unmapped"));
    }
    // Store across RW2 | RO2: refused as a whole, the RW2 bytes keep their value.
    const { m, e } = run("sd a2, 0(a1)\n ecall", { 11: RO2 - 4n, 12: -1n });
    expect(e).toEqual(fault(CODE, RO2, 8, "protected", true));
    expect(m.read(RO2 - 4n, 8)).toEqual(new Uint8Array(8));
    // Store across RW | RO (the other order): refused at the access address.
    expect(run("sw a2, 0(a1)\n ecall", { 11: RO - 2n, 12: -1n }).e).toEqual(fault(CODE, RO, 4, "protected", true));
  });

  it("atomics need read and write permission; LR is a load, SC a store", () => {
    const amo = "amoadd.w a2, a3, (a1)\n ecall";
    expect(run(amo, { 11: RW, 13: 5n }).e.kind).toBe("helper");
    for (const [page, reason] of [[RO, "protected"], [NONE, "protected"], [WO, "protected"], [UNMAPPED, "unmapped"]] as const) {
      const { m, cpu, e } = run(amo, { 11: page, 12: 9n, 13: 5n });
      expect(e).toEqual(fault(CODE, page, 4, reason, true, true));
      expect(cpu.x(12)).toBe(9n);
      if (page !== UNMAPPED) expect(m.read(page, 4)).toEqual(new Uint8Array(4));
    }
    for (const insn of ["amoswap.d a2, a3, (a1)", "amomaxu.d a2, a3, (a1)", "amomin.w a2, a3, (a1)"]) {
      expect({ insn, e: run(`${insn}\n ecall`, { 11: RO }).e }).toEqual({ insn, e: fault(CODE, RO, insn.includes(".d") ? 8 : 4, "protected", true, true) });
    }
    // LR from a read-only page loads; the SC that follows is refused as a store.
    const { cpu, e } = run("lr.d a2, (a1)\n sc.d a4, a3, (a1)\n ecall", { 11: RO, 13: 1n });
    expect(e).toEqual(fault(CODE + 4n, RO, 8, "protected", true, true));
    expect(cpu.x(12)).toBe(0n);
    expect(run("lr.w a2, (a1)\n ecall", { 11: NONE }).e).toEqual(fault(CODE, NONE, 4, "protected"));
    // Alignment is checked first.
    const mis = run(amo, { 11: RO + 2n }).e;
    expect(mis).toMatchObject({ kind: "fault", reason: "misaligned", misaligned: true, addr: RO + 2n });
  });

  it("instruction fetch needs execute permission, also for the second half of the first instruction", () => {
    const jump = "jr a1";
    expect(run(jump, { 11: NX }).e).toEqual({ kind: "fetch_fault", pc: NX, addr: NX, reason: "protected" });
    expect(run(jump, { 11: UNMAPPED }).e).toEqual({ kind: "fetch_fault", pc: UNMAPPED, addr: UNMAPPED, reason: "unmapped" });
    expect(run(jump, { 11: RW + 8n }).e).toEqual({ kind: "fetch_fault", pc: RW + 8n, addr: RW + 8n, reason: "protected" });
    expect(run(jump, { 11: 0x100_0000n }).e).toEqual({ kind: "fetch_fault", pc: 0x100_0000n, addr: 0x100_0000n, reason: "outside" });
    // A 32-bit instruction whose second parcel is on the non-executable page.
    const { m, cpu } = machine();
    m.load(CODE, asm("jr a1", CODE));
    m.load(NX - 2n, asm("addi a0, a0, 1", NX - 2n));
    cpu.setX(11, NX - 2n);
    cpu.pc = CODE;
    expect(m.run()).toEqual({ kind: "fetch_fault", pc: NX - 2n, addr: NX, reason: "protected" });
    // A TB on RWX that ends before that instruction runs, then faults at it.
    m.load(NX - 6n, asm("addi a0, a0, 1", NX - 6n));
    cpu.setX(10, 0n);
    cpu.pc = NX - 6n;
    expect(m.run()).toEqual({ kind: "fetch_fault", pc: NX - 2n, addr: NX, reason: "protected" });
    expect(cpu.x(10)).toBe(1n);
  });

  it("taking execute permission away makes later fetches of translated code fault", () => {
    const { m, cpu } = machine();
    m.load(RWX, asm("addi a0, a0, 1\n ecall", RWX));
    cpu.pc = RWX;
    expect(m.run().kind).toBe("helper");
    cpu.pc = RWX;
    expect(m.run().kind).toBe("helper");
    expect(cpu.x(10)).toBe(2n);
    protect(m, RWX, PAGE, ACCESS_NO_EXEC);
    cpu.pc = RWX;
    expect(m.run()).toEqual({ kind: "fetch_fault", pc: RWX, addr: RWX, reason: "protected" });
    protect(m, RWX, PAGE, 0);
    cpu.pc = RWX;
    expect(m.run().kind).toBe("helper");
    expect(cpu.x(10)).toBe(3n);
  });

  it("a store to a writable code page is self-modifying code, to a read-only code page a fault", () => {
    const { m, cpu } = machine();
    // RWX: li a0, 1; ecall. Run it, then let guest code overwrite the li with li a0, 2.
    m.load(RWX, asm("li a0, 1\n ecall", RWX));
    const newInsn = new DataView(asm("li a0, 2", RWX).buffer).getUint32(0, true);
    m.load(CODE, asm(`
      jalr a1
      sw a2, 0(a3)
      jalr a1
      ecall`, CODE));
    cpu.setX(11, RWX);
    cpu.setX(12, BigInt(newInsn));
    cpu.setX(13, RWX);
    cpu.pc = CODE;
    expect(m.run().kind).toBe("helper");
    expect(cpu.x(10)).toBe(1n);
    // The ecall in RWX: continue after it (the helper exit left pc at it).
    cpu.pc = CODE + 4n;
    expect(m.run().kind).toBe("helper");
    expect(cpu.x(10)).toBe(2n);
    // Now the same store with RWX read-only and executable: refused, code unchanged.
    protect(m, RWX, PAGE, ACCESS_NO_WRITE);
    cpu.setX(12, BigInt(new DataView(asm("li a0, 3", RWX).buffer).getUint32(0, true)));
    cpu.pc = CODE + 4n;
    expect(m.run()).toEqual(fault(CODE + 4n, RWX, 4, "protected", true));
    expect(new DataView(m.read(RWX, 4).buffer).getUint32(0, true)).toBe(newInsn);
  });

  it("a fault exit is classified against the table as it is then: refused, or allowed meanwhile (run again), or forced", () => {
    const { m } = machine();
    const ctrl = new DataView(m.shared.memory.buffer, m.cpu.env);
    const exitAt = (addr: bigint, info: number): void => {
      ctrl.setInt32(CTRL_FAULT_INFO, info | (8 << FAULT_SIZE_SHIFT), true);
      ctrl.setBigUint64(CTRL_FAULT_ADDR, addr, true);
      ctrl.setBigUint64(CTRL_EXIT_PC, CODE + 8n, true);
    };
    exitAt(RO + 8n, FAULT_STORE);
    expect(m.cpu.faultExit()).toEqual(fault(CODE + 8n, RO + 8n, 8, "protected", true));
    // The page became writable between the exit and the classification: nothing to report.
    protect(m, RO, PAGE, ACCESS_NO_EXEC);
    expect(m.cpu.faultExit()).toBeUndefined();
    expect(m.cpu.faultExit(true)).toEqual(fault(CODE + 8n, RO + 8n, 8, "protected", true));
    // Loads of a readable page are not refused; outside the window and across its end.
    exitAt(RW, 0);
    expect(m.cpu.faultExit()).toBeUndefined();
    exitAt(RAM + (1n << 18n) + 16n, 0);
    expect(m.cpu.faultExit()).toEqual(fault(CODE + 8n, RAM + (1n << 18n) + 16n, 8, "outside"));
    protect(m, RAM + (1n << 18n) - PAGE, PAGE, 0);
    exitAt(RAM + (1n << 18n) - 4n, 0);
    expect(m.cpu.faultExit()).toEqual(fault(CODE + 8n, RAM + (1n << 18n), 8, "outside"));
    // The misaligned bit wins.
    exitAt(RW + 2n, FAULT_MISALIGNED | FAULT_ATOMIC | FAULT_STORE);
    expect(m.cpu.faultExit()).toMatchObject({ reason: "misaligned", addr: RW + 2n, atomic: true, misaligned: true });
  });

  it("without pageProtection every RAM byte is accessible (bare metal)", () => {
    const m = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 18 });
    const cpu = new RiscvCpuState(m.state.buffer, m.state.byteOffset);
    m.load(CODE, asm("sd a2, 0(a1)\n ld a3, 0(a1)\n amoadd.d a4, a2, (a1)\n ecall", CODE));
    cpu.setX(11, NONE);
    cpu.setX(12, 5n);
    cpu.pc = CODE;
    expect(m.run().kind).toBe("helper");
    expect([cpu.x(13), cpu.x(14), m.read64(NONE)]).toEqual([5n, 5n, 10n]);
  });
});
