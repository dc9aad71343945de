// Test support: deterministic random values and the "same behaviour" check that runs
// two IR functions on the reference interpreter over the same inputs.
import { expect } from "vitest";
import { FlatGuestMemory, referenceInterpret, type HelperDef, type InterpExit, type IrFunc } from "../src/index.js";

/** Guest address where the test memory is mapped. */
export const MEM_BASE = 0x1000n;
/** Size of the test memory. */
export const MEM_SIZE = 512;
/** Size of the test CPU state. */
export const STATE_SIZE = 1024;

/** A small deterministic PRNG (mulberry32) with helpers for IR values. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return this.u32() % n;
  }
  /** One element of a non-empty array. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  /** A 64-bit value biased toward boundary cases. */
  value64(): bigint {
    const r = this.int(8);
    if (r < 3) return this.pick(BOUNDARY_64);
    if (r < 5) return BigInt(this.int(64)) - 8n;
    return BigInt.asIntN(64, (BigInt(this.u32()) << 32n) | BigInt(this.u32()));
  }
}

/** Boundary values: 0, 1, -1, the minimum and maximum of 8/16/32/64-bit integers. */
export const BOUNDARY_64: readonly bigint[] = [
  0n, 1n, -1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fff_ffffn, -0x8000_0000n, 0xffff_ffffn, 0x1_0000_0000n,
  0x7fff_ffff_ffff_ffffn, -0x8000_0000_0000_0000n, 63n, 64n, 31n, 32n,
];

function defaultImpl(h: HelperDef): HelperDef {
  if (h.impl !== undefined) return h;
  let k = 0n;
  for (const c of h.name) k = (k * 31n + BigInt(c.charCodeAt(0))) & 0xffffn;
  return {
    ...h,
    impl: (_env, args) => {
      let v = k;
      for (const a of args) v = v * 0x9e3779b1n + a;
      return h.ret === "void" ? undefined : h.ret === "i32" ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
    },
  };
}

/** Give every helper without an implementation a deterministic pure one. */
export function withDefaultHelpers(f: IrFunc): void {
  f.helpers.forEach((h, i) => {
    f.helpers[i] = defaultImpl(h);
  });
}

/** Initial machine: random CPU state and memory. */
export function randomMachine(rng: Rng): { state: Uint8Array; mem: Uint8Array } {
  const state = new Uint8Array(STATE_SIZE);
  const view = new DataView(state.buffer);
  for (let off = 0; off < STATE_SIZE; off += 8) view.setBigInt64(off, rng.value64(), true);
  const mem = new Uint8Array(MEM_SIZE);
  for (let i = 0; i < MEM_SIZE; i++) mem[i] = rng.int(256);
  return { state, mem };
}

/** Run `f` on copies of a machine (`chained`: every goto_tb slot is chained); returns the exit and the final machine. */
export function run(
  f: IrFunc,
  m: { state: Uint8Array; mem: Uint8Array },
  chained = false,
): { exit: InterpExit; state: Uint8Array; mem: Uint8Array } {
  const state = m.state.slice();
  const mem = m.mem.slice();
  const env = { state: new DataView(state.buffer), memory: new FlatGuestMemory(MEM_BASE, mem), chained: () => chained };
  const exit = referenceInterpret(f, env);
  return { exit, state, mem };
}

/** Assert that `a` and `b` behave the same on `seeds` random machines. */
export function sameBehaviour(a: IrFunc, b: IrFunc, opts: { seeds: number; note: string; firstSeed?: number }): void {
  withDefaultHelpers(a);
  withDefaultHelpers(b);
  for (let s = 0; s < opts.seeds; s++) {
    const seed = (opts.firstSeed ?? 1) + s;
    const m = randomMachine(new Rng(seed));
    // Odd seeds take goto_tb's chained path (leave at the jump slot), even seeds fall through.
    const chained = seed % 2 === 1;
    const ra = run(a, m, chained);
    const rb = run(b, m, chained);
    expect(rb.exit, `${opts.note}: exit differs (seed ${seed})`).toEqual(ra.exit);
    expect(Buffer.from(rb.state).toString("hex"), `${opts.note}: CPU state differs (seed ${seed})`).toBe(Buffer.from(ra.state).toString("hex"));
    expect(Buffer.from(rb.mem).toString("hex"), `${opts.note}: memory differs (seed ${seed})`).toBe(Buffer.from(ra.mem).toString("hex"));
  }
}
