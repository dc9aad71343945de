// Optimizer cost on front-end-shaped TBs (reported, not asserted): per input op,
// warm, after the JIT has settled. WASMU_OPT_PERF_ITERS scales the run.
import { describe, expect, it } from "vitest";
import { IrBuilder, IrFunc, memop, optimize, type GlobalDef, type Temp } from "../src/index.js";
import { Rng } from "./ir-support.js";

const REGS: readonly GlobalDef[] = [
  ...Array.from({ length: 32 }, (_, i): GlobalDef => ({ name: `x${i}`, type: "i64", offset: i * 8, ...(i === 0 ? { hardwiredZero: true } : {}) })),
  { name: "pc", type: "i64", offset: 0x100 },
];

/** A TB like the RISC-V front end emits: `n` instructions of ALU, loads/stores, lui/addi, a final branch. */
export function frontEndLikeTb(rng: Rng, n: number): IrFunc {
  const f = new IrFunc(REGS);
  const b = new IrBuilder(f);
  const x = (i: number): Temp<"i64"> => f.global(`x${i}`, "i64")!;
  const reg = (): Temp<"i64"> => x(1 + rng.int(31));
  let pc = 0x10000n;
  for (let i = 0; i < n; i++) {
    b.insnStart(pc);
    const k = rng.int(8);
    if (k === 0) {
      b.mov(reg(), BigInt(rng.u32() & 0xfffff000)); // lui
    } else if (k === 1) {
      const r = reg();
      b.add(r, r, rng.int(4096) - 2048); // addi
    } else if (k === 2) {
      const t = b.temp("i64");
      b.add(t, reg(), reg());
      b.ext32s(reg(), t); // addw
    } else if (k === 3) {
      const a = b.temp("i64");
      b.add(a, reg(), rng.int(256));
      b.guestLd(reg(), a, memop(rng.pick([8, 16, 32, 64] as const), rng.chance(0.5))); // load
    } else if (k === 4) {
      const a = b.temp("i64");
      b.add(a, reg(), rng.int(256));
      b.guestSt(reg(), a, memop(rng.pick([8, 16, 32, 64] as const))); // store
    } else if (k === 5) {
      b.setcond(reg(), "lt", reg(), reg()); // slt
    } else if (k === 6) {
      const t = b.temp("i64");
      b.shl(t, reg(), 32);
      b.shr(reg(), t, 32); // zext.w
    } else {
      b.xor(reg(), reg(), reg());
    }
    pc += 4n;
  }
  // Conditional branch ending the TB, with both exits chained.
  const l = b.label();
  b.brcond("ne", reg(), reg(), l);
  b.gotoTb(0);
  b.mov(f.global("pc", "i64")!, pc);
  b.exitTb(0);
  b.setLabel(l);
  b.gotoTb(1);
  b.mov(f.global("pc", "i64")!, pc + 0x40n);
  b.exitTb(1);
  return f;
}

describe("optimizer cost", () => {
  it("reports µs per input op on front-end-shaped TBs", () => {
    const iters = Number(process.env.WASMU_OPT_PERF_ITERS ?? "3000");
    const rng = new Rng(42);
    const tbs = Array.from({ length: 64 }, () => frontEndLikeTb(rng, 4 + rng.int(20)));
    // Warm up on clones built the same way.
    const make = (i: number): IrFunc => frontEndLikeTb(new Rng(1000 + (i % 64)), 4 + (i % 20));
    for (let i = 0; i < 500; i++) optimize(make(i));
    let ops = 0;
    let after = 0;
    let ms = 0;
    for (let i = 0; i < iters; i++) {
      const f = make(i);
      ops += f.ops.length;
      const t0 = performance.now();
      optimize(f);
      ms += performance.now() - t0;
      after += f.ops.length;
    }
    console.log(`optimizer: ${((ms * 1000) / ops).toFixed(3)} µs per input op, ${((ms * 1000) / iters).toFixed(1)} µs per TB, ${ops} -> ${after} ops (${((100 * (ops - after)) / ops).toFixed(1)}% removed)`);
    expect(tbs.length).toBe(64);
  });
});
