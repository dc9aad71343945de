import { describe, expect, it } from "vitest";
import { helperTrampolines } from "../src/exec/helper-trampolines.js";
import type { HelperDef } from "../src/ir/helper.js";

const defs: HelperDef[] = [
  { name: "add64", ret: "i64", args: ["i64", "i64"], flags: 0 },
  { name: "mix", ret: "i32", args: ["i32", "i64"], flags: 0 },
  { name: "note", ret: "void", args: ["i32"], flags: 0 },
  { name: "boom", ret: "void", args: [], flags: 0 },
];

describe("helper trampolines", () => {
  it("forward every argument (env first) and the result, for i32, i64 and void helpers", () => {
    const seen: unknown[][] = [];
    const t = helperTrampolines(defs, {
      add64: (env: number, a: bigint, b: bigint) => (seen.push([env, a, b]), a + b),
      mix: (env: number, a: number, b: bigint) => (seen.push([env, a, b]), a ^ Number(b & 0xffffn)),
      note: (env: number, a: number) => void seen.push([env, a]),
      boom: () => {
        throw new Error("helper raised");
      },
    }) as Record<string, (...a: unknown[]) => unknown>;
    expect(Object.keys(t).sort()).toEqual(["add64", "boom", "mix", "note"]);
    // The uniform ABI: (env, six i64 arguments) -> i64; i32 arguments arrive wrapped,
    // an i32 result comes back sign-extended, a void one as 0.
    expect(t.add64!(7, 0x7fff_ffff_ffff_fff0n, 0xfn, 0n, 0n, 0n, 0n)).toBe(0x7fff_ffff_ffff_ffffn);
    expect(t.add64!(7, -1n, -1n, 0n, 0n, 0n, 0n)).toBe(-2n);
    expect(t.mix!(8, 0x1_0000_0055n, 0x1_0000_00ffn, 0n, 0n, 0n, 0n)).toBe(BigInt(0x55 ^ 0xff));
    expect(t.mix!(8, 0xffff_ff00n, 0n, 0n, 0n, 0n, 0n)).toBe(-256n);
    expect(t.note!(9, 0xffff_fffdn, 0n, 0n, 0n, 0n, 0n)).toBe(0n);
    expect(seen).toEqual([[7, 0x7fff_ffff_ffff_fff0n, 0xfn], [7, -1n, -1n], [8, 0x55, 0x1_0000_00ffn], [8, -256, 0n], [9, -3]]);
    // A helper that throws (a noreturn exit) unwinds through the trampoline.
    expect(() => t.boom!(0, 0n, 0n, 0n, 0n, 0n, 0n)).toThrow("helper raised");
  });
  it("makes no module for a target without helpers", () => {
    expect(helperTrampolines([], {})).toEqual({});
  });
});
