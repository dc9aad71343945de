// ns/op of the FPU fast and exact paths, measured in a plain `node` process on the built
// dist/ (vitest's module transform makes every imported binding a getter and slows these
// functions ~15x, so measuring in-process would be meaningless). Reported, not asserted;
// runs only with WASMU_FPU_BENCH=1. Figures are recorded in README "FPU".

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DIST = fileURLToPath(new URL("../dist/index.js", import.meta.url));

const SCRIPT = `
const F = await import(process.argv[1]);
const st = new F.FpStatus();
const N = 1024, MASK = N - 1;
const d = [], s = [], big = [];
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
for (let i = 0; i < N; i++) {
  const x = (rnd() + 0.5) * 2 ** (Math.floor(rnd() * 40) - 20) * (rnd() < 0.5 ? -1 : 1);
  d.push(F.f64ToBits(x));
  s.push(F.f64ToF32(F.f64ToBits(x), 0, st));
  big.push(BigInt(Math.floor(rnd() * 2 ** 53)) << 8n);
}
const sp = d.map((x) => F.f64ToBits(Math.abs(F.f64FromBits(x))));
const ss = s.map((x) => x & 0x7fffffff);
const out = [];
function bench(name, iters, body) {
  let k;
  for (let i = 0; i < iters / 2; i++) k = body(i & MASK);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    for (let i = 0; i < iters; i++) k = body(i & MASK);
    best = Math.min(best, ((performance.now() - t) * 1e6) / iters);
  }
  out.push(name.padEnd(28) + best.toFixed(1).padStart(8) + " ns/op");
  return k;
}
const M = 2000000, S = 50000;
const n1 = (i) => (i + 1) & MASK, n7 = (i) => (i + 7) & MASK;
for (const [tag, rm] of [["RNE", 0], ["RTZ", 1], ["RMM", 4]]) {
  bench("f64Add " + tag, M, (i) => F.f64Add(d[i], d[n1(i)], rm, st));
  bench("f64Mul " + tag, M, (i) => F.f64Mul(d[i], d[n1(i)], rm, st));
  bench("f64Div " + tag, M, (i) => F.f64Div(d[i], d[n1(i)], rm, st));
  bench("f64Sqrt " + tag, M, (i) => F.f64Sqrt(sp[i], rm, st));
  bench("f64MulAdd " + tag, M, (i) => F.f64MulAdd(d[i], d[n1(i)], d[n7(i)], false, false, rm, st));
  bench("f32Add " + tag, M, (i) => F.f32Add(s[i], s[n1(i)], rm, st));
  bench("f32Mul " + tag, M, (i) => F.f32Mul(s[i], s[n1(i)], rm, st));
  bench("f32Div " + tag, M, (i) => F.f32Div(s[i], s[n1(i)], rm, st));
  bench("f32Sqrt " + tag, M, (i) => F.f32Sqrt(ss[i], rm, st));
  bench("f32MulAdd " + tag, M, (i) => F.f32MulAdd(s[i], s[n1(i)], s[n7(i)], false, false, rm, st));
}
bench("f64Eq", M, (i) => F.f64Eq(d[i], d[n1(i)], st));
bench("f64Lt", M, (i) => F.f64Lt(d[i], d[n1(i)], st));
bench("f64Min", M, (i) => F.f64Min(d[i], d[n1(i)], st));
bench("f32Min", M, (i) => F.f32Min(s[i], s[n1(i)], st));
bench("f64Class", M, (i) => F.f64Class(d[i]));
bench("f64ToF32 RNE", M, (i) => F.f64ToF32(d[i], 0, st));
bench("f32ToF64", M, (i) => F.f32ToF64(s[i], st));
bench("f64ToI64 RTZ", M, (i) => F.f64ToI64(d[i], 1, st));
bench("f64ToI32 RNE", M, (i) => F.f64ToI32(d[i], 0, st));
bench("f32ToI32 RNE", M, (i) => F.f32ToI32(s[i], 0, st));
bench("i64ToF64 RNE", M, (i) => F.i64ToF64(big[i], 0, st));
bench("i64ToF64 RTZ", M, (i) => F.i64ToF64(big[i], 1, st));
bench("i32ToF32 RNE", M, (i) => F.i32ToF32(i * 40503, 0, st));
bench("exactAdd binary64", S, (i) => F.exactAdd(F.BINARY64, d[i], d[n1(i)], 0, st));
bench("exactMul binary64", S, (i) => F.exactMul(F.BINARY64, d[i], d[n1(i)], 0, st));
bench("exactDiv binary64", S, (i) => F.exactDiv(F.BINARY64, d[i], d[n1(i)], 0, st));
bench("exactSqrt binary64", S, (i) => F.exactSqrt(F.BINARY64, sp[i], 0, st));
bench("exactMulAdd binary64", S, (i) => F.exactMulAdd(F.BINARY64, d[i], d[n1(i)], d[n7(i)], false, false, 0, st));
bench("f64Mul subnormal (exact)", S, (i) => F.f64Mul(d[i], 0x0000000123456789n, 1, st));
bench("execFpOp fadd.s (table)", M, (i) => F.execFpOp("fadd.s", 0xffffffff00000000n | BigInt(s[i]), 0xffffffff00000000n | BigInt(s[n1(i)]), 0n, 0, st));
bench("native a*b+c (reference)", M, (i) => F.f64FromBits(d[i]) * F.f64FromBits(d[n1(i)]) + F.f64FromBits(d[n7(i)]));
console.log(out.join("\\n"));
`;

describe.runIf(process.env.WASMU_FPU_BENCH === "1")("FPU bench", () => {
  it("prints ns/op (plain node on dist/)", () => {
    if (!existsSync(DIST)) throw new Error("build @wasmu/tcg first (dist/index.js missing)");
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT, DIST], { encoding: "utf8" });
    console.log(r.stdout + r.stderr);
    expect(r.status).toBe(0);
  });
});
