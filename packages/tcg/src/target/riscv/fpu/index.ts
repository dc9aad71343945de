// Public surface of the RISC-V floating-point library (re-exported by the package entry).

export { type RoundingMode, RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM, FFLAG_NV, FFLAG_DZ, FFLAG_OF, FFLAG_UF, FFLAG_NX, FpStatus, isRoundingMode } from "./status.js";
export {
  F32_CANONICAL_NAN, F64_CANONICAL_NAN, f64FromBits, f64ToBits, f32FromBits, f32ToBits,
  f32IsNaN, f32IsSignalingNaN, f64IsNaN, f64IsSignalingNaN,
} from "./bits.js";
export { f32Add, f32Sub, f32Mul, f32Div, f32Sqrt, f32MulAdd, f32Madd, f32Msub, f32Nmsub, f32Nmadd, roundF64ToF32 } from "./f32.js";
export { f64Add, f64Sub, f64Mul, f64Div, f64Sqrt, f64MulAdd, f64Madd, f64Msub, f64Nmsub, f64Nmadd } from "./f64.js";
export {
  f32Min, f32Max, f64Min, f64Max, f32Eq, f32Lt, f32Le, f64Eq, f64Lt, f64Le, f32Class, f64Class,
  f32Sgnj, f32Sgnjn, f32Sgnjx, f64Sgnj, f64Sgnjn, f64Sgnjx,
} from "./compare.js";
export {
  f32ToF64, f64ToF32, f32ToI32, f32ToU32, f32ToI64, f32ToU64, f64ToI32, f64ToU32, f64ToI64, f64ToU64,
  i32ToF32, u32ToF32, i64ToF32, u64ToF32, i32ToF64, u32ToF64, i64ToF64, u64ToF64,
} from "./convert.js";
export { nanBox, nanUnbox, nanUnboxWords, fmvXW, fmvWX } from "./nanbox.js";
export {
  type FloatFormat, BINARY32, BINARY64, EXACT_PATH_STATS, roundPack, exactAdd, exactSub, exactMul, exactDiv, exactSqrt, exactMulAdd,
  exactConvert, exactFromInt, exactToInt,
} from "./exact.js";
export { type FpOp, type FpOperands, fpOp } from "./fp-op.js";
export { FP_OPS, execFpOp } from "./riscv-ops.js";
