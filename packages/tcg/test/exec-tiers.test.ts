// The switch between the tiers (src/exec/tier-up.ts): self-modifying code while a TB is
// interpreted and after it was compiled, a TB invalidated while its batch waits, a
// tb_flush with a batch queued, two vCPUs (two workers' tables, one module registry)
// tiering up the same code, and a fault inside a block in each tier. Thresholds and batch
// sizes are set so that what happens does not depend on timing.
import { describe, expect, it } from "vitest";
import { BareMetal, type BareMetalOptions } from "../src/exec/harness.js";
import { createExecShared } from "../src/exec/exec-shared.js";
import { tierUp } from "../src/exec/tier-up.js";
import { LocalModuleRegistry } from "../src/exec/worker-runtime.js";
import { createRiscvTarget, xOffset, type CpuExit } from "../src/index.js";
import { tbFlush } from "../src/tb/tb-maint.js";
import { asm } from "./riscv-support.js";
import { TIERS } from "./tiers.js";

const RAM = 0x10000n;

/** Calls f ten times, patches f's first instruction (li a0, 1 -> li a0, 2), calls it ten times more: a0 = 30. */
const SMC = `
  j start
f:
  addi a0, x0, 1
  ret
start:
  li s1, 0
  li s2, 10
loop1:
  jal ra, f
  add s1, s1, a0
  addi s2, s2, -1
  bnez s2, loop1
  lui t0, 0x10
  addi t0, t0, 4
  lui t1, 0x200
  addi t1, t1, 0x513
  sw t1, 0(t0)
  li s2, 10
loop2:
  jal ra, f
  add s1, s1, a0
  addi s2, s2, -1
  bnez s2, loop2
  mv a0, s1
  ecall
`;

/** Sums 1..a1 in a loop into a0 (a1 = 100 at entry: 5050). */
const LOOP = `
  li a0, 0
loop:
  add a0, a0, a1
  addi a1, a1, -1
  bnez a1, loop
  ecall
`;

function machine(src: string, opts: Partial<BareMetalOptions>): BareMetal {
  const m = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 20, debugLocks: true, ...opts });
  m.load(RAM, asm(src, RAM));
  m.setPc(RAM);
  return m;
}

const x = (m: BareMetal, i: number): bigint => m.state.getBigUint64(xOffset(i), true);

function runLoop(m: BareMetal, n: bigint): CpuExit {
  m.state.setBigUint64(xOffset(11), n, true);
  m.setPc(RAM);
  return m.run();
}

