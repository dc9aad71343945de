// Special cases, one row each: signed zeros, infinities, quiet and signaling NaNs, NaN
// boxing, subnormals, min/max normal, halfway cases in every rounding mode, fused
// multiply-adds where two roundings would differ, the fcvt saturation table, fmin/fmax,
// comparisons and fclass. Rows are register images (singles NaN-boxed) and are also run
// through the QEMU oracle when qemu-riscv64-static is installed.

import { describe, expect, it } from "vitest";
import { FpStatus, execFpOp, isRoundingMode } from "../src/index.js";
import { findQemu, runOracle } from "./fpu-vectors.js";

const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;
const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
const S = (bits: number): bigint => 0xffffffff00000000n | BigInt(bits >>> 0);
const X = (v: bigint): bigint => BigInt.asUintN(64, v);

// binary32
const P0 = 0x00000000, N0 = 0x80000000, ONE = 0x3f800000, MONE = 0xbf800000, TWO = 0x40000000, THREE = 0x40400000;
const PINF = 0x7f800000, NINF = 0xff800000, QNAN = 0x7fc00000, SNAN = 0x7f800001;
const MINSUB = 0x00000001, MAXSUB = 0x007fffff, MINNORM = 0x00800000, MAXNORM = 0x7f7fffff;
// binary64
const D1 = 0x3ff0000000000000n, DM1 = 0xbff0000000000000n, D2 = 0x4000000000000000n, D3 = 0x4008000000000000n;
const DP0 = 0n, DN0 = 0x8000000000000000n, DINF = 0x7ff0000000000000n, DNINF = 0xfff0000000000000n;
const DQNAN = 0x7ff8000000000000n, DSNAN = 0x7ff0000000000001n, DMAX = 0x7fefffffffffffffn, DMINNORM = 0x0010000000000000n;
const DMINSUB = 1n, DEPS2 = 0x3ca0000000000000n; // 2^-53

type Row = [op: string, rm: number, a: bigint, b: bigint, c: bigint, result: bigint, flags: number];

