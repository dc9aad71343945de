// copyTbArena and resetTbArena (src/tb/arena-copy.ts): a machine whose memory and arena
// are copies of another's runs the other's TBs without translating them, in every tier
// (compiled modules reach it through its registry); a guest store to a code page after
// the copy invalidates the TB of the side that wrote only; a reset arena holds no TB and
// translates again, correctly, in the next flush generation.
import { describe, expect, it } from "vitest";
import { BareMetal } from "../src/exec/harness.js";
import { type ModuleRegistry, LocalModuleRegistry } from "../src/exec/worker-runtime.js";
import type { WasmModule } from "../src/exec/wasm-api.js";
import { copyTbArena, createRiscvTarget, resetTbArena, xOffset } from "../src/index.js";
import { asm } from "./riscv-support.js";
import { TIERS } from "./tiers.js";

const RAM = 0x10000n;

/** Calls f a1 times and sums its results into a0; with a2 != 0, first patches f to return 2. */
const PROGRAM = `
  j start
f:
  addi a0, x0, 1
  ret
start:
  beqz a2, calls
  lui t0, 0x10
  addi t0, t0, 4
  lui t1, 0x200
  addi t1, t1, 0x513
  sw t1, 0(t0)
calls:
  li s1, 0
loop:
  jal ra, f
  add s1, s1, a0
  addi a1, a1, -1
  bnez a1, loop
  mv a0, s1
  ecall
`;

/** A registry that also lists what was published (the embedder's relay does this). */
class Recording implements ModuleRegistry {
  readonly local = new LocalModuleRegistry();
  readonly published: { module: WasmModule; tbs: readonly number[]; generation: number }[] = [];
  moduleOf(tb: number): { readonly module: WasmModule; readonly tbs: readonly number[] } | undefined {
    return this.local.moduleOf(tb);
  }
  publish(module: WasmModule, tbs: readonly number[], generation: number): void {
    this.published.push({ module, tbs, generation });
    this.local.publish(module, tbs, generation);
  }
  flush(generation: number): void {
    this.local.flush(generation);
  }
}

function machine(opts: (typeof TIERS)[number]["opts"], registry: Recording): BareMetal {
  return new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 20, pageProtection: false, debugLocks: true, registry, ...opts });
}

function call(m: BareMetal, calls: number, patch: boolean): bigint {
  m.state.setBigUint64(xOffset(11), BigInt(calls), true);
  m.state.setBigUint64(xOffset(12), patch ? 1n : 0n, true);
  m.setPc(RAM);
  const e = m.run();
  expect(e.kind).toBe("helper");
  return m.state.getBigUint64(xOffset(10), true);
}

const translated = (m: BareMetal): number => m.cpu.stats.tbs;

describe("TB arena copy and reset", () => {
  it.each(TIERS)("a copy runs the original's TBs; each side invalidates its own ($name)", ({ opts }) => {
    const r1 = new Recording();
    const m1 = machine(opts, r1);
    m1.load(RAM, asm(PROGRAM, RAM));
    expect(call(m1, 10, false)).toBe(10n);
    expect(translated(m1)).toBeGreaterThan(0);

    // The copy: memory, arena, the current generation's modules.
    const r2 = new Recording();
    const m2 = machine(opts, r2);
    m2.ram.set(m1.ram);
    copyTbArena(m1.shared.tb, m2.shared.tb);
    const g = m1.cpu.ctx.flushCount;
    m2.worker.generation = g;
    for (const p of r1.published) if (p.generation === g) r2.publish(p.module, p.tbs, p.generation);
    expect(m2.cpu.ctx.regions.tbsInUse).toBe(m1.cpu.ctx.regions.tbsInUse);

    expect(call(m2, 10, false)).toBe(10n);
    expect(translated(m2)).toBe(0);
    // The copy patches its f: it sees the new code, the original keeps the old.
    expect(call(m2, 10, true)).toBe(20n);
    expect(call(m1, 10, false)).toBe(10n);
    expect(call(m2, 10, false)).toBe(20n);
    // And the other way round.
    expect(call(m1, 10, true)).toBe(20n);
    expect(call(m1, 5, false)).toBe(10n);
  });

  it.each(TIERS)("a reset arena holds no TB and translates again in the next generation ($name)", ({ opts }) => {
    const r1 = new Recording();
    const m = machine(opts, r1);
    m.load(RAM, asm(PROGRAM, RAM));
    expect(call(m, 10, true)).toBe(20n);
    const g = m.cpu.ctx.flushCount;
    resetTbArena(m.shared.tb, 1);
    m.worker.reset(m.cpu.ctx.flushCount);
    expect(m.cpu.ctx.flushCount).toBe(g + 1);
    expect(m.cpu.ctx.regions.tbsInUse).toBe(0);
    // Another program at the same addresses (the unpatched one) runs as written.
    m.ram.fill(0);
    m.ram.set(asm(PROGRAM, RAM));
    const before = translated(m);
    expect(call(m, 7, false)).toBe(7n);
    expect(translated(m)).toBeGreaterThan(before);
    expect(call(m, 3, true)).toBe(6n);
  });

  it("refuses arenas of different shapes", () => {
    const a = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 20 });
    const b = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 2 << 20 });
    expect(() => copyTbArena(a.shared.tb, b.shared.tb)).toThrow(RangeError);
  });
});
