// Test vectors for the FPU differential tests: boundary values, constructed rounding
// cases and seeded random bits, plus a runner for the QEMU oracle (fpu-oracle/).

import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FP_OPS, FpStatus, execFpOp, f32FromBits, f32ToBits, f64FromBits, f64ToBits, isRoundingMode } from "../src/index.js";

/** One vector: op rm a b c (register images). */
export interface Vector {
  op: string;
  rm: number;
  a: bigint;
  b: bigint;
  c: bigint;
}

/** A vector with the expected (oracle) result. */
export interface Expected extends Vector {
  result: bigint;
  flags: number;
}

/** Seeded xorshift128+ generator of 64-bit values. */
export class Rng {
  private s0: bigint;
  private s1: bigint;
  constructor(seed: number) {
    this.s0 = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 1n);
    this.s1 = BigInt.asUintN(64, this.s0 * 0xbf58476d1ce4e5b9n + 7n);
    for (let i = 0; i < 8; i++) this.u64();
  }
  u64(): bigint {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x = BigInt.asUintN(64, x ^ (x << 23n));
    this.s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return BigInt.asUintN(64, this.s1 + y);
  }
  int(n: number): number {
    return Number(this.u64() % BigInt(n));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const BOX = 0xffffffff00000000n;

/** binary32 boundary values (bits). */
export const F32_BOUNDARY: readonly number[] = [
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
  0x00800000, 0x80800000, 0x00800001, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
  0x7fc00001, 0x7f800001, 0xff800001, 0x7fa00000, 0x3f000000, 0xbf000000, 0x3fc00000, 0xbfc00000, 0x40200000,
  0xc0200000, 0x3f7fffff, 0x3f800001, 0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x4f7fffff, 0x4f800000,
  0x5effffff, 0x5f000000, 0xdf000000, 0xdf000001, 0x5f7fffff, 0x5f800000, 0x4b7fffff, 0x4b800000, 0x33800000,
  0x34000000, 0x7effffff, 0x00000002, 0x00400000, 0x40490fdb, 0x3eaaaaab, 0xbf7fffff,
];

/** binary64 boundary values (bits). */
export const F64_BOUNDARY: readonly bigint[] = [
  0x0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x1n, 0x8000000000000001n,
  0x000fffffffffffffn, 0x800fffffffffffffn, 0x0010000000000000n, 0x8010000000000000n, 0x0010000000000001n,
  0x7fefffffffffffffn, 0xffefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n,
  0xfff8000000000000n, 0x7ff8000000000001n, 0x7ff0000000000001n, 0xfff0000000000001n, 0x7ff4000000000000n,
  0x3fe0000000000000n, 0xbfe0000000000000n, 0x3ff8000000000000n, 0xbff8000000000000n, 0x4004000000000000n,
  0xc004000000000000n, 0x3fefffffffffffffn, 0x3ff0000000000001n, 0x41dfffffffc00000n, 0x41dfffffffe00000n,
  0x41e0000000000000n, 0xc1e0000000000000n, 0xc1e0000000200000n, 0xc1e0000000100000n, 0x41efffffffe00000n,
  0x41efffffffffffffn, 0x41f0000000000000n, 0x43dfffffffffffffn, 0x43e0000000000000n, 0xc3e0000000000000n,
  0xc3e0000000000001n, 0x43efffffffffffffn, 0x43f0000000000000n, 0x433fffffffffffffn, 0x4340000000000000n,
  0x3ca0000000000000n, 0x3cb0000000000000n, 0x7fdfffffffffffffn, 0x0000000000000002n, 0x0008000000000000n,
  0x400921fb54442d18n, 0x3fd5555555555555n, 0x47efffffe0000000n, 0x47efffffffffffffn, 0x47f0000000000000n,
  0x36a0000000000000n, 0x3690000000000000n, 0x380fffffe0000000n, 0x3810000000000000n, 0x380ffffff0000000n,
  0x36a8000000000000n, 0xbfefffffffffffffn,
];

/** Integer boundary values for x-register operands. */
export const INT_BOUNDARY: readonly bigint[] = [
  0n, 1n, 0xffffffffffffffffn, 0x7fffffffn, 0xffffffff80000000n, 0xffffffffn, 0x80000000n, 0x7fffffffffffffffn,
  0x8000000000000000n, 0x20000000000001n, 0x20000000000003n, 0x1000001n, 0x1000003n, 0xfffffffffeffffffn,
  0x7fffffbfn, 0xffffff7fn, 0x7ffffdffffffffffn, 0xfffffbffffffffffn, 0xffffff7fffffffffn, 3n, 0xfffffffffffffffdn,
  0x12345678n, 0x123456789abcdefn,
];

/** A random binary32 with exponent biased towards interesting ranges. */
function randF32(r: Rng): number {
  const bits = Number(r.u64() & 0xffffffffn);
  switch (r.int(6)) {
    case 0:
      return bits >>> 0;
    case 1:
      return r.pick(F32_BOUNDARY);
    case 2: // near 1 (cancellation, ties)
      return ((bits & 0x807fffff) | ((124 + r.int(8)) << 23)) >>> 0;
    case 3: // tiny (subnormal results)
      return ((bits & 0x807fffff) | (r.int(30) << 23)) >>> 0;
    case 4: // huge (overflow)
      return ((bits & 0x807fffff) | ((225 + r.int(30)) << 23)) >>> 0;
    default: // few significant bits (exact results, ties)
      return ((bits & 0x80000000) | ((100 + r.int(60)) << 23) | ((bits & 0x7) << (20 - r.int(20)))) >>> 0;
  }
}

/** A random binary64 with exponent biased towards interesting ranges. */
function randF64(r: Rng): bigint {
  const bits = r.u64();
  const mant = bits & 0x800fffffffffffffn;
  switch (r.int(7)) {
    case 0:
      return bits;
    case 1:
      return r.pick(F64_BOUNDARY);
    case 2:
      return mant | (BigInt(1020 + r.int(8)) << 52n);
    case 3:
      return mant | (BigInt(r.int(60)) << 52n);
    case 4:
      return mant | (BigInt(1990 + r.int(57)) << 52n);
    case 5: // limits of the binary64 fast paths (2^-960, 2^996, 2^1023) and the f32 range
      return mant | (BigInt(r.pick([1023 - 960, 1023 + 995, 2045, 1023 - 480, 1023 + 510, 1023 - 150, 1023 + 128, 1023 - 126]) + r.int(3) - 1) << 52n);
    default:
      return (bits & 0x8000000000000000n) | (BigInt(900 + r.int(250)) << 52n) | ((bits & 0x7n) << BigInt(49 - r.int(49)));
  }
}

function randInt(r: Rng): bigint {
  switch (r.int(4)) {
    case 0:
      return r.u64();
    case 1:
      return r.pick(INT_BOUNDARY);
    case 2:
      return r.u64() >> BigInt(r.int(64));
    default:
      return BigInt.asUintN(64, -(r.u64() >> BigInt(r.int(64))));
  }
}

/** A random operand for register kind k of an op of format fmt ("s" or "d"). */
function operand(r: Rng, kind: string, single: boolean): bigint {
  if (kind === "x") return randInt(r);
  if (single) {
    const v = BigInt(randF32(r));
    // Now and then an improperly boxed single (reads as the canonical NaN).
    if (r.int(64) === 0) return r.pick([v, 0x00000000ffffffffn & v, 0x7fffffff00000000n | v]);
    return BOX | v;
  }
  return randF64(r);
}

/** Whether the f operands of `op` are singles. */
function singleOperands(op: string): boolean {
  if (op === "fcvt.d.s") return true;
  if (op === "fcvt.s.d" || op === "fmv.x.w") return false;
  return op.endsWith(".s") || op.startsWith("fmv.x.w") || /\.s\./.test(op) || /\.[wl]u?\.s$/.test(op);
}

/** Constructed vectors: ties in every mode, FMA double-rounding traps, underflow edges. */
export function constructedVectors(): Vector[] {
  const v: Vector[] = [];
  const add = (op: string, a: bigint, b: bigint, c = 0n): void => {
    for (let rm = 0; rm < 5; rm++) v.push({ op, rm, a, b, c });
  };
  const s = (x: number): bigint => BOX | BigInt(x >>> 0);
  // Halfway cases: 1 + 2^-53 (tie to even down), (1 + 2^-52) + 2^-53 (tie up), negatives.
  add("fadd.d", 0x3ff0000000000000n, 0x3ca0000000000000n);
  add("fadd.d", 0x3ff0000000000001n, 0x3ca0000000000000n);
  add("fadd.d", 0xbff0000000000001n, 0xbca0000000000000n);
  add("fsub.d", 0x3ff0000000000000n, 0x3c90000000000000n);
  add("fadd.s", s(0x3f800000), s(0x33800000));
  add("fadd.s", s(0x3f800001), s(0x33800000));
  add("fadd.s", s(0xbf800001), s(0xb3800000));
  // Products that are exact ties: (1 + 2^-26)^2 = 1 + 2^-25 + 2^-52 in f32? use 1+2^-12.
  add("fmul.s", s(0x3f800800), s(0x3f800800)); // (1+2^-12)^2 = 1 + 2^-11 + 2^-24 (tie)
  add("fmul.d", 0x3ff0000004000000n, 0x3ff0000004000000n); // (1+2^-26)^2 = 1 + 2^-25 + 2^-52
  add("fmul.d", 0x3ff0000002000000n, 0x3ff0000002000000n); // (1+2^-27)^2 tie at 2^-54
  // Subnormal results and the tininess-after-rounding boundary.
  add("fmul.d", 0x3ff0000000000001n, 0x000fffffffffffffn);
  add("fmul.d", 0x3fefffffffffffffn, 0x0010000000000000n);
  add("fmul.d", 0x3fefffffffffffffn, 0x0010000000000001n);
  add("fmul.s", s(0x3f7fffff), s(0x00800000));
  add("fmul.s", s(0x3f7fffff), s(0x00800001));
  add("fmul.s", s(0x3f000000), s(0x00000003));
  add("fdiv.s", s(0x00000003), s(0x40000000));
  add("fdiv.s", s(0x00000005), s(0x40000000));
  add("fdiv.d", 0x0000000000000003n, 0x4000000000000000n);
  add("fdiv.d", 0x0010000000000000n, 0x3ff0000000000001n);
  add("fcvt.s.d", 0x380fffffe0000000n, 0n); // just below 2^-126, rounds to min normal in RNE
  add("fcvt.s.d", 0x380ffffff0000000n, 0n);
  add("fcvt.s.d", 0x36a8000000000000n, 0n); // 1.5 * 2^-149
  add("fcvt.s.d", 0x47efffffe0000000n, 0n); // max float + half ulp
  add("fcvt.s.d", 0x47efffffefffffffn, 0n);
  // Near the top of the range: error-free transformations must not overflow.
  add("fsub.d", 0xffd6f1fb4c040107n, 0xffefffffffffffffn);
  add("fadd.d", 0x7fdfffffffffffffn, 0x7fdfffffffffffffn);
  add("fadd.d", 0x7fefffffffffffffn, 0xfcafffffffffffffn);
  add("fsqrt.d", 0x7fefffffffffffffn, 0n);
  add("fdiv.d", 0x7fefffffffffffffn, 0x3fefffffffffffffn);
  add("fmul.d", 0x5fefffffffffffffn, 0x5fefffffffffffffn);
  add("fmadd.d", 0x5fefffffffffffffn, 0x5fe0000000000001n, 0xffefffffffffffffn);
  // FMA where a separate multiply then add would round twice.
  add("fmadd.d", 0x3ff0000004000000n, 0x3ff0000004000000n, 0xbff0000008000000n); // (1+2^-26)^2 - (1+2^-25) = 2^-52
  add("fmadd.d", 0x3ff0000000000001n, 0x3ff0000000000001n, 0xbff0000000000002n);
  add("fmadd.d", 0x3ff0000002000000n, 0x3ff0000002000000n, 0x3ca0000000000000n);
  add("fmadd.d", 0x3ff0000002000000n, 0x3ff0000002000000n, 0xbca0000000000000n);
  add("fmsub.d", 0x3ff8000000000000n, 0x3ff5555555555555n, 0x4000000000000000n);
  add("fmadd.s", s(0x3f800800), s(0x3f800800), s(0xbf801000));
  add("fmadd.s", s(0x3f800001), s(0x3f800001), s(0x33800000));
  add("fmadd.s", s(0x3f800001), s(0x3f800001), s(0xb3800000));
  add("fnmadd.s", s(0x3f800001), s(0x3f800001), s(0x33800000));
  add("fmadd.s", s(0x5f800000), s(0x5f800000), s(0xff7fffff));
  add("fmadd.d", 0x7fe0000000000000n, 0x4000000000000000n, 0xfff0000000000000n);
  add("fmadd.d", 0x7ff0000000000000n, 0x0n, 0x7ff8000000000000n); // inf*0 + qNaN: NV
  add("fmadd.s", s(0x00000000), s(0xff800000), s(0x7fc00000));
  add("fmadd.d", 0x8000000000000000n, 0x3ff0000000000000n, 0x0n);
  add("fmadd.d", 0x3ff0000000000000n, 0xbff0000000000000n, 0x3ff0000000000000n);
  // Conversions at halfway points and limits.
  for (const x of [0x3fe0000000000000n, 0x3ff8000000000000n, 0x4004000000000000n, 0xbfe0000000000000n, 0xbff8000000000000n, 0x41dfffffffe00000n, 0xc1e0000000100000n, 0x41efffffffe00000n, 0xbfefffffffffffffn]) {
    for (const op of ["fcvt.w.d", "fcvt.wu.d", "fcvt.l.d", "fcvt.lu.d"]) add(op, x, 0n);
  }
  for (const x of [0x3f000000, 0x3fc00000, 0x40200000, 0xbf000000, 0xbfc00000, 0xcf000000, 0x4f7fffff, 0x5f000000, 0xdf000000]) {
    for (const op of ["fcvt.w.s", "fcvt.wu.s", "fcvt.l.s", "fcvt.lu.s"]) add(op, s(x), 0n);
  }
  for (const x of [0x1000001n, 0x1000003n, 0x20000000000001n, 0x20000000000003n, 0xffffffffffffffffn, 0x7fffffffffffffffn, 0x8000000000000400n, 0x8000000000000401n]) {
    for (const op of ["fcvt.s.w", "fcvt.s.wu", "fcvt.s.l", "fcvt.s.lu", "fcvt.d.l", "fcvt.d.lu"]) add(op, x, 0n);
  }
  return v;
}

/** An addend close to -(a*b) (or +(a*b)): massive cancellation in fused multiply-add. */
export function nearProduct(r: Rng, a: bigint, b: bigint, single: boolean): bigint {
  if (single) {
    const p = Math.fround(f32FromBits(Number(a & 0xffffffffn)) * f32FromBits(Number(b & 0xffffffffn)));
    if (!Number.isFinite(p)) return a;
    const bits = BigInt(f32ToBits(r.int(2) === 0 ? -p : p)) + BigInt(r.int(5) - 2);
    return BOX | BigInt.asUintN(32, bits);
  }
  const p = f64FromBits(a) * f64FromBits(b);
  if (!Number.isFinite(p)) return a;
  return BigInt.asUintN(64, f64ToBits(r.int(2) === 0 ? -p : p) + BigInt(r.int(5) - 2));
}

/** Every op (or only `only`), every valid rm, `perOp` seeded random vectors for each (op, rm). */
export function randomVectors(seed: number, perOp: number, only?: string): Vector[] {
  const r = new Rng(seed);
  const v: Vector[] = [];
  for (const op of FP_OPS.values()) {
    if (only !== undefined && op.name !== only) continue;
    const single = singleOperands(op.name);
    const rms = op.usesRm ? [0, 1, 2, 3, 4] : [0];
    for (const rm of rms) {
      for (let i = 0; i < perOp; i++) {
        const k = op.operands;
        const a = operand(r, k[0]!, single);
        const b = k.length > 1 ? operand(r, k[1]!, single) : 0n;
        let c = k.length > 2 ? operand(r, k[2]!, single) : 0n;
        if (k.length > 2 && r.int(3) === 0) c = nearProduct(r, a, b, single);
        v.push({ op: op.name, rm, a, b, c });
      }
    }
  }
  return v;
}

/** Every op applied to every boundary value (unary) or pairs of boundary values (binary, sampled). */
export function boundaryVectors(): Vector[] {
  const v: Vector[] = [];
  const r = new Rng(7);
  for (const op of FP_OPS.values()) {
    const single = singleOperands(op.name);
    const rms = op.usesRm ? [0, 1, 2, 3, 4] : [0];
    const kinds = op.operands;
    const vals = (k: string): bigint[] =>
      k === "x" ? [...INT_BOUNDARY] : single ? F32_BOUNDARY.map((x) => BOX | BigInt(x)) : [...F64_BOUNDARY];
    for (const rm of rms) {
      if (kinds.length === 1) {
        for (const a of vals(kinds[0]!)) v.push({ op: op.name, rm, a, b: 0n, c: 0n });
      } else {
        const va = vals(kinds[0]!);
        for (let i = 0; i < 80; i++) {
          v.push({ op: op.name, rm, a: r.pick(va), b: r.pick(va), c: kinds.length > 2 ? r.pick(va) : 0n });
        }
      }
    }
  }
  return v;
}

/** Path of the oracle binary. */
export const ORACLE = fileURLToPath(new URL("./fpu-oracle/fpu-oracle", import.meta.url));
/** Path of the recorded QEMU results. */
export const RECORDED = fileURLToPath(new URL("./fpu-oracle/vectors.txt", import.meta.url));

/**
 * The QEMU user-mode command when it and the oracle binary are usable, else undefined.
 * WASMU_QEMU_RISCV64 names another binary (a missing name simulates a machine without QEMU).
 */
export function findQemu(): string | undefined {
  if (!existsSync(ORACLE)) return undefined;
  const qemu = process.env.WASMU_QEMU_RISCV64 ?? "qemu-riscv64-static";
  const r = spawnSync(qemu, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? qemu : undefined;
}

/** Formats a vector as an oracle input line. */
export function vectorLine(v: Vector): string {
  return `${v.op} ${v.rm} ${v.a.toString(16)} ${v.b.toString(16)} ${v.c.toString(16)}`;
}

/**
 * Runs the vectors through the oracle under QEMU in one process; returns results. The
 * child is awaited, not run with spawnSync: a test worker blocked for 60 s misses
 * vitest's RPC reply (`Timeout calling "onTaskUpdate"`), and this file's tests run one
 * oracle each, back to back.
 */
export async function runOracle(qemu: string, vs: readonly Vector[]): Promise<Expected[]> {
  const input = vs.map(vectorLine).join("\n") + "\n";
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(qemu, [ORACLE], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    child.stdin.end(input);
  });
  if (r.status !== 0) throw new Error(`fpu-oracle failed: ${r.stderr}`);
  const lines = r.stdout.trimEnd().split("\n");
  if (lines.length !== vs.length) throw new Error(`fpu-oracle: ${lines.length} lines for ${vs.length} vectors`);
  return vs.map((v, i) => {
    const [res, fl] = lines[i]!.split(" ");
    if (res === "error" || fl === undefined) throw new Error(`fpu-oracle rejected: ${vectorLine(v)}`);
    return { ...v, result: BigInt("0x" + res), flags: parseInt(fl, 16) };
  });
}

/** Parses recorded lines "op rm a b c result flags". */
export function parseRecorded(text: string): Expected[] {
  const out: Expected[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [op, rm, a, b, c, res, fl] = line.split(" ");
    out.push({ op: op!, rm: Number(rm), a: BigInt("0x" + a), b: BigInt("0x" + b), c: BigInt("0x" + c), result: BigInt("0x" + res), flags: parseInt(fl!, 16) });
  }
  return out;
}

/** Formats an expected vector as a recorded line. */
export function recordedLine(e: Expected): string {
  return `${vectorLine(e)} ${e.result.toString(16)} ${e.flags.toString(16)}`;
}

/** Compares the library with expected results; returns human-readable mismatches. */
export function mismatches(es: readonly Expected[], limit = 20): { count: number; samples: string[] } {
  let count = 0;
  const samples: string[] = [];
  for (const e of es) {
    if (!isRoundingMode(e.rm)) throw new Error(`bad rm ${e.rm}`);
    const st = new FpStatus();
    const got = execFpOp(e.op, e.a, e.b, e.c, e.rm, st);
    if (got !== e.result || st.flags !== e.flags) {
      count++;
      if (samples.length < limit) {
        samples.push(`${vectorLine(e)}: qemu ${e.result.toString(16)}/${e.flags.toString(16)}, got ${got.toString(16)}/${st.flags.toString(16)}`);
      }
    }
  }
  return { count, samples };
}