const rows: Row[] = [
  // signed zeros
  ["fadd.s", RNE, S(P0), S(N0), 0n, S(P0), 0],
  ["fadd.s", RDN, S(P0), S(N0), 0n, S(N0), 0],
  ["fadd.s", RNE, S(N0), S(N0), 0n, S(N0), 0],
  ["fsub.d", RNE, D1, D1, 0n, DP0, 0],
  ["fsub.d", RDN, D1, D1, 0n, DN0, 0],
  ["fmul.d", RNE, DN0, D3, 0n, DN0, 0],
  ["fsqrt.d", RNE, DN0, 0n, 0n, DN0, 0],
  ["fdiv.s", RNE, S(ONE), S(N0), 0n, S(NINF), DZ],
  ["fdiv.d", RNE, DP0, DP0, 0n, DQNAN, NV],
  // infinities
  ["fadd.d", RNE, DINF, DNINF, 0n, DQNAN, NV],
  ["fmul.s", RNE, S(PINF), S(P0), 0n, S(QNAN), NV],
  ["fdiv.d", RNE, DINF, DINF, 0n, DQNAN, NV],
  ["fsqrt.s", RNE, S(NINF), 0n, 0n, S(QNAN), NV],
  ["fsqrt.d", RNE, DM1, 0n, 0n, DQNAN, NV],
  ["fadd.s", RNE, S(PINF), S(MAXNORM), 0n, S(PINF), 0],
  // NaNs: canonical result, NV only for signaling
  ["fadd.s", RNE, S(QNAN | 5), S(ONE), 0n, S(QNAN), 0],
  ["fadd.s", RNE, S(SNAN), S(ONE), 0n, S(QNAN), NV],
  ["fmul.d", RNE, DSNAN, DQNAN, 0n, DQNAN, NV],
  ["fsgnjn.d", RNE, DSNAN, DSNAN, 0n, 0xfff0000000000001n, 0],
  // NaN boxing: an improperly boxed single reads as the canonical NaN
  ["fadd.s", RNE, 0x3f800000n, S(ONE), 0n, S(QNAN), 0],
  ["fsgnj.s", RNE, 0x00000000bf800000n, S(ONE), 0n, S(QNAN), 0],
  ["fmv.x.w", RNE, 0x12345678bf800000n, 0n, 0n, X(-0x40800000n), 0],
  ["fmv.w.x", RNE, 0xdeadbeef3f800000n, 0n, 0n, S(ONE), 0],
  ["fcvt.d.s", RNE, S(SNAN), 0n, 0n, DQNAN, NV],
  ["fcvt.s.d", RNE, DSNAN, 0n, 0n, S(QNAN), NV],
  // overflow, per mode
  ["fmul.s", RNE, S(MAXNORM), S(TWO), 0n, S(PINF), OF | NX],
  ["fmul.s", RTZ, S(MAXNORM), S(TWO), 0n, S(MAXNORM), OF | NX],
  ["fmul.s", RDN, S(MAXNORM), S(TWO), 0n, S(MAXNORM), OF | NX],
  ["fmul.d", RDN, DMAX | DN0, D2, 0n, DNINF, OF | NX],
  ["fmul.d", RUP, DMAX | DN0, D2, 0n, DMAX | DN0, OF | NX],
  ["fadd.d", RDN, DMAX, 0x7c9db4903b01bd3an, 0n, DMAX, NX],
  ["fsub.d", RDN, 0xffd6f1fb4c040107n, 0xffefffffffffffffn, 0n, 0x7fe4870259fdff7bn, NX], // error-free sum near the top
  // underflow: tininess after rounding
  ["fmul.d", RNE, 0x3fefffffffffffffn, DMINNORM, 0n, DMINNORM, UF | NX], // tie rounds up to min normal, but tiny
  ["fmul.d", RTZ, 0x3fefffffffffffffn, DMINNORM, 0n, 0x000fffffffffffffn, UF | NX],
  ["fmul.d", RNE, 0x3ff0000000000001n, 0x000fffffffffffffn, 0n, DMINNORM, NX], // rounds up to min normal: not tiny
  ["fmul.d", RTZ, 0x3ff0000000000001n, 0x000fffffffffffffn, 0n, 0x000fffffffffffffn, UF | NX],
  ["fmul.s", RNE, S(0x3f000000), S(MINSUB), 0n, S(P0), UF | NX], // 2^-150 ties to even 0
  ["fmul.s", RUP, S(0x3f000000), S(MINSUB), 0n, S(MINSUB), UF | NX],
  ["fmul.s", RNE, S(0x3f000000), S(0x00000002), 0n, S(MINSUB), 0], // exact subnormal: no UF
  ["fmul.s", RNE, S(0x3f7fffff), S(MINNORM), 0n, S(MINNORM), UF | NX], // (1 - 2^-24) * 2^-126: tiny after rounding
  ["fdiv.s", RNE, S(MAXSUB), S(TWO), 0n, S(0x00400000), UF | NX],
  ["fadd.d", RNE, DMINSUB, DMINSUB, 0n, 2n, 0],
  // halfway cases in every mode: 1 + 2^-53
  ["fadd.d", RNE, D1, DEPS2, 0n, D1, NX],
  ["fadd.d", RTZ, D1, DEPS2, 0n, D1, NX],
  ["fadd.d", RDN, D1, DEPS2, 0n, D1, NX],
  ["fadd.d", RUP, D1, DEPS2, 0n, D1 + 1n, NX],
  ["fadd.d", RMM, D1, DEPS2, 0n, D1 + 1n, NX],
  ["fadd.d", RNE, D1 + 1n, DEPS2, 0n, D1 + 2n, NX],
  ["fadd.d", RMM, DM1, DEPS2 | DN0, 0n, DM1 + 1n, NX],
  ["fadd.d", RUP, DM1, DEPS2 | DN0, 0n, DM1, NX],
  ["fadd.s", RNE, S(ONE), S(0x33800000), 0n, S(ONE), NX],
  ["fadd.s", RMM, S(ONE), S(0x33800000), 0n, S(ONE + 1), NX],
  ["fadd.s", RNE, S(ONE + 1), S(0x33800000), 0n, S(ONE + 2), NX],
  ["fmul.s", RMM, S(0x3f800800), S(0x3f800800), 0n, S(0x3f801001), NX], // (1+2^-12)^2 = 1 + 2^-11 + 2^-24
  ["fmul.s", RNE, S(0x3f800800), S(0x3f800800), 0n, S(0x3f801000), NX],
  ["fdiv.s", RNE, S(ONE), S(THREE), 0n, S(0x3eaaaaab), NX],
  ["fdiv.s", RTZ, S(ONE), S(THREE), 0n, S(0x3eaaaaaa), NX],
  ["fsqrt.d", RNE, D2, 0n, 0n, 0x3ff6a09e667f3bcdn, NX],
  ["fsqrt.d", RDN, D2, 0n, 0n, 0x3ff6a09e667f3bccn, NX],
  ["fsqrt.s", RNE, S(0x40800000), 0n, 0n, S(TWO), 0],
  ["fsqrt.d", RTZ, DMAX, 0n, 0n, 0x5fefffffffffffffn, NX],
  ["fsqrt.d", RUP, DMAX, 0n, 0n, 0x5ff0000000000000n, NX],
  ["fdiv.d", RUP, DMAX, 0x3fefffffffffffffn, 0n, DINF, OF | NX],
  ["fmul.d", RTZ, DMAX, 0x3ff0000000000001n, 0n, DMAX, OF | NX],
  // fused multiply-add: one rounding
  ["fmadd.d", RNE, 0x3ff0000004000000n, 0x3ff0000004000000n, 0xbff0000008000000n, 0x3cb0000000000000n, 0], // (1+2^-26)^2 - (1+2^-25) = 2^-52
  ["fmadd.s", RNE, S(0x3f800001), S(0x3f800001), S(0xbf800002), S(0x28800000), 0], // (1+2^-23)^2 - (1+2^-22) = 2^-46
  ["fmadd.d", RNE, 0x3ff0000002000000n, 0x3ff0000002000000n, DEPS2, 0x3ff0000004000001n, NX], // separate mul+add gives ...000
  ["fmadd.s", RNE, S(0x3f800001), S(0x3f800001), S(0x33800000), S(0x3f800003), NX], // 1 + 2^-22 + 2^-46 + 2^-24
  ["fmadd.d", RNE, DINF, DP0, DQNAN, DQNAN, NV], // inf*0 + qNaN still raises NV
  ["fmadd.d", RNE, DINF, D1, DNINF, DQNAN, NV],
  ["fmadd.d", RNE, DN0, D1, DP0, DP0, 0],
  ["fmadd.d", RDN, DN0, D1, DP0, DN0, 0],
  ["fnmadd.d", RNE, DP0, D1, DP0, DN0, 0],
  ["fmadd.d", RNE, D1, DM1, D1, DP0, 0],
  ["fmadd.d", RDN, D1, DM1, D1, DN0, 0],
  ["fmsub.s", RNE, S(ONE), S(ONE), S(ONE), S(P0), 0],
  ["fnmsub.s", RNE, S(TWO), S(THREE), S(ONE), S(0xc0a00000), 0], // -(6) + 1 = -5
  // fmin/fmax
  ["fmin.s", RNE, S(P0), S(N0), 0n, S(N0), 0],
  ["fmax.s", RNE, S(N0), S(P0), 0n, S(P0), 0],
  ["fmin.d", RNE, DQNAN, D1, 0n, D1, 0],
  ["fmax.d", RNE, DSNAN, D1, 0n, D1, NV],
  ["fmin.s", RNE, S(QNAN), S(SNAN), 0n, S(QNAN), NV],
  ["fmax.d", RNE, DQNAN, DQNAN | 1n, 0n, DQNAN, 0],
  ["fmin.d", RNE, DNINF, DMAX, 0n, DNINF, 0],
  // comparisons
  ["feq.s", RNE, S(QNAN), S(ONE), 0n, 0n, 0],
  ["feq.s", RNE, S(SNAN), S(ONE), 0n, 0n, NV],
  ["flt.d", RNE, DQNAN, D1, 0n, 0n, NV],
  ["fle.d", RNE, D1, DQNAN, 0n, 0n, NV],
  ["feq.d", RNE, DP0, DN0, 0n, 1n, 0],
  ["fle.s", RNE, S(N0), S(P0), 0n, 1n, 0],
  ["flt.s", RNE, S(N0), S(P0), 0n, 0n, 0],
  ["flt.d", RNE, DNINF, DMAX | DN0, 0n, 1n, 0],
  // fclass
  ["fclass.s", RNE, S(NINF), 0n, 0n, 1n, 0],
  ["fclass.s", RNE, S(MONE), 0n, 0n, 2n, 0],
  ["fclass.s", RNE, S(MAXSUB | N0), 0n, 0n, 4n, 0],
  ["fclass.s", RNE, S(N0), 0n, 0n, 8n, 0],
  ["fclass.s", RNE, S(P0), 0n, 0n, 16n, 0],
  ["fclass.s", RNE, S(MINSUB), 0n, 0n, 32n, 0],
  ["fclass.s", RNE, S(MINNORM), 0n, 0n, 64n, 0],
  ["fclass.s", RNE, S(PINF), 0n, 0n, 128n, 0],
  ["fclass.s", RNE, S(SNAN), 0n, 0n, 256n, 0],
  ["fclass.s", RNE, S(QNAN), 0n, 0n, 512n, 0],
  ["fclass.s", RNE, 0x3f800000n, 0n, 0n, 512n, 0],
  ["fclass.d", RNE, DSNAN, 0n, 0n, 256n, 0],
  ["fclass.d", RNE, DMINSUB, 0n, 0n, 32n, 0],
  // fcvt saturation table (NaN -> max, out of range clamps, NV without NX)
  ["fcvt.w.s", RNE, S(QNAN), 0n, 0n, 0x7fffffffn, NV],
  ["fcvt.w.s", RNE, S(NINF), 0n, 0n, X(-0x80000000n), NV],
  ["fcvt.w.s", RNE, S(0x4f000000), 0n, 0n, 0x7fffffffn, NV], // 2^31
  ["fcvt.w.s", RNE, S(0xcf000000), 0n, 0n, X(-0x80000000n), 0], // -2^31 fits
  ["fcvt.wu.s", RNE, S(QNAN), 0n, 0n, X(-1n), NV],
  ["fcvt.wu.s", RNE, S(MONE), 0n, 0n, 0n, NV],
  ["fcvt.wu.s", RNE, S(0xbf000000), 0n, 0n, 0n, NX], // -0.5 rounds to 0: only inexact
  ["fcvt.wu.s", RDN, S(0xbf000000), 0n, 0n, 0n, NV], // -0.5 rounds to -1: invalid
  ["fcvt.wu.d", RNE, 0x41efffffffe00000n, 0n, 0n, X(-1n), 0], // 2^32 - 1
  ["fcvt.wu.d", RNE, 0x41f0000000000000n, 0n, 0n, X(-1n), NV],
  ["fcvt.l.d", RNE, DINF, 0n, 0n, 0x7fffffffffffffffn, NV],
  ["fcvt.l.d", RNE, 0xc3e0000000000000n, 0n, 0n, 0x8000000000000000n, 0],
  ["fcvt.l.d", RNE, 0x43e0000000000000n, 0n, 0n, 0x7fffffffffffffffn, NV],
  ["fcvt.lu.d", RNE, DQNAN, 0n, 0n, X(-1n), NV],
  ["fcvt.lu.d", RNE, DNINF, 0n, 0n, 0n, NV],
  ["fcvt.lu.s", RNE, S(0x5f7fffff), 0n, 0n, 0xffffff0000000000n, 0],
  ["fcvt.w.d", RNE, 0x4004000000000000n, 0n, 0n, 2n, NX], // 2.5
  ["fcvt.w.d", RMM, 0x4004000000000000n, 0n, 0n, 3n, NX],
  ["fcvt.w.d", RDN, 0xc004000000000000n, 0n, 0n, X(-3n), NX],
  ["fcvt.w.d", RUP, 0xc004000000000000n, 0n, 0n, X(-2n), NX],
  ["fcvt.w.d", RTZ, 0xc004000000000000n, 0n, 0n, X(-2n), NX],
  // integer -> float
  ["fcvt.s.w", RNE, 0x1000001n, 0n, 0n, S(0x4b800000), NX],
  ["fcvt.s.w", RUP, 0x1000001n, 0n, 0n, S(0x4b800001), NX],
  ["fcvt.s.wu", RNE, 0xffffffffn, 0n, 0n, S(0x4f800000), NX],
  ["fcvt.s.lu", RTZ, X(-1n), 0n, 0n, S(0x5f7fffff), NX],
  ["fcvt.d.l", RNE, 0x20000000000001n, 0n, 0n, 0x4340000000000000n, NX],
  ["fcvt.d.l", RMM, 0x20000000000001n, 0n, 0n, 0x4340000000000001n, NX],
  ["fcvt.d.lu", RNE, X(-1n), 0n, 0n, 0x43f0000000000000n, NX],
  ["fcvt.d.w", RNE, 0xffffffff80000000n, 0n, 0n, 0xc1e0000000000000n, 0],
  // narrowing at the binary32 limits
  ["fcvt.s.d", RNE, 0x47efffffe0000000n, 0n, 0n, S(MAXNORM), 0], // max float
  ["fcvt.s.d", RNE, 0x47effffff0000000n, 0n, 0n, S(PINF), OF | NX], // max float + half ulp
  ["fcvt.s.d", RTZ, 0x47effffff0000000n, 0n, 0n, S(MAXNORM), NX], // below 2^128: no overflow
  ["fcvt.s.d", RTZ, 0x47f0000000000000n, 0n, 0n, S(MAXNORM), OF | NX], // 2^128
  ["fcvt.s.d", RNE, 0x380fffffe0000000n, 0n, 0n, S(MINNORM), UF | NX], // 2^-126 - 2^-150: tie up, but tiny
  ["fcvt.s.d", RNE, 0x380ffffff0000000n, 0n, 0n, S(MINNORM), NX], // 2^-126 - 2^-151: not tiny
  ["fcvt.s.d", RNE, 0x36a8000000000000n, 0n, 0n, S(0x00000002), UF | NX], // 1.5 * 2^-149
  ["fcvt.s.d", RNE, DMINSUB, 0n, 0n, S(P0), UF | NX],
  ["fcvt.s.d", RUP, DMINSUB, 0n, 0n, S(MINSUB), UF | NX],
];

function runRow(r: Row): [bigint, number] {
  const [op, rm, a, b, c] = r;
  if (!isRoundingMode(rm)) throw new Error("bad rm");
  const st = new FpStatus();
  const got = execFpOp(op, a, b, c, rm, st);
  return [got, st.flags];
}

const hex = (r: Row): string => `${r[0]} rm=${r[1]} ${r[2].toString(16)} ${r[3].toString(16)} ${r[4].toString(16)}`;

describe("FPU special cases", () => {
  it.each(rows.map((r) => [hex(r), r] as const))("%s", (_name, r) => {
    const [got, flags] = runRow(r);
    expect([got.toString(16), flags]).toEqual([r[5].toString(16), r[6]]);
  });

  const qemu = findQemu();
  it.skipIf(qemu === undefined)("every row agrees with QEMU", async () => {
    const es = await runOracle(qemu!, rows.map(([op, rm, a, b, c]) => ({ op, rm, a, b, c })));
    const diff = es.filter((e, i) => e.result !== rows[i]![5] || e.flags !== rows[i]![6]).map((e) => `${e.op} rm=${e.rm} ${e.a.toString(16)}: qemu ${e.result.toString(16)}/${e.flags}`);
    expect(diff).toEqual([]);
  });
});
