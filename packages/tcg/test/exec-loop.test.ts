// The cpu-exec loop end to end on assembled RISC-V programs (mini front end in
// exec-rv-mini.ts): results, precise exits, chaining and unchaining, invalidation when
// code is overwritten (by the host and by the guest), exit requests from another thread,
// tb_flush when the buffer is full, and modules shared between two workers' tables.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { BareMetal } from "../src/exec/harness.js";
import { LocalModuleRegistry } from "../src/exec/worker-runtime.js";
import { createExecShared } from "../src/exec/exec-shared.js";
import { tbIncomingJumps, tbLookup, TbField } from "../src/index.js";
import { CAUSE_BREAKPOINT, CAUSE_ECALL, CAUSE_OFF, MiniRiscv } from "./exec-rv-mini.js";
import { assemble, machine, RAM, reg } from "./exec-support.js";

/** lui + addi loading a 32-bit value (sign-extended). */
function li32(rd: string, v: number): string {
  const lo = ((v & 0xfff) << 20) >> 20;
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return `lui ${rd}, ${hi}\n addi ${rd}, ${rd}, ${lo}`;
}

const SUM = `
  li a0, 0
  li a1, 1
  li a2, 101
loop:
  add a0, a0, a1
  addi a1, a1, 1
  bne a1, a2, loop
  ecall
`;

