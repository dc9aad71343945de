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
export { referenceInterpret, FlatGuestMemory, type GuestMemoryModel, type InterpExit, type InterpEnv } from "./ir/interp.js";

// ---- WebAssembly module builder (src/backend/wasm)
export { LEB_MAX_BYTES_32, LEB_MAX_BYTES_64, writeULeb32, writeULeb32Padded, writeSLeb32, writeSLeb64, writeSLeb64Halves, uLeb32Size, readULeb32, readSLeb32, readSLeb64, type LebRead } from "./backend/wasm/leb.js";
export {
  ValType as WasmValType, BLOCK_EMPTY as WASM_BLOCK_EMPTY, SectionId as WasmSectionId, ExternalKind as WasmExternalKind,
  Op as WasmOp, MiscOp as WasmMiscOp, AtomicOp as WasmAtomicOp, AtomicRmw as WasmAtomicRmw, AtomicWidth as WasmAtomicWidth,
} from "./backend/wasm/opcodes.js";
export { ByteWriter } from "./backend/wasm/byte-writer.js";
export { FunctionBuilder, WasmLocal, type BlockType as WasmBlockType } from "./backend/wasm/function-builder.js";
export { ModuleBuilder, type SharedMemoryLimits, type MemoryLimits, type TableLimits, type FuncSig, type ElemOffset } from "./backend/wasm/module-builder.js";

// ---- Synchronisation over shared memory (src/sync)
export { LockClass, LockChecker, LockOrderError, type MemoryLockKind } from "./sync/lock-checker.js";
export { type SyncThread, type SyncThreadOptions, createSyncThread, MAX_THREAD_INDEX } from "./sync/sync-thread.js";
export { spinLock, spinTryLock, spinUnlock, spinOwner, SPIN_BEFORE_SLEEP, SPIN_SLEEP_MS } from "./sync/spinlock.js";
export { mutexLock, mutexTryLock, mutexUnlock, mutexOwner, mutexLockAsync, condWait, condBroadcast, condSignal, MUTEX_WAITERS, MUTEX_SPINS } from "./sync/mutex.js";
export { seqWriteBegin, seqWriteEnd, seqReadBegin, seqReadRetry } from "./sync/seqlock.js";

// ---- Translation-block machinery in shared memory (src/tb)
export { TB_WORDS, TbField, TB_STATE_ALLOCATED, TB_STATE_INVALID, NO_PAGE, encodeTbLink, linkTb, linkSlot, type TbInit, TbStore } from "./tb/tb-desc.js";
export { TbHashTable, tbHash, tbHashWords, BUCKET_ENTRIES, BUCKET_WORDS, QHT_FULL, QHT_INSERTED } from "./tb/tb-hash.js";
export { JmpCaches, jmpCacheHash } from "./tb/jmp-cache.js";
export { RegionAllocator, type TbAllocation } from "./tb/region.js";
export { PageTable, PAGE_WORDS, SMC_BITMAP_USE_THRESHOLD } from "./tb/page-desc.js";
export {
  PageAccessTable, ACCESS_NO_READ, ACCESS_NO_WRITE, ACCESS_NO_EXEC, ACCESS_UNMAPPED, ACCESS_CODE, ACCESS_PROT_MASK, ACCESS_UNMAPPED_PAGE,
  accessDenyMask, type AccessKind, type AccessDenial,
} from "./tb/page-access.js";
export { PageCollection } from "./tb/page-collection.js";
export { ExclusiveState } from "./tb/exclusive.js";
export { type TbParams, type TbLayout, type TbShared, TbHeader, TbContext, tbLayout, tbArenaBytes, createTbShared, attachTbContext } from "./tb/tb-context.js";
export { copyTbArena, resetTbArena } from "./tb/arena-copy.js";
export { jmpLock, jmpUnlock, tbAddJump, tbJmpTarget, tbRemoveFromJmpList, tbJmpUnlink, tbIncomingJumps } from "./tb/tb-jmp.js";
export {
  TB_BUFFER_FULL, type TbCreated, tbLookup, tbLinkPage, tbCreate, tbPhysInvalidateLocked, tbPhysInvalidate,
  tbInvalidatePhysPageRangeLocked, tbInvalidatePhysRange, tbInvalidatePhysPageFast, doTbFlush, tbFlush, tbFind,
} from "./tb/tb-maint.js";

