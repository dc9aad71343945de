// The soft TLB's cost (WASMU_BENCH=1 to run; reported, never asserted): the tcg bench's
// kernels (packages/bench/src/entries/tcg.ts), compiled (tier jit), run by BareMetal
// through the guest window (user mode's strategy) and by a system-mode hart in M mode
// through the soft TLB (the kernel's final ecall traps to a sifive_test poweroff; FP on).
// Best of 5 runs of each at the bench's sizes, set-up included on both sides (the
// machine's is larger: devices, ROM, a 4 MiB RAM).
import { assembleProgram } from "@wasmu/isa";
import { BareMetal, CpuOffset, Csr, createRiscvTarget, type RiscvHart } from "@wasmu/tcg";
import { expect, it } from "vitest";
// The bench's own kernels are the workload measured; @wasmu/bench cannot be a dependency
// (bench -> cli -> softmmu would be a cycle), so this test reads its source file.
// eslint-disable-next-line no-restricted-imports
import { BASE, DATA, KERNELS } from "../../bench/src/entries/tcg.js";
import { runInThread } from "./support/in-thread.js";

const RAM = 0x8000_0000n;
const RAM_SIZE = 4 << 20;
const EXIT = "\nwasmu_exit:\n lui t0, 0x100\n lui t1, 5\n addi t1, t1, 0x555\n sw t1, 0(t0)\nwasmu_hang: j wasmu_hang\n";

function best(f: () => void): number {
  let b = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    f();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

it.runIf(process.env.WASMU_BENCH === "1")("soft TLB against the guest window", () => {
  for (const k of KERNELS) {
    const run = k.at(k.size);
    const user = assembleProgram(k.source, BASE);
    const sys = assembleProgram(k.source + EXIT, RAM);
    if (!user.ok) throw new Error(user.error.message);
    if (!sys.ok) throw new Error(sys.error.message);
    const exitAt = sys.labels.get("wasmu_exit");
    if (exitAt === undefined) throw new Error("no exit label");
    const relocate = (v: bigint): bigint => (v >= BASE && v < BASE + BigInt(RAM_SIZE) ? v - BASE + RAM : v);
    let a0User = 0n;
    const tUser = best(() => {
      const m = new BareMetal({ translator: createRiscvTarget(), ramBase: BASE, ramSize: RAM_SIZE, tier: "jit" });
      m.load(BASE, user.bytes);
      if (run.data) m.load(DATA, run.data);
      run.args.forEach((v, i) => m.state.setBigUint64(CpuOffset.X + 8 * (10 + i), v, true));
      m.state.setBigUint64(CpuOffset.X + 16, BASE + BigInt(RAM_SIZE) - 16n, true);
      m.setPc(BASE);
      m.run();
      a0User = m.state.getBigUint64(CpuOffset.X + 80, true);
    });
    let a0Sys = 0n;
    const tSys = best(() => {
      let h: RiscvHart | undefined;
      const r = runInThread({
        kernel: sys.bytes, tier: "jit", ramSize: BigInt(RAM_SIZE),
        setup: (hart, ram) => {
          h = hart;
          hart.csrs.mstatus = hart.csrs.mstatus | (3n << 13n); // FS = Dirty: the FP kernel runs
          if (run.data) ram.set(run.data, Number(DATA - BASE));
          run.args.forEach((v, i) => hart.setX(10 + i, relocate(v)));
          hart.setX(2, RAM + BigInt(RAM_SIZE) - 16n);
          hart.csrs.set(Csr.MTVEC, exitAt);
          hart.pc = RAM;
        },
      });
      if (r.reason !== "poweroff") throw new Error(`${k.name}: ${r.reason}`);
      a0Sys = h!.x(10);
    });
    expect(a0Sys, `${k.name} in system mode`).toBe(run.expected);
    expect(a0User).toBe(run.expected);
    console.log(`${k.name}: ${(run.insns / 1e6).toFixed(1)} M insns, guest window ${tUser.toFixed(1)} ms, soft TLB ${tSys.toFixed(1)} ms, ratio ${(tSys / tUser).toFixed(2)}`);
  }
}, 600_000);
