// Measurements behind the back end's decisions (README "WebAssembly back end and
// execution"). Reported, not asserted. A short run always executes as a smoke test;
// WASMU_BENCH=1 runs the full set on the built dist/ code (run `pnpm --filter @wasmu/tcg
// build` first) and prints the tables.
import { beforeAll, describe, expect, it } from "vitest";
import * as srcHarness from "../src/exec/harness.js";
import { ModuleBuilder } from "../src/backend/wasm/module-builder.js";
import { ValType } from "../src/backend/wasm/opcodes.js";
import { createRiscvTarget } from "../src/index.js";
import { MiniRiscv } from "./exec-rv-mini.js";
import { assemble, RAM } from "./exec-support.js";
import { distModule } from "./sync-workers.js";

const FULL = process.env.WASMU_BENCH === "1";
let BareMetal: typeof srcHarness.BareMetal = srcHarness.BareMetal;
beforeAll(async () => {
  if (FULL) BareMetal = ((await import(distModule("exec/harness.js"))) as typeof srcHarness).BareMetal;
});

const REGS = ["a0", "a1", "a2", "a3", "a4", "a5", "t0", "t1"];

/** `n` TBs of `k` random ALU instructions each, each ending with a jump to the next; then ecall. */
function coldProgram(n: number, k: number, seed: number): string {
  let s = seed >>> 0;
  const rnd = (m: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % m;
  };
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const d = REGS[rnd(8)]!;
      const a = REGS[rnd(8)]!;
      const b = REGS[rnd(8)]!;
      switch (rnd(4)) {
        case 0: lines.push(`addi ${d}, ${a}, ${rnd(4000) - 2000}`); break;
        case 1: lines.push(`xor ${d}, ${a}, ${b}`); break;
        case 2: lines.push(`slli ${d}, ${a}, ${rnd(63)}`); break;
        default: lines.push(`add ${d}, ${a}, ${b}`);
      }
    }
    lines.push(`j b${i}`, `b${i}:`);
  }
  lines.push("ecall");
  return lines.join("\n");
}

function fmt(x: number, d = 1): string {
  return x.toFixed(d).padStart(7);
}

