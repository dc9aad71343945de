// The RISC-V front end end to end through the WebAssembly back end and the cpu-exec loop
// (createRiscvTarget + BareMetal): the QEMU differential program must print exactly what
// qemu-riscv64 printed, and exceptions must come back with the exact pc and state.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readElf } from "@wasmu/isa/elf";
import { describe, expect, it } from "vitest";
import { BareMetal, Cause, createRiscvTarget, RiscvCpuState, RISCV_EXIT_EXCEPTION, type CpuExit } from "../src/index.js";
import { asm } from "./riscv-support.js";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "riscv-qemu");
const RAM = 0x10000n;

function machine(): { m: BareMetal; cpu: RiscvCpuState } {
  const m = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 20 });
  return { m, cpu: new RiscvCpuState(m.state.buffer, m.state.byteOffset) };
}

/** Runs to the next exception; returns it (pc left at the raising instruction). */
function runToException(m: BareMetal, cpu: RiscvCpuState): { exit: CpuExit; cause: number | undefined; pc: bigint } {
  for (;;) {
    const exit = m.run();
    if (exit.kind === "exit_tb" && exit.code !== RISCV_EXIT_EXCEPTION) continue;
    if (exit.kind === "helper" || exit.kind === "exit_tb") {
      const x = cpu.exception;
      if (x === undefined) throw new Error("exception exit without a recorded exception");
      cpu.clearException();
      cpu.pc = x.pc;
      return { exit, cause: x.cause, pc: x.pc };
    }
    return { exit, cause: undefined, pc: "pc" in exit ? exit.pc : -1n };
  }
}

describe("RISC-V on the wasm back end", () => {
  it("runs the QEMU differential program with QEMU's output", () => {
    const elf = readElf(new Uint8Array(readFileSync(join(DIR, "program"))));
    if (!elf.ok) throw new Error(elf.error);
    const { m, cpu } = machine();
    for (const s of elf.elf.segments.filter((s) => s.type === 1)) m.load(s.vaddr, elf.elf.segmentData(s));
    cpu.pc = elf.elf.header.entry;
    const out: number[] = [];
    for (;;) {
      const e = runToException(m, cpu);
      expect(e.cause).toBe(Cause.ECALL_U);
      const nr = cpu.x(17);
      if (nr === 93n) break;
      expect(nr).toBe(64n);
      out.push(...m.read(cpu.x(11), Number(cpu.x(12))));
      cpu.setX(10, cpu.x(12));
      cpu.pc = e.pc + 4n;
    }
    const recorded = new Uint8Array(readFileSync(join(DIR, "qemu-output.bin")));
    expect(out.length).toBe(recorded.length);
    const firstDiff = out.findIndex((b, i) => b !== recorded[i]);
    expect(firstDiff).toBe(-1);
  }, 120_000);

  it("faults, illegal instructions, a reserved frm and CSR hook errors are precise", () => {
    const { m, cpu } = machine();
    const code = asm(`
      li a0, 1
      ld a1, 0(zero)
      li a0, 2
      .word 0x0000000b
      li a0, 3
      fsrmi 6
      fadd.d fa0, fa1, fa2
      li a0, 4
      csrr a1, mstatus
      li a0, 5
      ebreak`, RAM);
    m.load(RAM, code);
    cpu.pc = RAM;
    const f = runToException(m, cpu);
    expect(f.exit).toMatchObject({ kind: "fault", pc: RAM + 4n, addr: 0n });
    expect(cpu.x(10)).toBe(1n);
    cpu.pc = RAM + 8n;
    expect(runToException(m, cpu)).toMatchObject({ cause: Cause.ILLEGAL_INSN, pc: RAM + 12n });
    expect(cpu.x(10)).toBe(2n);
    cpu.pc = RAM + 16n;
    expect(runToException(m, cpu)).toMatchObject({ cause: Cause.ILLEGAL_INSN, pc: RAM + 24n });
    expect(cpu.x(10)).toBe(3n);
    cpu.frm = 0;
    cpu.pc = RAM + 28n;
    expect(runToException(m, cpu)).toMatchObject({ cause: Cause.ILLEGAL_INSN, pc: RAM + 32n });
    expect(cpu.x(10)).toBe(4n);
    cpu.pc = RAM + 36n;
    expect(runToException(m, cpu)).toMatchObject({ cause: Cause.BREAKPOINT, pc: RAM + 40n });
    expect(cpu.x(10)).toBe(5n);
  });
});
