// The RISC-V front end end to end through the WebAssembly back end and the cpu-exec loop
// (createRiscvTarget + BareMetal): the QEMU differential program must print exactly what
// qemu-riscv64 printed, and exceptions must come back with the exact pc and state.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readElf } from "@wasmu/isa/elf";
import { beforeAll, describe, expect, it } from "vitest";
import { BareMetal, Cause, createRiscvTarget, RiscvCpuState, RISCV_EXIT_EXCEPTION, type CpuExit } from "../src/index.js";
import { available, firstDifference, randomProgram } from "./riscv-qemu-support.js";
import { asm } from "./riscv-support.js";
import { type TierCase, TIERS } from "./tiers.js";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "riscv-qemu");
const RAM = 0x10000n;

let tier: TierCase["opts"] = {};

function machine(): { m: BareMetal; cpu: RiscvCpuState } {
  const m = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 20, ...tier });
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

/** Runs a differential program on the wasm back end; returns what it wrote. */
function runProgram(path: string): Uint8Array {
  const elf = readElf(new Uint8Array(readFileSync(path)));
  if (!elf.ok) throw new Error(elf.error);
  const { m, cpu } = machine();
  for (const s of elf.elf.segments.filter((s) => s.type === 1)) m.load(s.vaddr, elf.elf.segmentData(s));
  cpu.pc = elf.elf.header.entry;
  const out: number[] = [];
  for (;;) {
    const e = runToException(m, cpu);
    if (e.cause !== Cause.ECALL_U) throw new Error(`stopped at 0x${e.pc.toString(16)}: ${JSON.stringify(e.exit, (_k, v: unknown) => (typeof v === "bigint" ? v.toString(16) : v))}`);
    const nr = cpu.x(17);
    if (nr === 93n) break;
    if (nr !== 64n) throw new Error(`unexpected syscall ${nr}`);
    out.push(...m.read(cpu.x(11), Number(cpu.x(12))));
    cpu.setX(10, cpu.x(12));
    cpu.pc = e.pc + 4n;
  }
  return Uint8Array.from(out);
}

describe.each(TIERS)("RISC-V through cpuExec ($name)", ({ opts }) => {
  beforeAll(() => { tier = opts; });
  it("runs the QEMU differential program with QEMU's output", () => {
    const recorded = new Uint8Array(readFileSync(join(DIR, "qemu-output.bin")));
    expect(firstDifference(runProgram(join(DIR, "program")), recorded)).toBeUndefined();
  }, 120_000);

  it("runs random differential programs with QEMU's output", () => {
    const missing = ["python3", "riscv64-linux-gnu-gcc", "qemu-riscv64-static"].filter((t) => !available(t));
    if (missing.length > 0) {
      console.warn(`riscv-wasm: random programs skipped (missing ${missing.join(", ")})`);
      return;
    }
    const blocks = Number(process.env.WASMU_RISCV_RANDOM ?? "100");
    const seed = Number(process.env.WASMU_RISCV_SEED ?? String(Math.floor(Math.random() * 1e9)));
    const dir = mkdtempSync(join(tmpdir(), "wasmu-riscv-wasm-"));
    try {
      const { path, qemu } = randomProgram(dir, blocks, seed);
      expect(`seed ${seed}: ${firstDifference(runProgram(path), qemu) ?? "same"}`).toBe(`seed ${seed}: same`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

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
