/**
 * RV64F: single-precision floating point (NaN-boxed in the 64-bit f registers).
 *
 * @module
 */
import { genFmvFromX, genFmvToX, genFpHelper, genFpLoad, genFpStore } from "./fp-common.js";
import type { TransTable } from "./types.js";

/** RV64F translators. */
export const RVF_TRANS = {
  flw: (ctx, a) => genFpLoad(ctx, a, 32),
  fsw: (ctx, a) => genFpStore(ctx, a, 32),
  "fmadd.s": genFpHelper,
  "fmsub.s": genFpHelper,
  "fnmsub.s": genFpHelper,
  "fnmadd.s": genFpHelper,
  "fadd.s": genFpHelper,
  "fsub.s": genFpHelper,
  "fmul.s": genFpHelper,
  "fdiv.s": genFpHelper,
  "fsqrt.s": genFpHelper,
  "fsgnj.s": genFpHelper,
  "fsgnjn.s": genFpHelper,
  "fsgnjx.s": genFpHelper,
  "fmin.s": genFpHelper,
  "fmax.s": genFpHelper,
  "feq.s": genFpHelper,
  "flt.s": genFpHelper,
  "fle.s": genFpHelper,
  "fclass.s": genFpHelper,
  "fcvt.w.s": genFpHelper,
  "fcvt.wu.s": genFpHelper,
  "fcvt.l.s": genFpHelper,
  "fcvt.lu.s": genFpHelper,
  "fcvt.s.w": genFpHelper,
  "fcvt.s.wu": genFpHelper,
  "fcvt.s.l": genFpHelper,
  "fcvt.s.lu": genFpHelper,
  "fmv.x.w": (ctx, a) => genFmvToX(ctx, a, 32),
  "fmv.w.x": (ctx, a) => genFmvFromX(ctx, a, 32),
} satisfies TransTable;
