/**
 * The contract between generated TB code and the execution loop (src/exec): the TB
 * function's signature, the exit codes it returns, the per-vCPU control block it writes
 * exit details into, and the names of the runtime imports.
 *
 * A vCPU block in the shared WebAssembly.Memory:
 *
 * | bytes from `env`          | content |
 * |---------------------------|---------|
 * | 0 .. {@link CTRL_BYTES}   | control block (below), owned by src/exec |
 * | {@link CTRL_BYTES} ..     | the target's CPU state; IR globals and `ld`/`st` offsets are relative to it |
 *
 * Control block (little-endian):
 *
 * | offset | field | written by |
 * |--------|-------|------------|
 * | 0  | i32 EXIT_REQ_PTR: address of this vCPU's exit_request word (TB arena) | exec, once |
 * | 4  | i32 FAULT_INFO: {@link FAULT_STORE} / {@link FAULT_MISALIGNED} / {@link FAULT_ATOMIC} bits, the access size in bytes << {@link FAULT_SIZE_SHIFT} | code or rt.notdirty, on a fault exit |
 * | 8  | i64 FAULT_ADDR: the guest address of a faulting access | code, on a fault exit |
 * | 16 | i64 EXIT_PC: the guest pc (last insn_start) of a fault, noreturn-helper or SMC exit | code |
 * | 24 | i32 TB_FLAGS: the TB flags the loop computed last (inline lookup_and_goto_ptr) | exec, per loop iteration |
 * | 28 | i32 JMP_CACHE_PTR: address of this vCPU's jump cache (inline lookup_and_goto_ptr) | exec, once |
 * | 32 | i32 TLB_PTR: address of the soft TLB generated code probes (system mode: the current MMU index's) | the system CPU, per loop iteration |
 * | 36 | i32 SLOW_STATUS: the exit kind a soft-TLB slow path asks for (0: none) | rt.tlbLoad / rt.tlbStore |
 *
 * The TB function is `(env: i32, self: i32) -> i32`: `env` is the vCPU block, `self` the
 * TB's descriptor index (also its index in the worker's funcref table, where the loop
 * stores the module's export {@link tbExportName}(tb)). It returns
 * `(tb << EXIT_KIND_BITS) | kind` where `tb` is the TB that exited (after chained hops,
 * not necessarily the one the loop called).
 *
 * @module
 */

/** Bytes of the control block in front of the CPU state. */
export const CTRL_BYTES = 64;
/** Control block: i32 address of the vCPU's exit_request word. */
export const CTRL_EXIT_REQ_PTR = 0;
/** Control block: i32 fault details (FAULT_* bits). */
export const CTRL_FAULT_INFO = 4;
/** Control block: i64 faulting guest address. */
export const CTRL_FAULT_ADDR = 8;
/** Control block: i64 guest pc of the instruction that exited (fault, noreturn helper, SMC). */
export const CTRL_EXIT_PC = 16;
/** Control block: i32 TB flags of the current CPU state (written by the loop). */
export const CTRL_TB_FLAGS = 24;
/** Control block: i32 address of this vCPU's jump cache. */
export const CTRL_JMP_CACHE_PTR = 28;

/** Control block: i32 address of the soft TLB of the current MMU index (system mode, soft-tlb.ts). */
export const CTRL_TLB_PTR = 32;
/** Control block: i32 exit kind requested by a soft-TLB slow path (0: continue). */
export const CTRL_SLOW_STATUS = 36;

/** FAULT_INFO bit: the access was a store. */
export const FAULT_STORE = 1;
/** FAULT_INFO bit: the access was misaligned (else: out of the guest window). */
export const FAULT_MISALIGNED = 2;
/** FAULT_INFO bit: the access was an atomic read-modify-write. */
export const FAULT_ATOMIC = 4;
/** FAULT_INFO: the access size in bytes is in the bits from here (the loop finds the page that refused it). */
export const FAULT_SIZE_SHIFT = 8;

/** Bits of the exit code that hold the kind; the TB index is above them. */
export const EXIT_KIND_BITS = 4;
/** Mask of the kind in an exit code. */
export const EXIT_KIND_MASK = (1 << EXIT_KIND_BITS) - 1;

/**
 * Exit kinds. 0..7 are the IR's `exit_tb` codes (0 and 1: "goto_tb slot n was not
 * chained", the loop may chain it; 2..7: return to the loop without chaining).
 */
export const ExitKind = {
  /** exit_tb 0: slot 0 was not chained. */
  SLOT0: 0,
  /** exit_tb 1: slot 1 was not chained. */
  SLOT1: 1,
  /** Highest exit_tb code that fits in an exit code. */
  MAX_EXIT_TB: 7,
  /** The exit_request word was set at the TB's entry; nothing of the TB ran. */
  EXIT_REQUEST: 8,
  /** A guest memory access faulted; details in the control block, state as before the instruction. */
  FAULT: 9,
  /** A noreturn helper returned (ecall, ebreak, illegal instruction...); EXIT_PC is its instruction. */
  HELPER: 10,
  /** lookup_and_goto_ptr found no TB for the pc in the CPU state. */
  LOOKUP_MISS: 11,
  /** Control fell off the end of the op list (IR without a final exit; tests). */
  END: 12,
  /** A store hit the code of the running TB: state as before the instruction, EXIT_PC is its pc. */
  SMC: 13,
  /** The table slot held no translated code yet (a stub): load the TB's module and retry. */
  NOT_LOADED: 14,
} as const;

