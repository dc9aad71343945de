// Guest programs end to end through the real RISC-V front end (createRiscvTarget), the
// optimizer, the wasm back end and the cpu-exec loop, on the bare-metal harness.
import { describe, expect, it } from "vitest";
import { BareMetal } from "../src/exec/harness.js";
import { Cause, CpuOffset, createRiscvTarget } from "../src/index.js";
import { assemble, RAM } from "./exec-support.js";

function rv(src: string, inlineLookup = true): BareMetal {
  // The RISC-V target enables the inline probe (it names the pc's offset); drop it to
  // measure the JavaScript lookup path.
  const t = createRiscvTarget();
  const { pcOffset: _probe, ...withoutProbe } = t;
  const m = new BareMetal({ translator: inlineLookup ? t : withoutProbe, ramBase: RAM, ramSize: 1 << 20, debugLocks: true });
  m.load(RAM, assemble(src));
  m.setPc(RAM);
  return m;
}

const x = (m: BareMetal, i: number): bigint => m.state.getBigUint64(CpuOffset.X + 8 * i, true);

describe("RISC-V programs through the front end and the wasm back end", () => {
  it("computes a sum, products and quotients, and stops at ecall with its pc and cause", () => {
    const m = rv(`
      li a0, 0
      li a1, 1
      li a2, 101
    loop:
      add a0, a0, a1
      addi a1, a1, 1
      bne a1, a2, loop
      li t0, -7
      li t1, 2
      mul a3, a0, t0
      div a4, t0, t1
      rem a5, t0, t1
      divu a6, t0, x0
      mulh a7, t0, t0
      ecall
    `);
    const e = m.run();
    expect(e.kind).toBe("helper");
    expect(x(m, 10)).toBe(5050n);
    expect(BigInt.asIntN(64, x(m, 13))).toBe(-35350n);
    expect(BigInt.asIntN(64, x(m, 14))).toBe(-3n);
    expect(BigInt.asIntN(64, x(m, 15))).toBe(-1n);
    expect(x(m, 16)).toBe(0xffff_ffff_ffff_ffffn);
    expect(x(m, 17)).toBe(0n);
    expect(m.state.getBigUint64(CpuOffset.EXC_CAUSE, true)).toBe(BigInt(Cause.ECALL_U));
    expect(m.worker.translator.getPc(m.state)).toBe(RAM + 13n * 4n);
    expect(m.cpu.stats.returns).toBeLessThan(10);
  });

  it("loads, stores and AMOs on guest memory; a faulting store is precise", () => {
    const m = rv(`
      auipc s0, 0
      addi s0, s0, 0x400
      li t0, 0x123
      sd t0, 0(s0)
      sw t0, 8(s0)
      lhu t1, 8(s0)
      li t2, 5
      amoadd.d t3, t2, (s0)
      ld t4, 0(s0)
      lr.d t5, (s0)
      sc.d t6, t2, (s0)
      ld a0, 0(s0)
      li a1, 99
      sd a1, 0(x0)
      li a1, 100
    `);
    const e = m.run();
    expect(e).toMatchObject({ kind: "fault", pc: RAM + 13n * 4n, addr: 0n, store: true });
    expect(x(m, 6)).toBe(0x123n);
    expect(x(m, 28)).toBe(0x123n);
    expect(x(m, 29)).toBe(0x128n);
    expect(x(m, 31)).toBe(0n);
    expect(x(m, 10)).toBe(5n);
    expect(x(m, 11)).toBe(99n);
  });

  it.each([true, false])("runs a call/return-heavy program (jalr through lookup_and_goto_ptr, inline jump-cache probe: %s)", (inline) => {
    const m = rv(`
      li s0, 0
      li s1, 2000
    again:
      jal ra, f
      addi s1, s1, -1
      bnez s1, again
      ebreak
    f:
      addi s0, s0, 3
      ret
    `, inline);
    const t0 = performance.now();
    const e = m.run();
    const ms = performance.now() - t0;
    expect(e.kind).toBe("helper");
    expect(m.state.getBigUint64(CpuOffset.EXC_CAUSE, true)).toBe(BigInt(Cause.BREAKPOINT));
    expect(x(m, 8)).toBe(6000n);
    expect(m.cpu.stats.returns).toBeLessThan(20);
    if (inline) expect(m.worker.lookups).toBeLessThan(5);
    else expect(m.worker.lookups).toBeGreaterThanOrEqual(2000);
    console.log(`2000 calls and returns (inline probe ${inline}): ${m.worker.lookups} runtime lookups, ${ms.toFixed(1)} ms (${m.cpu.stats.tbs} TBs, ${m.cpu.stats.modules} modules, ${m.cpu.stats.returns} returns to the loop)`);
  });

  it("runs double-precision arithmetic through the FP helpers", () => {
    const m = rv(`
      li t0, 3
      fcvt.d.l fa0, t0
      li t1, 4
      fcvt.d.l fa1, t1
      fmul.d fa2, fa0, fa0
      fmadd.d fa3, fa1, fa1, fa2
      fsqrt.d fa4, fa3
      fcvt.l.d a0, fa4
      ecall
    `);
    expect(m.run().kind).toBe("helper");
    expect(x(m, 10)).toBe(5n);
  });
});
