/**
 * What the execution loop needs from a guest target: the front end that turns guest code
 * into IR, the CPU-state layout facts the loop touches (pc, TB flags), and the helpers its
 * IR calls. The loop itself knows nothing else about the guest.
 *
 * @module
 */
import type { HelperDef } from "../ir/helper.js";
import type { IrFunc } from "../ir/func.js";
import type { GlobalDef } from "../ir/temp.js";
import type { WasmHelperImpl } from "./helper-imports.js";

/** Guest code as the front end reads it (guest-virtual = guest-physical here). */
export interface GuestCodeReader {
  /** The `bytes` bytes at `addr` as an unsigned little-endian number, or undefined if not mapped. */
  read(addr: bigint, bytes: 1 | 2 | 4): number | undefined;
}

/** A request to translate one TB. */
export interface TranslateRequest {
  /** Guest pc of the first instruction. */
  readonly pc: bigint;
  /** The TB flags (from {@link Translator.tbFlags}); part of the TB key. */
  readonly flags: number;
  /** Compile flags; part of the TB key. Low bits {@link CF_COUNT_MASK}: instruction limit (0 = none). */
  readonly cflags: number;
  /** Guest code. */
  readonly code: GuestCodeReader;
}

/** A translated TB. */
export interface TranslatedTb {
  /** Its IR (built over {@link Translator.globals}; not yet optimized). */
  readonly func: IrFunc;
  /** Guest bytes covered, from `pc` (for page lists and invalidation). */
  readonly size: number;
  /** Guest instructions. */
  readonly icount: number;
  /**
   * Guest pcs likely to run soon, when known statically: where its goto_tb exits lead and
   * the return point of a call. The loop may translate them into the same module
   * (batching) before they are first executed.
   */
  readonly successors?: readonly bigint[];
}

/** cflags: the low bits limit the instruction count of a TB (0 = the target's default). */
export const CF_COUNT_MASK = 0x1ff;
/**
 * cflags: never chain this TB's exits (QEMU's CF_NO_GOTO_TB; `-d nochain`, exec, cpu): the
 * loop does not link its jumps and the inline lookup_and_goto_ptr probe, which only accepts
 * cflags 0, falls back to the loop, so every TB entry goes through the loop.
 */
export const CF_NO_GOTO_TB = 0x200;

/** The guest target, as the execution loop sees it. */
export interface Translator {
  /** CPU-state fields used as IR globals (the same array for every TB). */
  readonly globals: readonly GlobalDef[];
  /** Every helper the IR may call (imported by every module of translated code). */
  readonly helpers: readonly HelperDef[];
  /** Helper implementations taking wasm values directly (faster than the bigint `impl`), by name. */
  readonly directHelpers?: Readonly<Record<string, WasmHelperImpl>>;
  /** Bytes of the CPU state. */
  readonly stateSize: number;
  /**
   * `exit_tb` codes (2..7) that end `cpuExec` with `{ kind: "exit_tb", code }` (e.g.
   * "an exception was recorded", "wfi"); other codes return to the loop, which continues
   * at the pc in the state without chaining.
   */
  readonly loopExitCodes?: readonly number[];
  /**
   * Offset of the guest pc (a little-endian u64) in the CPU state, if it is one field:
   * lets generated code probe the jump cache for lookup_and_goto_ptr inline and the
   * runtime read the pc without a BigInt.
   */
  readonly pcOffset?: number;
  /** The guest pc in a CPU state. */
  getPc(state: DataView): bigint;
  /** Sets the guest pc. */
  setPc(state: DataView, pc: bigint): void;
  /** The TB flags for the current CPU state (privilege, FP state, ...: what selects a translation). */
  tbFlags(state: DataView): number;
  /**
   * Translates the TB at `req.pc`; undefined if its first instruction cannot be fetched
   * (the loop reports a fetch fault). A TB whose later instructions cannot be fetched
   * just ends before them.
   */
  translate(req: TranslateRequest): TranslatedTb | undefined;
}