// ---- Optimizer (src/opt)
export { optimize, runPasses, PASSES, isPassName, type PassName, type OptimizeOptions } from "./opt/optimize.js";
export { optimizeTb, type TbOptLevel } from "./opt/optimize.js";
export { simplify, SIMPLIFY_RULES } from "./opt/simplify.js";
export { eliminateDeadCode } from "./opt/dce.js";
export { removeUnreachable } from "./opt/unreachable.js";
export { coalesceCopies } from "./opt/coalesce.js";

// ---- RISC-V floating point, bit-exact with QEMU (src/target/riscv/fpu)
export {
  type RoundingMode, RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM, FFLAG_NV, FFLAG_DZ, FFLAG_OF, FFLAG_UF, FFLAG_NX, FpStatus, isRoundingMode,
  F32_CANONICAL_NAN, F64_CANONICAL_NAN, f64FromBits, f64ToBits, f32FromBits, f32ToBits, f32IsNaN, f32IsSignalingNaN, f64IsNaN, f64IsSignalingNaN,
  f32Add, f32Sub, f32Mul, f32Div, f32Sqrt, f32MulAdd, f32Madd, f32Msub, f32Nmsub, f32Nmadd, roundF64ToF32,
  f64Add, f64Sub, f64Mul, f64Div, f64Sqrt, f64MulAdd, f64Madd, f64Msub, f64Nmsub, f64Nmadd,
  f32Min, f32Max, f64Min, f64Max, f32Eq, f32Lt, f32Le, f64Eq, f64Lt, f64Le, f32Class, f64Class,
  f32Sgnj, f32Sgnjn, f32Sgnjx, f64Sgnj, f64Sgnjn, f64Sgnjx,
  f32ToF64, f64ToF32, f32ToI32, f32ToU32, f32ToI64, f32ToU64, f64ToI32, f64ToU32, f64ToI64, f64ToU64,
  i32ToF32, u32ToF32, i64ToF32, u64ToF32, i32ToF64, u32ToF64, i64ToF64, u64ToF64,
  nanBox, nanUnbox, nanUnboxWords, fmvXW, fmvWX,
  type FloatFormat, BINARY32, BINARY64, EXACT_PATH_STATS, roundPack, exactAdd, exactSub, exactMul, exactDiv, exactSqrt, exactMulAdd,
  exactConvert, exactFromInt, exactToInt,
  type FpOp, type FpOperands, fpOp, FP_OPS, execFpOp,
} from "./target/riscv/fpu/index.js";

// ---- RISC-V front end (src/target/riscv): CPU state layout
export {
  CPU_STATE_BYTES, CpuOffset, Csr, CSR_SLOTS, Priv, Cause, RISCV_EXIT_NOCHAIN, RISCV_EXIT_EXCEPTION, RISCV_EXIT_WFI,
  RISCV_GLOBALS, GLOBAL_PC, GLOBAL_RES_ADDR, GLOBAL_RES_VAL, GLOBAL_RES_VALID, RiscvCpuState, xOffset, fOffset, csrSlotOffset,
} from "./target/riscv/cpu-state.js";

// ---- RISC-V front end (src/target/riscv): translator
export { type RiscvTbFlags, encodeTbFlags, decodeTbFlags, USER_TB_FLAGS, TB_FLAG_FS_OFF, TB_FLAG_SYSTEM, TB_FLAG_FS_DIRTY } from "./target/riscv/tb-flags.js";
export { type RiscvHelpers, type RiscvHelperHooks, createRiscvHelpers, recordException, CsrOp } from "./target/riscv/helpers.js";
export { DisasContext, type DisasJump } from "./target/riscv/disas-context.js";
export { RISCV_TRANS, type TransFn } from "./target/riscv/trans/index.js";
export {
  type RiscvTranslator, type TranslatedBlock, type FetchParcel, createRiscvTranslator, translateBlock, MAX_TB_INSNS, GUEST_PAGE_SIZE,
} from "./target/riscv/translate.js";
export { type RiscvTargetOptions, createRiscvTarget, riscvHelperList } from "./target/riscv/target.js";
export { riscvLogFormat } from "./target/riscv/log-format.js";