describe("tier changes", () => {
  it.each([
    ...TIERS,
    { name: "tier=auto, f compiled before the patch", opts: { tier: "auto" as const, hotThreshold: 3, tierBatch: 1, tierDelayMs: 0 } },
    { name: "tier=auto, f interpreted at the patch", opts: { tier: "auto" as const, hotThreshold: 1000, tierBatch: 1, tierDelayMs: 0 } },
  ])("self-modifying code is seen by the next fetch ($name)", ({ opts }) => {
    const m = machine(SMC, opts);
    const e = m.run();
    expect(e.kind).toBe("helper");
    expect(x(m, 10)).toBe(30n);
    if (opts.tier === "auto" && opts.hotThreshold === 3) expect(m.cpu.stats.tieredTbs).toBeGreaterThan(0);
  });

  it("a TB invalidated while its batch waits is left out of the batch", () => {
    // Threshold 2, a batch that is never due by itself: the loop TB is queued, not compiled.
    const m = machine(LOOP, { tier: "auto", hotThreshold: 2, tierBatch: 1000, tierDelayMs: 1e9 });
    expect(runLoop(m, 100n).kind).toBe("helper");
    expect(x(m, 10)).toBe(5050n);
    expect(m.worker.hotQueue.length).toBeGreaterThan(0);
    const queued = [...m.worker.hotQueue];
    // New code at the same place (same sizes): the loop now sums twice each value.
    m.load(RAM, asm(LOOP.replace("add a0, a0, a1", "sh1add a0, a1, a0"), RAM));
    tierUp(m.cpu);
    expect(m.cpu.stats.tieredTbs).toBe(0);
    for (const tb of queued) expect(m.worker.isLoaded(tb)).toBe(false);
    expect(runLoop(m, 100n).kind).toBe("helper");
    expect(x(m, 10)).toBe(10100n);
  });

  it("a tb_flush with a batch queued drops the batch; the code runs and tiers up again", () => {
    const m = machine(LOOP, { tier: "auto", hotThreshold: 2, tierBatch: 1000, tierDelayMs: 1e9 });
    expect(runLoop(m, 100n).kind).toBe("helper");
    expect(m.worker.hotQueue.length).toBeGreaterThan(0);
    expect(tbFlush(m.cpu.ctx, m.cpu.ctx.flushCount)).toBe(true);
    expect(runLoop(m, 100n).kind).toBe("helper");
    expect(x(m, 10)).toBe(5050n);
    // The queue holds TBs of the new generation only, and they compile.
    tierUp(m.cpu);
    expect(m.cpu.stats.tieredTbs).toBeGreaterThan(0);
    expect(runLoop(m, 100n).kind).toBe("helper");
    expect(x(m, 10)).toBe(5050n);
  });

  it("two vCPUs with their own tables tier up the same code once; the other installs the published module", () => {
    const t = createRiscvTarget();
    const shared = createExecShared({ ramBase: RAM, ramSize: 1 << 20, stateSize: t.stateSize, vcpus: 2, tier: "auto", hotThreshold: 5, tierBatch: 1, tierDelayMs: 0 });
    const registry = new LocalModuleRegistry();
    const a = new BareMetal({ translator: t, shared, vcpu: 0, registry, debugLocks: true });
    const b = new BareMetal({ translator: t, shared, vcpu: 1, registry, debugLocks: true });
    a.load(RAM, asm(LOOP, RAM));
    for (let round = 0; round < 3; round++) {
      for (const m of [a, b]) {
        expect(runLoop(m, 50n).kind).toBe("helper");
        expect(x(m, 10)).toBe(1275n);
      }
    }
    // Each hot TB was compiled by one of the two (the execution counter and the queued flag
    // are shared), and the loop TB runs compiled in both tables.
    const all = [...Array<number>(shared.tb.params.maxTbs).keys()];
    const compiled = all.filter((tb) => a.worker.isLoaded(tb) || b.worker.isLoaded(tb));
    expect(compiled.length).toBeGreaterThan(0);
    expect(a.cpu.stats.tieredTbs + b.cpu.stats.tieredTbs).toBe(compiled.length);
    expect(all.some((tb) => a.worker.isLoaded(tb) && b.worker.isLoaded(tb))).toBe(true);
  });

  it.each([
    ...TIERS,
    { name: "tier=auto, the faulting TB compiled", opts: { tier: "auto" as const, hotThreshold: 2, tierBatch: 1, tierDelayMs: 0 } },
  ])("a fault inside a block is precise ($name)", ({ opts }) => {
    // Loads from a0 + 8*i for i = 0..; the address leaves RAM at the 5th iteration (after the TB tiered up).
    const src = `
      li s1, 0
    loop:
      ld t0, 0(a0)
      add s1, s1, t0
      addi a0, a0, 8
      addi a1, a1, -1
      bnez a1, loop
      ecall
    `;
    const m = machine(src, { ...opts, ramSize: 1 << 16 });
    m.state.setBigUint64(xOffset(10), RAM + (1n << 16n) - 32n, true);
    m.state.setBigUint64(xOffset(11), 10n, true);
    const e = m.run();
    expect(e).toMatchObject({ kind: "fault", pc: RAM + 4n, addr: RAM + (1n << 16n), store: false, reason: "outside", size: 8 });
    // State as before the faulting load: four iterations done.
    expect(x(m, 10)).toBe(RAM + (1n << 16n));
    expect(x(m, 11)).toBe(6n);
  });
});