describe("execution measurements", () => {
  it("translation cost per TB by phase, and TBs per module (RISC-V front end)", () => {
    const sizes = FULL ? [1, 2, 4, 8, 16, 32] : [1, 8];
    const n = FULL ? 1200 : 40;
    const rounds = FULL ? 3 : 1;
    const rows: string[] = [];
    for (const per of sizes) {
      const best = [Infinity, Infinity, Infinity, Infinity, Infinity, Infinity];
      let ops = 0;
      for (let r = 0; r < rounds; r++) {
        const m = new BareMetal({ translator: createRiscvTarget(), ramBase: RAM, ramSize: 1 << 20, tbsPerModule: per, tb: { maxTbs: 8192 } });
        m.load(RAM, assemble(coldProgram(n, 6, per * 7 + r)));
        m.setPc(RAM);
        const t0 = performance.now();
        expect(m.run().kind).toBe("helper");
        const wall = performance.now() - t0;
        const s = m.cpu.stats;
        const v = [s.translateMs, s.optimizeMs, s.emitMs, s.compileMs, s.instantiateMs, wall].map((ms) => (ms * 1000) / s.tbs);
        v.forEach((x, i) => (best[i] = Math.min(best[i]!, x)));
        ops = s.tbs;
      }
      rows.push(`| ${String(per).padStart(3)} | ${best.map((x) => fmt(x)).join(" | ")} |`);
      expect(ops).toBeGreaterThan(0);
    }
    console.log(
      `cold code: ${n} TBs of 7 insns (6 ALU + j), each executed once; µs per TB, best of ${rounds}\n` +
        "| TBs/module | front end | optimizer | emit | compile | instantiate | wall total |\n|---|---|---|---|---|---|---|\n" +
        rows.join("\n"),
    );
  });

  it("chaining through return_call_indirect vs returning to the JS loop per TB; globals cached or not", () => {
    const iters = FULL ? 2_000_000 : 20_000;
    const src = `
      li a0, 0
      li a1, 0
      lui a2, ${Math.floor(iters / 4096)}
      addi a2, a2, ${iters % 4096 >= 2048 ? iters % 4096 - 4096 : iters % 4096}
    loop:
      xor a0, a0, a1
      slli a3, a0, 3
      add a0, a0, a3
      addi a1, a1, 1
      blt a1, a2, loop
      ecall`;
    // The same loop with 20 more ALU instructions on three registers (register reuse within a TB).
    const heavy = src.replace("addi a1, a1, 1", `${Array.from({ length: 10 }, (_, i) => `add a3, a3, a0\n xori a0, a3, ${i + 1}`).join("\n")}\n addi a1, a1, 1`);
    const rows: string[] = [];
    for (const [name, chaining, cacheGlobals, prog, insns] of [
      ["chained, globals cached", true, true, src, 5], ["chained, globals in memory", true, false, src, 5], ["JS loop per TB, globals cached", false, true, src, 5],
      ["25-insn TB, globals cached", true, true, heavy, 25], ["25-insn TB, globals in memory", true, false, heavy, 25],
    ] as const) {
      const m = new BareMetal({ translator: new MiniRiscv(), ramBase: RAM, ramSize: 1 << 20, cacheGlobals });
      m.cpu.chaining = chaining;
      m.load(RAM, assemble(prog));
      const run = (): number => {
        m.setPc(RAM);
        const t0 = performance.now();
        expect(m.run().kind).toBe("helper");
        return performance.now() - t0;
      };
      run(); // translate and warm up (Liftoff -> TurboFan)
      const ms = Math.min(run(), run(), run(), run(), run());
      rows.push(`| ${name} | ${fmt((ms * 1e6) / iters)} | ${fmt((insns * iters) / ms / 1000, 0)} |`);
    }
    console.log(`loop kernel (one TB per iteration, ${iters} iterations, best of 5)\n| variant | ns per TB | M guest insns/s |\n|---|---|---|\n${rows.join("\n")}`);
  });

  it("guest memory access: none vs window bounds check vs inline soft-TLB", () => {
    const n = FULL ? 20_000_000 : 100_000;
    const { i32, i64 } = ValType;
    const variants = ["raw", "bounds", "tlb"] as const;
    const mb = new ModuleBuilder();
    const t = mb.addType([i32], [i64]);
    const tSlow = mb.addType([i64], [i32]);
    mb.importMemory("e", "m", { initial: 64, maximum: 64, shared: true });
    const slow = mb.importFunction("e", "slow", tSlow);
    mb.sealPrefix();
    const RAMB = 0x10000; // guest RAM at wasm 64 KiB, 1 MiB
    const TLB = 0x1000; // 256 entries of {tag i64, addend i64}
    for (const v of variants) {
      const fb = mb.beginFunction(t);
      const cnt = fb.param(0);
      const acc = fb.allocLocal(i64);
      const addr = fb.allocLocal(i64);
      const e = fb.allocLocal(i32);
      fb.loop();
      // guest address = 0x8000_0000 + ((cnt * 8) & 0xffff8)
      fb.localGet(cnt); fb.i32Const(3); fb.i32Shl(); fb.i32Const(0xffff8); fb.i32And(); fb.i64ExtendI32U();
      fb.i64Const(0x8000_0000n); fb.i64Add(); fb.localSet(addr);
      if (v === "raw") {
        fb.localGet(addr); fb.i64Const(0x8000_0000n); fb.i64Sub(); fb.i32WrapI64(); fb.i64Load(RAMB);
      } else if (v === "bounds") {
        fb.localGet(addr); fb.i64Const(0x8000_0000n); fb.i64Sub(); fb.localTee(addr);
        fb.i64Const((1 << 20) - 8); fb.i64GtU();
        fb.localGet(addr); fb.i32WrapI64(); fb.i32Const(7); fb.i32And(); fb.i32Or();
        fb.if(); fb.unreachable(); fb.end();
        fb.localGet(addr); fb.i32WrapI64(); fb.i64Load(RAMB);
      } else {
        // entry = TLB + ((addr >> 12) & 255) * 16; hit if tag == addr & ~0xfff (alignment bits kept: a misaligned address misses)
        fb.localGet(addr); fb.i64Const(12); fb.i64ShrU(); fb.i32WrapI64(); fb.i32Const(255); fb.i32And(); fb.i32Const(4); fb.i32Shl(); fb.localTee(e);
        fb.i64Load(TLB);
        fb.localGet(addr); fb.i64Const(BigInt.asIntN(64, ~0xff8n)); fb.i64And(); fb.i64Ne();
        fb.if(); fb.localGet(addr); fb.call(slow); fb.drop(); fb.end();
        fb.localGet(addr); fb.localGet(e); fb.i64Load(TLB + 8); fb.i64Add(); fb.i32WrapI64(); fb.i64Load(0);
      }
      fb.localGet(acc); fb.i64Add(); fb.localSet(acc);
      fb.localGet(cnt); fb.i32Const(1); fb.i32Sub(); fb.localTee(cnt); fb.brIf(0);
      fb.end();
      fb.localGet(acc);
      mb.exportFunction(v, mb.endFunction());
    }
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
    const dv = new DataView(memory.buffer);
    for (let i = 0; i < 256; i++) {
      dv.setBigUint64(TLB + i * 16, 0x8000_0000n + BigInt(i) * 4096n, true);
      dv.setBigInt64(TLB + i * 16 + 8, BigInt(RAMB) - 0x8000_0000n, true);
    }
    const inst = new WebAssembly.Instance(new WebAssembly.Module(mb.finish()), { e: { m: memory, slow: () => 0 } });
    const rows: string[] = [];
    for (const v of variants) {
      const f = inst.exports[v] as (n: number) => bigint;
      expect(f(n)).toBe(f(n));
      const t0 = performance.now();
      f(n);
      const ns = ((performance.now() - t0) * 1e6) / n;
      rows.push(`| ${v} | ${fmt(ns, 2)} |`);
    }
    console.log(`guest load in a loop (${n} iterations)\n| check | ns per iteration |\n|---|---|\n${rows.join("\n")}`);
  });
});