describe("cpuExec on guest programs", () => {
  it("runs a loop to ecall and reports the ecall's pc", () => {
    const { m } = machine(SUM);
    const e = m.run();
    expect(e.kind).toBe("helper");
    expect(reg(m, 10)).toBe(5050n);
    expect(m.state.getBigInt64(CAUSE_OFF, true)).toBe(CAUSE_ECALL);
    if (e.kind !== "helper") return;
    expect(e.pc).toBe(RAM + 6n * 4n);
    expect(m.worker.translator.getPc(m.state)).toBe(e.pc);
    // The loop's TB is chained to itself: 100 iterations, a handful of returns to JS.
    expect(m.cpu.stats.returns).toBeLessThan(8);
    expect(m.cpu.stats.chained).toBeGreaterThan(0);
  });

  it("runs a loop kernel for millions of iterations without returning to JS per TB", () => {
    const { m } = machine(`
      li a0, 0
      li a1, 0
      lui a2, 732
      addi a2, a2, 1728
    loop:
      xor a0, a0, a1
      slli a3, a0, 3
      add a0, a0, a3
      addi a1, a1, 1
      blt a1, a2, loop
      ebreak
    `);
    const t0 = performance.now();
    const e = m.run();
    const ms = performance.now() - t0;
    expect(e.kind).toBe("helper");
    expect(m.state.getBigInt64(CAUSE_OFF, true)).toBe(CAUSE_BREAKPOINT);
    let a0 = 0n;
    for (let i = 0n; i < 3_000_000n; i++) {
      a0 ^= i;
      a0 = BigInt.asUintN(64, a0 + (a0 << 3n));
    }
    expect(reg(m, 10)).toBe(a0);
    expect(m.cpu.stats.returns).toBeLessThan(8);
    console.log(`loop kernel: 3M iterations (15M guest insns) in ${ms.toFixed(1)} ms, ${(15000 / ms).toFixed(0)} M insns/s (incl. translation), ${m.cpu.stats.returns} returns to JS`);
  });

  it("reports a faulting load precisely: pc of the load, registers as before it", () => {
    const { m } = machine(`
      li a0, 7
      li a1, 16
      addi a0, a0, 1
      ld a2, 0(a1)
      li a0, 99
      ecall
    `);
    const e = m.run();
    expect(e).toEqual({ kind: "fault", pc: RAM + 12n, addr: 16n, store: false, atomic: false, misaligned: false, size: 8, reason: "outside" });
    expect(reg(m, 10)).toBe(8n);
    expect(m.worker.translator.getPc(m.state)).toBe(RAM + 12n);
  });

  it("chains goto_tb jumps, unchains them when a TB is invalidated, and runs new code after the host overwrites it", () => {
    const { m } = machine(`
      li a0, 0
      li a1, 0
    loop:
      addi a1, a1, 1
      j body
    body:
      addi a0, a0, 3
      li a2, 10
      blt a1, a2, loop
      ecall
    `);
    m.run();
    expect(reg(m, 10)).toBe(30n);
    const ctx = m.cpu.ctx;
    const body = tbLookup(ctx, 0, Number(RAM + 16n), 0, 0, 0, 0);
    expect(body).toBeGreaterThanOrEqual(0);
    expect(tbIncomingJumps(ctx, body).length).toBeGreaterThan(0);
    // Overwrite "addi a0, a0, 3" with "addi a0, a0, 5": the TB is invalidated, its incoming jumps reset.
    m.load(RAM + 16n, assemble("addi a0, a0, 5"));
    expect(ctx.tbs.isInvalid(body)).toBe(true);
    expect(tbIncomingJumps(ctx, body)).toEqual([]);
    m.setPc(RAM);
    m.run();
    expect(reg(m, 10)).toBe(50n);
  });

  it("handles guest stores into code: other TBs are invalidated, a store into the running TB re-executes alone", () => {
    // Patch "li a0, 1" at `target` into "li a0, 2" (the guest writes its own code), then run it.
    const patch = assemble("li a0, 2", RAM + 0x100n);
    const word = new DataView(patch.buffer).getUint32(0, true);
    const { m } = machine(`
      li a0, 1
      jal ra, 0x80000100
      mv s1, a0
      ${li32("t0", word)}
      auipc t1, 0
      sw t0, 0xec(t1)
      jal ra, 0x80000100
      mv s2, a0
      ecall
    `);
    m.load(RAM + 0x100n, assemble("li a0, 1\njalr x0, 0(ra)", RAM + 0x100n));
    const e = m.run();
    expect(e.kind).toBe("helper");
    expect(reg(m, 9)).toBe(1n);
    expect(reg(m, 18)).toBe(2n);

    // A store that overwrites a later instruction of its own TB.
    const next = assemble("li a0, 42", RAM + 0x200n);
    const w2 = new DataView(next.buffer).getUint32(0, true);
    const { m: m2 } = machine(`
      ${li32("t0", w2)}
      auipc t1, 0
      sw t0, 8(t1)
      li a0, 7
      ecall
    `);
    expect(m2.run().kind).toBe("helper");
    expect(reg(m2, 10)).toBe(42n);
  });

  it("invalidates code on the next page when a misaligned store crosses into it", () => {
    // The store starts on a page without code (0x80001xxx) and ends on one with code.
    const w = new DataView(assemble("li a0, 2", RAM + 0x2000n).buffer).getUint32(0, true);
    const { m } = machine(`
      jal ra, 0x80002000
      mv s1, a0
      ${li32("t0", w)}
      slli t0, t0, 32
      lui t1, 0x80002
      slli t1, t1, 32
      srli t1, t1, 32
      sd t0, -4(t1)
      jal ra, 0x80002000
      mv s2, a0
      ecall
    `);
    m.load(RAM + 0x2000n, assemble("li a0, 1\njalr x0, 0(ra)", RAM + 0x2000n));
    expect(m.run().kind).toBe("helper");
    expect(reg(m, 9)).toBe(1n);
    expect(reg(m, 18)).toBe(2n);
  });

  it("stops a running vCPU on an exit request from another thread", async () => {
    const { m } = machine(`
      li a0, 0
    spin:
      addi a0, a0, 1
      j spin
    `);
    const addr = m.cpu.ctx.exitRequestAddress(0);
    const kicker = new Worker(
      `const { workerData } = require("node:worker_threads");
       const w = new Int32Array(workerData.buffer);
       Atomics.wait(w, 0, 12345, 100);
       Atomics.store(w, workerData.addr >> 2, 1);`,
      { eval: true, workerData: { buffer: m.shared.memory.buffer, addr } },
    );
    const e = m.run(1);
    expect(e.kind).toBe("exit_request");
    const pc = m.worker.translator.getPc(m.state);
    expect([RAM + 4n, RAM + 8n]).toContain(pc);
    expect(reg(m, 10)).toBeGreaterThan(1000n);
    await kicker.terminate();
  });

  it("flushes the translation cache when it is full and keeps running", () => {
    // 40 TBs in a chain of jumps; room for 16.
    const lines = ["li a0, 0"];
    for (let i = 0; i < 40; i++) lines.push(`addi a0, a0, ${i}`, `j l${i}`, `l${i}:`);
    lines.push("ecall");
    const { m } = machine(lines.join("\n"), { tb: { maxTbs: 16, regions: 1, codeBytes: 1 << 20 }, tbsPerModule: 2 });
    expect(m.run().kind).toBe("helper");
    expect(reg(m, 10)).toBe(BigInt((39 * 40) / 2));
    expect(m.cpu.stats.flushes).toBeGreaterThan(0);
  });

  it("shares compiled modules between two workers' tables (compile once, instantiate per worker)", () => {
    const t = new MiniRiscv();
    const shared = createExecShared({ ramBase: RAM, ramSize: 1 << 20, stateSize: t.stateSize, vcpus: 2 });
    const registry = new LocalModuleRegistry();
    const a = new BareMetal({ translator: t, shared, vcpu: 0, registry });
    const b = new BareMetal({ translator: t, shared, vcpu: 1, registry });
    a.load(RAM, assemble(SUM));
    a.setPc(RAM);
    expect(a.run().kind).toBe("helper");
    b.setPc(RAM);
    expect(b.run().kind).toBe("helper");
    expect(reg(b, 10)).toBe(5050n);
    expect(a.cpu.stats.modules).toBeGreaterThan(0);
    expect(b.cpu.stats.modules).toBe(0);
    expect(b.cpu.stats.tbs).toBe(0);
    // The descriptors b executed are a's.
    expect(a.cpu.ctx.tbs.get(0, TbField.PC_LO) >>> 0).toBe(Number(RAM));
  });
});