/** Module name of the runtime imports (memory, table, runtime functions). */
export const IMPORT_MODULE = "rt";
/** Module name of the helper functions (one per HelperDef, by name) the runtime table is filled from. */
export const HELPER_MODULE = "helpers";
/**
 * TB modules import every helper with one uniform type, `(env: i32, a0..a5: i64) -> i64`
 * (i32 arguments zero-extended, missing ones 0, an i32 result sign-extended, void as 0);
 * the per-worker helper trampolines (src/exec/helper-trampolines.ts) convert to each
 * helper's own type. Why: V8 11 spends ~40 µs per distinct function type when it compiles
 * a module, and the RISC-V target's helpers have 9 types; every TB module is unique code.
 */
export const HELPER_ABI_ARGS = 6;
/** Import names in {@link IMPORT_MODULE}. */
export const RtImport = {
  memory: "memory",
  table: "tbs",
  /**
   * The runtime table TB modules import: a small funcref table whose {@link RtSlot}s hold
   * the dispatcher, `lookup`, `notdirty` and the helpers; generated code reaches them
   * with `call_indirect` / `return_call_indirect` of a constant slot. TB modules import no
   * function: in V8 11 a module with even one function import costs ~80 µs more to
   * compile (110 vs 26 µs for a small module, single-threaded), and every TB module is
   * unique code; importing a table of 80 entries costs nothing measurable.
   */
  fns: "fns",
  /** `(env, self) -> tb + 1 | 0`: the TB for the pc in the CPU state (lookup_and_goto_ptr). */
  lookup: "lookup",
  /**
   * `(env, self, waddr, info) -> i32`: the store-side slow path, taken when a page that a
   * store or atomic of FAULT_INFO `info` (size included) at window offset `waddr` touches
   * has NO_WRITE or CODE in the page access table (tb/page-access.ts). Returns the exit
   * kind to leave the TB with, or 0 to do the store: {@link ExitKind.FAULT} (the page
   * refuses the access; FAULT_INFO and FAULT_ADDR written), {@link ExitKind.SMC} (the store
   * invalidated the running TB), 0 (no permission problem, other TBs invalidated).
   */
  notdirty: "notdirty",
  /**
   * Soft-TLB slow path of loads and atomics (system mode, soft-tlb.ts), in the uniform
   * helper type: `(env, self, addr, info, 0, 0, 0) -> wasm address` of the bytes to access
   * (guest RAM or ROM after filling the TLB entry; for an MMIO load, the vCPU's scratch
   * slot holding the value the device returned), or 0: leave the TB with the exit kind in
   * SLOW_STATUS (an exception recorded in the CPU state, or SMC). EXIT_PC is stored first.
   */
  tlbLoad: "tlb_load",
  /**
   * Soft-TLB slow path of stores: `(env, self, addr, value, info, 0, 0) -> exit kind`
   * (uniform helper type), 0 when the slow path did the store (RAM with the notdirty
   * invalidation of code pages, or MMIO).
   */
  tlbStore: "tlb_store",
  /**
   * `(env, tb) -> i32`: the worker's dispatcher, `return_call_indirect` through its TB
   * table. TB modules tail-call it to chain instead of importing the table themselves: in
   * V8 11 (Node 20) every instance that imports a table copies it (~15 ns per entry, 1 ms
   * per instantiation at 65536 entries), while the dispatcher costs ~10 ns more per hop.
   */
  chain: "chain",
} as const;

/** Slots of the runtime table ({@link RtImport.fns}); the helpers follow in the target's order. */
export const RtSlot = {
  /** {@link RtImport.chain}, type `(env, tb) -> i32`. */
  chain: 0,
  /** {@link RtImport.lookup}, type `(env, self) -> i32`. */
  lookup: 1,
  /** {@link RtImport.notdirty}, type `(env, self, waddr, info) -> i32` (`info`: FAULT_INFO bits with the size; returns an exit kind or 0). */
  notdirty: 2,
  /** {@link RtImport.tlbLoad}, uniform helper type. */
  tlbLoad: 3,
  /** {@link RtImport.tlbStore}, uniform helper type. */
  tlbStore: 4,
  /** Helper `i` of the target's list is at `helpers + i`, with the uniform helper type. */
  helpers: 5,
} as const;

/** The exit code `(tb << EXIT_KIND_BITS) | kind`. */
export function exitCode(tb: number, kind: number): number {
  return (tb << EXIT_KIND_BITS) | kind;
}

/** The kind of an exit code. */
export function exitKind(code: number): number {
  return code & EXIT_KIND_MASK;
}

/** The TB of an exit code. */
export function exitTb(code: number): number {
  return code >>> EXIT_KIND_BITS;
}

/** The export name of TB `tb`'s function in its module. */
export function tbExportName(tb: number): string {
  return `tb${tb}`;
}
