// Public API of @wasmu/tcg: an explicit export list. Add only your own lines.

// ---- TCG IR (src/ir)
export { type IrType, IR_TYPES, typeBits, canon, unsigned, typeMask, isIrType } from "./ir/types.js";
export { type Cond, CONDS, condCode, condFromCode, invertCond, swapCond, isUnsignedCond, evalCond } from "./ir/cond.js";
export { type MemSize, type MemOpFields, memop, memopAligned, memopFields, memopBytes, formatMemop, parseMemop } from "./ir/memop.js";
export { type TempKind, type GlobalDef, Temp } from "./ir/temp.js";
export {
  type HelperDef, type HelperImpl, type HelperEnv,
  HELPER_NO_READ_GLOBALS, HELPER_NO_WRITE_GLOBALS, HELPER_NO_SIDE_EFFECTS, HELPER_NO_RETURN,
} from "./ir/helper.js";
export {
  type OpDef, type OpName, type OpTypes, type OperandType, type ConstKind, OP_TABLE, OPS, isOpName,
  BB_END, BB_EXIT, NO_FALLTHROUGH, COND_BRANCH, SIDE_EFFECTS, CALL, CAN_FAULT, VARIADIC,
  MB_LD_LD, MB_ST_LD, MB_LD_ST, MB_ST_ST, MB_ALL, MB_SC, MB_ACQ, MB_REL,
} from "./ir/opcodes.js";
export { Op, mnemonic } from "./ir/op.js";
export { IrFunc, Label } from "./ir/func.js";
export { IrBuilder, type Val } from "./ir/builder.js";
export { evalValueOp, VALUE_OPS } from "./ir/eval.js";
export { printIr, parseIr, IrParseError, type PrintOptions, type ParseOptions } from "./ir/text.js";
export { verifyIr, assertValidIr, type VerifyError } from "./ir/verify.js";
export { interpretIr, FlatGuestMemory, type GuestMemoryModel, type InterpExit, type InterpEnv } from "./ir/interp.js";

// ---- Optimizer (src/opt)
export { optimize, runPasses, PASSES, isPassName, type PassName } from "./opt/optimize.js";
export { simplify, SIMPLIFY_RULES } from "./opt/simplify.js";
export { eliminateDeadCode } from "./opt/dce.js";
export { removeUnreachable } from "./opt/unreachable.js";