describe.each([
  ["tb-lock=off", {}],
  ["tb-lock=on", { tbLockMode: true }],
  ["user mode (mmap_lock)", { userMode: true }],
] as const)("cpuExec locking, %s (debug lock checker on)", (_name, mode) => {
  it("chains, invalidates on guest code writes and flushes with the mode's locks", () => {
    const lines = ["li a0, 0"];
    for (let i = 0; i < 24; i++) lines.push(`addi a0, a0, ${i}`, `j l${i}`, `l${i}:`);
    lines.push("ecall");
    const { m } = machine(lines.join("\n"), { tb: { maxTbs: 16, regions: 1, codeBytes: 1 << 20, ...mode }, tbsPerModule: 4 });
    expect(m.run().kind).toBe("helper");
    expect(reg(m, 10)).toBe(BigInt((23 * 24) / 2));
    expect(m.cpu.stats.flushes).toBeGreaterThan(0);
    expect(m.cpu.ctx.tbLockMode).toBe("tbLockMode" in mode);
    m.load(RAM + 4n, assemble("addi a0, a0, 100"));
    m.setPc(RAM);
    expect(m.run().kind).toBe("helper");
    expect(reg(m, 10)).toBe(BigInt((23 * 24) / 2 + 100));
  });

  it("handles a guest store into the running TB with the mode's locks", () => {
    const w = new DataView(assemble("li a0, 42", RAM + 0x200n).buffer).getUint32(0, true);
    const { m } = machine(`
      ${li32("t0", w)}
      auipc t1, 0
      sw t0, 8(t1)
      li a0, 7
      ecall
    `, { tb: { ...mode } });
    expect(m.run().kind).toBe("helper");
    expect(reg(m, 10)).toBe(42n);
  });
});
