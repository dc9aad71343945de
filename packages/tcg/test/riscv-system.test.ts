// System-mode paths of the front end on the IR interpreter: the CSR hook supplied through
// createRiscvHelpers, privilege checks decided from the TB flags, mret/sret through the
// default helpers, wfi and sfence.vma exits, and mstatus.FS marking.
import { describe, expect, it } from "vitest";
import {
  Cause, Csr, createRiscvHelpers, createRiscvTranslator, CsrOp, CpuOffset, encodeTbFlags, Priv, recordException,
  RISCV_EXIT_NOCHAIN, RISCV_EXIT_WFI, type HelperImpl,
} from "../src/index.js";
import { asm, CODE_BASE, TestMachine } from "./riscv-support.js";

const MSCRATCH = 0x340;

/** A toy CSR hook: mscratch is read/write in M mode, everything else is illegal. */
const csrHook: HelperImpl = (env, a) => {
  const s = env.state;
  const [csr, op, src, pc, insn] = [Number(a[0]), Number(a[1]), BigInt.asUintN(64, a[2] ?? 0n), a[3] ?? 0n, a[4] ?? 0n];
  if (csr !== MSCRATCH || s.getUint32(CpuOffset.PRIV, true) !== Priv.M) {
    recordException(s, Cause.ILLEGAL_INSN, BigInt.asUintN(32, insn), pc);
    return 1n;
  }
  const slot = CpuOffset.CSR_FILE + 8 * Csr.MSCRATCH;
  const old = s.getBigUint64(slot, true);
  const kind = op & 3;
  const nv = kind === CsrOp.WRITE ? src : kind === CsrOp.SET ? old | src : kind === CsrOp.CLEAR ? old & ~src : old;
  if (kind !== CsrOp.NONE) s.setBigUint64(slot, nv, true);
  if ((op & CsrOp.READ) !== 0) s.setBigUint64(CpuOffset.CSR_VALUE, old, true);
  return 0n;
};

function systemMachine(priv: number, code: string): TestMachine {
  const tr = createRiscvTranslator({ helpers: createRiscvHelpers({ csrRw: csrHook }) });
  const m = new TestMachine({ tr, flags: encodeTbFlags({ priv, system: true, fsOff: false }) }).load(asm(code));
  m.cpu.priv = priv;
  return m;
}

describe("RISC-V system mode on the IR interpreter", () => {
  it("CSR instructions go through the hook; a write ends the TB", () => {
    const m = systemMachine(Priv.M, "li a0, 5\ncsrw mscratch, a0\ncsrrs a1, mscratch, a0\ncsrrci a2, mscratch, 1\ncsrr a3, mscratch\nebreak");
    m.cpu.setCsr(Csr.MSCRATCH, 0n);
    const e = m.step();
    expect(e).toEqual({ kind: "exit_tb", code: RISCV_EXIT_NOCHAIN });
    expect(m.cpu.pc).toBe(CODE_BASE + 8n);
    expect(m.run()).toMatchObject({ kind: "exception", cause: Cause.BREAKPOINT });
    expect([m.cpu.x(11), m.cpu.x(12), m.cpu.x(13)]).toEqual([5n, 5n, 4n]);
  });

  it("a CSR the hook rejects raises with the hook's record, state untouched", () => {
    const m = systemMachine(Priv.S, "li a1, 7\ncsrr a1, mscratch\nebreak");
    expect(m.run()).toEqual({ kind: "exception", cause: Cause.ILLEGAL_INSN, pc: CODE_BASE + 4n, tval: 0x340025f3n });
    expect(m.cpu.x(11)).toBe(7n);
  });

  it("mret returns to mepc at MPP; sret below S is illegal statically", () => {
    const m = systemMachine(Priv.M, "mret");
    m.cpu.setCsr(Csr.MEPC, 0x1234n);
    m.cpu.setCsr(Csr.MSTATUS, (1n << 11n) | (1n << 7n)); // MPP = S, MPIE = 1
    expect(m.step()).toEqual({ kind: "exit_tb", code: RISCV_EXIT_NOCHAIN });
    expect(m.cpu.pc).toBe(0x1234n);
    expect(m.cpu.priv).toBe(Priv.S);
    expect(m.cpu.csr(Csr.MSTATUS) & (1n << 3n)).toBe(1n << 3n); // MIE = MPIE
    const u = systemMachine(Priv.U, "sret");
    expect(u.run()).toMatchObject({ kind: "exception", cause: Cause.ILLEGAL_INSN, pc: CODE_BASE });
  });

  it("sret with mstatus.TSR in S mode raises at run time (exit_tb RISCV_EXIT_EXCEPTION)", () => {
    const m = systemMachine(Priv.S, "sret");
    m.cpu.setCsr(Csr.MSTATUS, 1n << 22n);
    expect(m.run()).toMatchObject({ kind: "exception", cause: Cause.ILLEGAL_INSN, pc: CODE_BASE });
    expect(m.cpu.priv).toBe(Priv.S);
  });

  it("wfi and sfence.vma leave with pc at the next instruction", () => {
    const m = systemMachine(Priv.S, "wfi\nsfence.vma\nebreak");
    expect(m.step()).toEqual({ kind: "exit_tb", code: RISCV_EXIT_WFI });
    expect(m.cpu.pc).toBe(CODE_BASE + 4n);
    expect(m.step()).toEqual({ kind: "exit_tb", code: RISCV_EXIT_NOCHAIN });
    expect(m.cpu.pc).toBe(CODE_BASE + 8n);
  });

  it("the first FP write of a TB sets mstatus.FS = Dirty and SD", () => {
    const m = systemMachine(Priv.S, "fmv.d.x fa0, a0\nebreak");
    m.cpu.setCsr(Csr.MSTATUS, 1n << 13n); // FS = Initial
    m.run();
    expect(m.cpu.csr(Csr.MSTATUS)).toBe((3n << 13n) | (1n << 63n));
  });
});
