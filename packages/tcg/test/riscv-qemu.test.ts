// Differential test against QEMU: test/riscv-qemu/program (built by build.sh from the
// generated program.S) runs ~400 blocks of RV64IMAFDC + Zba/Zbb/Zbs instructions on
// boundary values and writes all registers, fflags and a scratch buffer after each block.
// wasmu's front end + the IR interpreter (unoptimized and optimized) must print exactly
// what qemu-riscv64 printed: the recorded qemu-output.bin, and a live qemu-riscv64-static
// when one is installed (skipped with a warning otherwise).
//
// Random mode (needs python3, riscv64-linux-gnu-gcc and qemu-riscv64-static): a fresh program
// of WASMU_RISCV_RANDOM random blocks (default 100; each mixes 8 instructions: ALU, M, Zb*,
// F/D, loads/stores at any alignment, AMOs, LR/SC, branches
// with random rounding modes) from seed WASMU_RISCV_SEED (default: a new one per run, printed
// on failure), built, run on QEMU and compared the same way.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readElf } from "@wasmu/isa/elf";
import { describe, expect, it } from "vitest";
import { Cause } from "../src/index.js";
import { available, firstDifference, QEMU_CPU, randomProgram } from "./riscv-qemu-support.js";
import { GuestMemory, TestMachine } from "./riscv-support.js";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "riscv-qemu");
const PROGRAM = join(DIR, "program");
const SYS_WRITE = 64n;
const SYS_EXIT = 93n;

function loadProgram(path: string): { mem: GuestMemory; entry: bigint } {
  const r = readElf(new Uint8Array(readFileSync(path)));
  if (!r.ok) throw new Error(r.error);
  const loads = r.elf.segments.filter((s) => s.type === 1);
  const lo = loads.reduce((m, s) => (s.vaddr < m ? s.vaddr : m), loads[0]!.vaddr) & ~0xfffn;
  const hi = loads.reduce((m, s) => (s.vaddr + s.memsz > m ? s.vaddr + s.memsz : m), 0n);
  const mem = new GuestMemory(lo, Number(hi - lo));
  for (const s of loads) mem.write(s.vaddr, r.elf.segmentData(s));
  return { mem, entry: r.elf.header.entry };
}

/** Runs the program to its exit; returns what it wrote to stdout. */
function runWasmu(optimize: boolean, path = PROGRAM): Uint8Array {
  const { mem, entry } = loadProgram(path);
  const m = new TestMachine({ mem, optimize, cache: true });
  m.cpu.pc = entry;
  const out: number[] = [];
  for (;;) {
    const end = m.run(1_000_000);
    if (end.kind !== "exception" || end.cause !== Cause.ECALL_U) throw new Error(`stopped: ${String(end.kind)} at 0x${("pc" in end ? end.pc : 0n).toString(16)}`);
    const nr = m.cpu.x(17);
    if (nr === SYS_EXIT) return Uint8Array.from(out);
    if (nr !== SYS_WRITE) throw new Error(`unexpected syscall ${nr}`);
    const addr = m.cpu.x(11);
    const len = Number(m.cpu.x(12));
    for (let i = 0; i < len; i++) out.push(Number(mem.load(addr + BigInt(i), 1)));
    m.cpu.setX(10, BigInt(len));
    m.cpu.pc = end.pc + 4n;
  }
}

describe("RISC-V front end vs qemu-riscv64", () => {
  const recorded = new Uint8Array(readFileSync(join(DIR, "qemu-output.bin")));

  for (const optimize of [false, true]) {
    it(`matches the recorded QEMU output${optimize ? " (optimized IR)" : ""}`, () => {
      const ours = runWasmu(optimize);
      expect(firstDifference(ours, recorded)).toBeUndefined();
    }, 120_000);
  }

  it("the recorded output is what the installed QEMU prints", () => {
    if (!available("qemu-riscv64-static")) {
      console.warn("riscv-qemu: qemu-riscv64-static not found; comparing against the recorded output only");
      return;
    }
    const live = new Uint8Array(execFileSync("qemu-riscv64-static", [...QEMU_CPU, PROGRAM]));
    expect(firstDifference(live, recorded)).toBeUndefined();
  });

  it("random programs match QEMU", () => {
    const tools = ["python3", "riscv64-linux-gnu-gcc", "qemu-riscv64-static"].filter((t) => !available(t));
    if (tools.length > 0) {
      console.warn(`riscv-qemu: random programs skipped (missing ${tools.join(", ")})`);
      return;
    }
    const blocks = Number(process.env.WASMU_RISCV_RANDOM ?? "100");
    const seed = Number(process.env.WASMU_RISCV_SEED ?? String(Math.floor(Math.random() * 1e9)));
    const dir = mkdtempSync(join(tmpdir(), "wasmu-riscv-"));
    try {
      const { path, qemu } = randomProgram(dir, blocks, seed);
      const ours = runWasmu(true, path);
      expect(`seed ${seed}: ${firstDifference(ours, qemu) ?? "same"}`).toBe(`seed ${seed}: same`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
