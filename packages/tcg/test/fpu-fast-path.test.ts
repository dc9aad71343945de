// Which inputs stay on the fast paths: ordinary operands (normal values of moderate
// magnitude, every rounding mode) must never reach the exact BigInt path, which is ~50x
// slower. Correctness is covered elsewhere; this guards against silent performance cliffs.

import { describe, expect, it } from "vitest";
import {
  EXACT_PATH_STATS, FpStatus, f32Add, f32Div, f32MulAdd, f32Mul, f32Sqrt, f32Sub, f64Add, f64Div, f64MulAdd, f64Mul, f64Sqrt,
  f64Sub, f64ToBits, f64ToF32, f32ToF64, f64ToI32, f64ToI64, i64ToF64, u64ToF64, type RoundingMode,
} from "../src/index.js";
import { Rng } from "./fpu-vectors.js";

const RMS: RoundingMode[] = [0, 1, 2, 3, 4];

function operands(n: number, range: number): number[] {
  const r = new Rng(99);
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = 1 + Number(r.u64() >> 11n) / 2 ** 53;
    xs.push((r.int(2) === 0 ? -m : m) * 2 ** (r.int(2 * range) - range));
  }
  return xs;
}

describe("FPU fast-path coverage", () => {
  it("binary64 arithmetic on ordinary operands never takes the exact path", () => {
    const xs = operands(400, 200).map(f64ToBits);
    const st = new FpStatus();
    EXACT_PATH_STATS.calls = 0;
    for (const rm of RMS) {
      for (let i = 0; i + 2 < xs.length; i++) {
        const [a, b, c] = [xs[i]!, xs[i + 1]!, xs[i + 2]!];
        f64Add(a, b, rm, st);
        f64Sub(a, b, rm, st);
        f64Mul(a, b, rm, st);
        f64Div(a, b, rm, st);
        f64Sqrt(a & 0x7fffffffffffffffn, rm, st);
        f64MulAdd(a, b, c, false, false, rm, st);
        f64MulAdd(a, b, c, true, true, rm, st);
        f64ToF32(a, rm, st);
        f64ToI64(a, rm, st);
        f64ToI32(a, rm, st);
        i64ToF64(a, rm, st);
        u64ToF64(a, rm, st);
      }
    }
    expect(EXACT_PATH_STATS.calls).toBe(0);
  });

  it("binary32 arithmetic on finite operands never takes the exact path", () => {
    const st = new FpStatus();
    const xs = operands(400, 60).map((x) => f64ToF32(f64ToBits(x), 0, st));
    EXACT_PATH_STATS.calls = 0;
    for (const rm of RMS) {
      for (let i = 0; i + 2 < xs.length; i++) {
        const [a, b, c] = [xs[i]!, xs[i + 1]!, xs[i + 2]!];
        f32Add(a, b, rm, st);
        f32Sub(a, b, rm, st);
        f32Mul(a, b, rm, st);
        f32Div(a, b, rm, st);
        f32Sqrt(a & 0x7fffffff, rm, st);
        f32MulAdd(a, b, c, false, true, rm, st);
        f32ToF64(a, st);
      }
    }
    expect(EXACT_PATH_STATS.calls).toBe(0);
  });

  it("NaN operands and subnormal products do take it (the counter works)", () => {
    const st = new FpStatus();
    EXACT_PATH_STATS.calls = 0;
    f64Add(0x7ff8000000000000n, f64ToBits(1), 0, st);
    f64Mul(1n, f64ToBits(0.5), 0, st);
    expect(EXACT_PATH_STATS.calls).toBe(2);
  });
});
