/**
 * RV64D: double-precision floating point.
 *
 * @module
 */
import { genFmvFromX, genFmvToX, genFpHelper, genFpLoad, genFpStore, genFsgnjD } from "./fp-common.js";
import type { TransTable } from "./types.js";

/** RV64D translators. */
export const RVD_TRANS = {
  fld: (ctx, a) => genFpLoad(ctx, a, 64),
  fsd: (ctx, a) => genFpStore(ctx, a, 64),
  "fmadd.d": genFpHelper,
  "fmsub.d": genFpHelper,
  "fnmsub.d": genFpHelper,
  "fnmadd.d": genFpHelper,
  "fadd.d": genFpHelper,
  "fsub.d": genFpHelper,
  "fmul.d": genFpHelper,
  "fdiv.d": genFpHelper,
  "fsqrt.d": genFpHelper,
  "fsgnj.d": (ctx, a) => genFsgnjD(ctx, a, "j"),
  "fsgnjn.d": (ctx, a) => genFsgnjD(ctx, a, "n"),
  "fsgnjx.d": (ctx, a) => genFsgnjD(ctx, a, "x"),
  "fmin.d": genFpHelper,
  "fmax.d": genFpHelper,
  "fcvt.s.d": genFpHelper,
  "fcvt.d.s": genFpHelper,
  "feq.d": genFpHelper,
  "flt.d": genFpHelper,
  "fle.d": genFpHelper,
  "fclass.d": genFpHelper,
  "fcvt.w.d": genFpHelper,
  "fcvt.wu.d": genFpHelper,
  "fcvt.l.d": genFpHelper,
  "fcvt.lu.d": genFpHelper,
  "fcvt.d.w": genFpHelper,
  "fcvt.d.wu": genFpHelper,
  "fcvt.d.l": genFpHelper,
  "fcvt.d.lu": genFpHelper,
  "fmv.x.d": (ctx, a) => genFmvToX(ctx, a, 64),
  "fmv.d.x": (ctx, a) => genFmvFromX(ctx, a, 64),
} satisfies TransTable;
