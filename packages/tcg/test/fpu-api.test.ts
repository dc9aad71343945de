// The typed FPU API: value representation (uint32 numbers for binary32, uint64 bigints for
// binary64), flag accrual, integer result conventions and the NaN-boxing helpers.

import { describe, expect, it } from "vitest";
import {
  F32_CANONICAL_NAN, F64_CANONICAL_NAN, FFLAG_NV, FFLAG_NX, FP_OPS, FpStatus, RM_RDN, RM_RNE, RM_RTZ, RM_RUP,
  f32Add, f32Class, f32Madd, f32Nmadd, f32Sub, f32ToI64, f32ToU32, f64Add, f64FromBits, f64Madd, f64Nmsub, f64ToBits,
  f64ToI32, f64ToU32, f64ToU64, fmvWX, fmvXW, i32ToF64, isRoundingMode, nanBox, nanUnbox, nanUnboxWords, roundF64ToF32,
  u64ToF64,
} from "../src/index.js";

describe("FPU API", () => {
  it("binary32 values are uint32 numbers in and out; int32 bit patterns are accepted", () => {
    const st = new FpStatus();
    expect(f32Add(0x3f800000, 0x3f800000, RM_RNE, st)).toBe(0x40000000);
    expect(f32Sub(0x3f800000, 0x40000000, RM_RNE, st)).toBe(0xbf800000);
    expect(f32Add(0xbf800000 | 0, 0xbf800000 | 0, RM_RNE, st)).toBe(0xc0000000);
    expect(f32Class(0xff800000 | 0)).toBe(1);
    expect(f32Sub(0, 0x80000000 | 0, RM_RDN, st)).toBe(0); // +0 - -0 = +0 even rounding down
    expect(f32Sub(0, 0x80000000, RM_RDN, st)).toBe(0);
    expect(st.flags).toBe(0);
  });

  it("binary64 values are uint64 bigints", () => {
    const st = new FpStatus();
    const r = f64Add(f64ToBits(1.5), f64ToBits(-4), RM_RNE, st);
    expect(r).toBe(0xc004000000000000n);
    expect(f64FromBits(r)).toBe(-2.5);
  });

  it("flags accrue across operations and are never cleared", () => {
    const st = new FpStatus();
    f64Add(f64ToBits(1), f64ToBits(2 ** -60), RM_RNE, st);
    expect(st.flags).toBe(FFLAG_NX);
    f64Add(0x7ff0000000000001n, f64ToBits(1), RM_RNE, st);
    expect(st.flags).toBe(FFLAG_NX | FFLAG_NV);
    f64Add(f64ToBits(1), f64ToBits(1), RM_RNE, st);
    expect(st.flags).toBe(FFLAG_NX | FFLAG_NV);
  });

  it("32-bit integer results are int32 numbers (sign-extended like RV64), 64-bit ones bigints", () => {
    const st = new FpStatus();
    expect(f64ToU32(f64ToBits(4294967295), RM_RNE, st)).toBe(-1);
    expect(f64ToI32(f64ToBits(-7.5), RM_RTZ, st)).toBe(-7);
    expect(f32ToU32(0x4f000000, RM_RNE, st)).toBe(-2147483648); // 2^31 as uint32, sign-extended
    expect(f32ToI64(0xdf000000, RM_RNE, st)).toBe(-(2n ** 63n));
    expect(f64ToU64(f64ToBits(2 ** 63), RM_RNE, st)).toBe(2n ** 63n);
    expect(i32ToF64(-1)).toBe(f64ToBits(-1));
    expect(u64ToF64(-1n, RM_RUP, st)).toBe(f64ToBits(2 ** 64));
  });

  it("fused multiply-add wrappers round once", () => {
    const st = new FpStatus();
    // (1 + 2^-23)^2 - (1 + 2^-22) = 2^-46 exactly
    expect(f32Madd(0x3f800001, 0x3f800001, 0xbf800002, RM_RNE, st)).toBe(0x28800000);
    expect(f32Nmadd(0x3f800000, 0x3f800000, 0x3f800000, RM_RNE, st)).toBe(0xc0000000);
    const a = f64ToBits(1 + 2 ** -26);
    expect(f64Madd(a, a, f64ToBits(-(1 + 2 ** -25)), RM_RNE, st)).toBe(f64ToBits(2 ** -52));
    expect(f64Nmsub(f64ToBits(2), f64ToBits(3), f64ToBits(1), RM_RDN, st)).toBe(f64ToBits(-5));
    expect(st.flags).toBe(0);
  });

  it("roundF64ToF32 rounds a double plus an error sign in every mode", () => {
    const st = new FpStatus();
    const x = 1 + 2 ** -24; // halfway between 1 and 1 + 2^-23
    expect(roundF64ToF32(x, 0, RM_RNE, st)).toBe(0x3f800000);
    expect(roundF64ToF32(x, 1, RM_RNE, st)).toBe(0x3f800001);
    expect(roundF64ToF32(x, -1, RM_RUP, st)).toBe(0x3f800001);
    expect(roundF64ToF32(1, -1, RM_RTZ, st)).toBe(0x3f7fffff);
  });

  it("NaN boxing", () => {
    expect(nanBox(0x3f800000)).toBe(0xffffffff3f800000n);
    expect(nanUnbox(0xffffffff3f800000n)).toBe(0x3f800000);
    expect(nanUnbox(0x000000003f800000n)).toBe(F32_CANONICAL_NAN);
    expect(nanUnbox(0xfffffffe3f800000n)).toBe(F32_CANONICAL_NAN);
    expect(nanUnboxWords(-1, 0xbf800000 | 0)).toBe(0xbf800000);
    expect(nanUnboxWords(0xffffffff, 1)).toBe(1);
    expect(nanUnboxWords(0, 1)).toBe(F32_CANONICAL_NAN);
    expect(fmvXW(0x00000000bf800000n)).toBe(0xbf800000 | 0);
    expect(fmvWX(0x80000000)).toBe(0xffffffff80000000n);
    expect(F64_CANONICAL_NAN).toBe(0x7ff8000000000000n);
  });

  it("rounding modes: 0..4 valid, 5..7 (reserved, dyn) are not", () => {
    expect([0, 1, 2, 3, 4].every(isRoundingMode)).toBe(true);
    expect([5, 6, 7, -1, 1.5].some(isRoundingMode)).toBe(false);
  });

  it("the instruction table covers all 58 RV64 F/D computational instructions", () => {
    expect(FP_OPS.size).toBe(58);
    const fma = FP_OPS.get("fnmadd.d")!;
    expect([fma.operands, fma.result, fma.usesRm]).toEqual(["fff", "f", true]);
    expect(FP_OPS.get("fclass.s")!.result).toBe("x");
  });
});