// ---- RISC-V system mode (src/target/riscv/system, src/target/riscv/priv)
export {
  type BusSize, type PhysBus, type PhysLayout, type HartPlatform, type RiscvSystemTarget, createRiscvSystemTarget, RiscvHart,
  RISCV_MMU_INDEXES, MMU_IDX_U, MMU_IDX_S, MMU_IDX_S_SUM, MMU_IDX_NOMMU,
} from "./target/riscv/system/hart.js";

// ---- WebAssembly back end: lowering IR to wasm (src/backend/wasm/lower*)
export {
  CTRL_BYTES, CTRL_EXIT_REQ_PTR, CTRL_FAULT_INFO, CTRL_FAULT_ADDR, CTRL_EXIT_PC, FAULT_STORE, FAULT_MISALIGNED, FAULT_ATOMIC, FAULT_SIZE_SHIFT,
  CTRL_TB_FLAGS, CTRL_JMP_CACHE_PTR, CTRL_TLB_PTR, CTRL_SLOW_STATUS, EXIT_KIND_BITS, EXIT_KIND_MASK, ExitKind, IMPORT_MODULE, HELPER_MODULE, RtImport, exitCode, exitKind, exitTb,
  tbExportName,
} from "./backend/wasm/lower-abi.js";
export { TbLowering, type GuestWindow, type PageAccessTableRef, type ProtectionCheck, type InlineLookup, type LowerConfig, type LowerImports } from "./backend/wasm/lower.js";
export { TbModuleBuilder, type TbModuleShape, type LoweredTb } from "./backend/wasm/lower-module.js";
export { type WasmInsn, type WasmImmKind, type WasmDisasmOptions, decodeBody, disassembleBody, wasmImportNames, watName } from "./backend/wasm/wasm-disasm.js";

// ---- Execution: the cpu-exec loop, worker runtime, bare-metal harness (src/exec)
export { type Translator, type TranslateRequest, type TranslatedTb, type GuestCodeReader, CF_COUNT_MASK, CF_NO_GOTO_TB } from "./exec/translator.js";
export {
  type ExecParams, type TierMode, type ExecShared, type ExecLayout, createExecShared, defaultRegionCount, DEFAULT_MAX_TBS, vcpuEnv, jmpCacheAddress, lowerConfigOf, VCPU_BASE, DEFAULT_TBS_PER_MODULE,
  tlbAreaOffset, softTlbAddress, exitRequestAddress,
} from "./exec/exec-shared.js";
export { SoftTlb, dropWriteAll, tlbAreaBytes, TLB_ENTRY_BITS, TLB_ENTRIES, TLB_BYTES } from "./exec/soft-tlb.js";
export { type WasmHelperImpl, helperImports } from "./exec/helper-imports.js";
export { type ModuleRegistry, type RuntimeCpu, type SoftMmu, LocalModuleRegistry, ExecWorker, createDispatcher } from "./exec/worker-runtime.js";
export { type CpuExit, type ExecStats, type FaultReason, Vcpu, cpuExec } from "./exec/cpu-exec.js";
export { type BareMetalOptions, BareMetal } from "./exec/harness.js";
export {
  LogItem, LOG_ITEMS, LOG_AT_ENTRY, type LogItemInfo, type LogSink, type TargetLogFormat, type TcgLog, type LoggedTb, logItemsHelp, parseLogItems, logCflags,
  logTranslated, logOptimized, logModule, logTbEntry, formatStats, parseStats,
} from "./exec/log.js";
export { type WasmApi, type WasmModule, type WasmTable, type WasmMemory, type WasmInstance, wasmApi } from "./exec/wasm-api.js";
