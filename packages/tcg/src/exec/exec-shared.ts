/**
 * The process-wide execution environment: one shared WebAssembly.Memory holding the vCPU
 * blocks (control block + CPU state), the TB arena (descriptors, hash table, pages, jump
 * caches, regions, exclusive state, code buffer) and guest RAM. An {@link ExecShared}
 * is plain data plus the memory, so it can be posted to vCPU workers.
 *
 * Wasm memory layout (addresses):
 *
 * | from | what |
 * |------|------|
 * | 0 | unused (address 0 stays zero) |
 * | {@link VCPU_BASE} | vCPU blocks, `vcpuStride` bytes each: control block, CPU state, the interpreter's counters and frame |
 * | `arenaOffset` | the TB arena (src/tb) |
 * | `ramOffset` (64 KiB aligned) | guest RAM: guest address `ramBase + x` is at `ramOffset + x` |
 *
 * Guest-physical page numbers in the TB machinery are RAM offsets >> pageBits.
 *
 * With `pageProtection` (user mode), generated code checks guest accesses against the page
 * access table (tb/page-access.ts), which then starts with every page unmapped: the
 * embedder (linux-user's address space) opens what it maps. The memory then also extends
 * at least 2^(32 - pageBits) bytes past the table, because the load check reads the byte
 * of `wa >> pageBits` even for an address outside the window (lower-memory.ts).
 *
 * @module
 */
import type { TbOptLevel } from "../opt/optimize.js";
import { INTERP_AREA_BYTES, interpAreaOffset } from "../backend/wasm/interp-format.js";
import type { LowerConfig, PageAccessTableRef } from "../backend/wasm/lower.js";
import { createTbShared, tbArenaBytes, tbLayout, type TbParams, type TbShared } from "../tb/tb-context.js";
import { ACCESS_UNMAPPED_PAGE } from "../tb/page-access.js";
import { PageTable } from "../tb/page-desc.js";
import { ExclusiveState } from "../tb/exclusive.js";
import { TbField, TB_WORDS } from "../tb/tb-desc.js";
import { type WasmMemory, wasmApi } from "./wasm-api.js";
import { TLB_ENTRY_BITS, tlbAreaBytes } from "./soft-tlb.js";

/** Address of vCPU 0's block. */
export const VCPU_BASE = 1024;
const WASM_PAGE = 65536;

/** Parameters of an execution environment. */
export interface ExecParams {
  /** Guest address of the first RAM byte (a multiple of the guest page size). */
  readonly ramBase: bigint;
  /** RAM bytes (a multiple of the guest page size). */
  readonly ramSize: number;
  /** Bytes of the target's CPU state. */
  readonly stateSize: number;
  /** vCPUs. */
  readonly vcpus: number;
  /** TB arena sizing (guestPages and vcpus are derived). Defaults: {@link DEFAULT_MAX_TBS} TBs, {@link DEFAULT_CODE_BYTES} of code, 8 regions per vCPU ({@link defaultRegionCount}). */
  readonly tb?: Partial<Omit<TbParams, "vcpus" | "guestPages">>;
  /** Cache globals in wasm locals within a TB (default true; see the README's measurement). */
  readonly cacheGlobals?: boolean;
  /** Check guest stores against pages holding code, for self-modifying code (default true). */
  readonly codePageCheck?: boolean;
  /** Maximum TBs translated into one module (default {@link DEFAULT_TBS_PER_MODULE}). */
  readonly tbsPerModule?: number;
  /** How much of the optimizer runs on each translated TB (default `"copies"`; see {@link TbOptLevel}). */
  readonly tbOpt?: TbOptLevel;
  /**
   * Check guest loads, stores, atomics and instruction fetches against the page access
   * table's permissions (user mode; default false: every RAM byte is accessible). Every
   * page starts unmapped.
   */
  readonly pageProtection?: boolean;
  /**
   * The execution tiers (tier-up.ts): `"jit"` compiles every TB before it runs (the
   * default here), `"interp"` interprets every TB it can, `"auto"` interprets TBs first
   * and compiles those that get hot, in batches.
   */
  readonly tier?: TierMode;
  /** Entries after which an interpreted TB is queued for compilation (auto; default {@link DEFAULT_HOT_THRESHOLD}). */
  readonly hotThreshold?: number;
  /** Hot TBs compiled together into one module (auto; default {@link DEFAULT_TIER_BATCH}). */
  readonly tierBatch?: number;
  /**
   * System mode: guest addresses are virtual and every access goes through a soft TLB per
   * vCPU (exec/soft-tlb.ts) with this many MMU indexes; guest "RAM" here is the physical
   * memory that may hold code (RAM, then ROM), addressed by the system CPU's page numbers.
   */
  readonly softTlb?: { readonly mmuIndexes: number };
  /** Milliseconds a queued hot TB waits for its batch to fill before the batch is compiled anyway (default {@link DEFAULT_TIER_DELAY_MS}). */
  readonly tierDelayMs?: number;
  /**
   * Guest instructions the queuing vCPU interprets, as well as {@link tierDelayMs}, before a
   * batch that is not full is compiled (default {@link DEFAULT_TIER_DELAY_INSNS}): the wait
   * follows the guest's progress, not only the clock, which a loaded machine runs ahead of.
   */
  readonly tierDelayInsns?: number;
}

/** The execution tiers: compile everything, interpret everything, or interpret then compile hot code. */
export type TierMode = "auto" | "interp" | "jit";
/** Default entries of an interpreted TB before it is queued for compilation. */
export const DEFAULT_HOT_THRESHOLD = 1000;
/** Default hot TBs per compiled module. */
export const DEFAULT_TIER_BATCH = 256;
/** Default wait, in ms, for a batch to fill. */
export const DEFAULT_TIER_DELAY_MS = 20;
/**
 * Default wait, in guest instructions interpreted, for a batch to fill: about 20 ms of the
 * interpreter unloaded. `python3 -c pass` compiled its 2,5xx hot TBs in 67 modules at load
 * ~2 and in 149 at load ~17 with the clock alone (V8 pays ~1-2 ms per module).
 */
export const DEFAULT_TIER_DELAY_INSNS = 2_000_000;

/**
 * TBs per module: the missed TB plus statically known successors, breadth first.
 * Measured (README): compile + instantiate costs ~45 µs for a one-TB module and ~8 µs per
 * TB at 8 per module; beyond ~16 the saving per TB is small and the risk of translating
 * code that never runs grows.
 */
export const DEFAULT_TBS_PER_MODULE = 8;

/**
 * Default TB capacity (tb_flush runs when it or the code buffer is full). `python3 -c
 * pass` translates ~25,000 TBs before its first line runs; with the former 16,384 it
 * flushed 12 times and translated 212,174 TBs. Untouched descriptors cost no memory (the
 * arena of a fresh memory is not filled); QEMU's user-mode buffer is 1 GiB by default.
 */
export const DEFAULT_MAX_TBS = 131072;

/** Default code-buffer bytes (the buffer only meters translations: the code is in compiled modules). */
export const DEFAULT_CODE_BYTES = 64 << 20;

/**
 * Fewest TB descriptors a region gets when the region count is derived (8 per vCPU, as
 * QEMU's tcg_n_regions, but fewer regions for a small arena): with 32 vCPUs and fewer
 * than 256 TBs, 8 regions per vCPU left regions of no descriptor at all, and translation
 * then flushed forever.
 */
export const MIN_TBS_PER_REGION = 16;

/** The region count of an arena of `maxTbs` descriptors for `vcpus` vCPUs. */
export function defaultRegionCount(vcpus: number, maxTbs: number): number {
  return Math.max(1, Math.min(8 * vcpus, Math.floor(maxTbs / MIN_TBS_PER_REGION)));
}

/** Addresses of the parts of the wasm memory. */
export interface ExecLayout {
  /** Bytes per vCPU block. */
  readonly vcpuStride: number;
  /** Address of the TB arena. */
  readonly arenaOffset: number;
  /** Address of guest RAM. */
  readonly ramOffset: number;
  /** Wasm pages of the memory. */
  readonly memoryPages: number;
}

/** A process-wide execution environment (postable to workers). */
export interface ExecShared {
  /** The shared memory. */
  readonly memory: WasmMemory;
  /** Resolved parameters. */
  readonly params: ExecParams & {
    readonly tbsPerModule: number; readonly tbOpt: TbOptLevel; readonly cacheGlobals: boolean; readonly codePageCheck: boolean; readonly pageProtection: boolean;
    readonly tier: TierMode; readonly hotThreshold: number; readonly tierBatch: number; readonly tierDelayMs: number; readonly tierDelayInsns: number;
  };
  /** Layout. */
  readonly layout: ExecLayout;
  /** The TB arena (in `memory`). */
  readonly tb: TbShared;
}

/** Creates the memory, the TB arena and the vCPU blocks. */
export function createExecShared(p: ExecParams): ExecShared {
  const pageBits = p.tb?.pageBits ?? 12;
  if (p.ramSize % (1 << pageBits) !== 0 || p.ramBase % BigInt(1 << pageBits) !== 0n) throw new RangeError("RAM base and size must be page aligned");
  const maxTbs = p.tb?.maxTbs ?? DEFAULT_MAX_TBS;
  const tbParams: TbParams = {
    maxTbs,
    codeBytes: DEFAULT_CODE_BYTES,
    regions: defaultRegionCount(p.vcpus, maxTbs),
    ...p.tb,
    vcpus: p.vcpus,
    guestPages: p.ramSize >>> pageBits,
  };
  if (tbParams.regions < 1 || tbParams.maxTbs < tbParams.regions) throw new RangeError(`a TB arena of ${tbParams.maxTbs} TBs cannot have ${tbParams.regions} regions`);
  // Control block, CPU state, then the interpreter's area (interp-format.ts).
  const tlbBytes = p.softTlb !== undefined ? tlbAreaBytes(p.softTlb.mmuIndexes) : 0;
  const vcpuStride = ((tlbAreaOffset(p.stateSize) + tlbBytes + 63) & ~63);
  const arenaOffset = (VCPU_BASE + p.vcpus * vcpuStride + 7) & ~7;
  const ramOffset = Math.ceil((arenaOffset + tbArenaBytes(tbParams)) / WASM_PAGE) * WASM_PAGE;
  const accessAddr = pageAccessAddress(arenaOffset, tbLayout(tbParams).pages, tbParams.guestPages);
  const protection = p.pageProtection ?? false;
  const memoryPages = Math.ceil(Math.max(ramOffset + p.ramSize, protection ? accessAddr + 2 ** (32 - pageBits) : 0) / WASM_PAGE);
  if (memoryPages > 65536) throw new RangeError("guest RAM and TB arena exceed 4 GiB");
  const memory = new (wasmApi().Memory)({ initial: memoryPages, maximum: memoryPages, shared: true });
  const buffer = memory.buffer as SharedArrayBuffer;
  const tb = createTbShared(tbParams, buffer, arenaOffset, true);
  if (protection) new Uint8Array(buffer, accessAddr, tbParams.guestPages).fill(ACCESS_UNMAPPED_PAGE);
  // A vCPU block's pointers (exit request, jump cache) are written when a Cpu attaches to
  // it (cpu-exec.ts), not here: writing one word into each of 1024 blocks touched 4 MiB.
  return {
    memory,
    params: {
      ...p,
      tbsPerModule: p.tbsPerModule ?? DEFAULT_TBS_PER_MODULE,
      tbOpt: p.tbOpt ?? "copies",
      cacheGlobals: p.cacheGlobals ?? true,
      codePageCheck: p.codePageCheck ?? true,
      pageProtection: protection,
      tier: p.tier ?? "jit",
      hotThreshold: p.hotThreshold ?? DEFAULT_HOT_THRESHOLD,
      tierBatch: p.tierBatch ?? DEFAULT_TIER_BATCH,
      tierDelayMs: p.tierDelayMs ?? DEFAULT_TIER_DELAY_MS,
      tierDelayInsns: p.tierDelayInsns ?? DEFAULT_TIER_DELAY_INSNS,
    },
    layout: { vcpuStride, arenaOffset, ramOffset, memoryPages },
    tb,
  };
}

/** Offset of the soft-TLB area (soft-tlb.ts) in a vCPU block, after the interpreter's area. */
export function tlbAreaOffset(stateSize: number): number {
  return (interpAreaOffset(stateSize) + INTERP_AREA_BYTES + 63) & ~63;
}

/** Wasm address of vCPU `v`'s soft-TLB area (with `ExecParams.softTlb`). */
export function softTlbAddress(shared: ExecShared, v: number): number {
  return vcpuEnv(shared, v) + tlbAreaOffset(shared.params.stateSize);
}

/** Wasm address of vCPU `v`'s exit_request word (any thread may kick the vCPU by storing 1 there and notifying). */
export function exitRequestAddress(shared: ExecShared, v: number): number {
  return shared.tb.byteOffset + new ExclusiveState(new Int32Array(0), shared.tb.layout.exclusive, shared.tb.params.vcpus).exitRequestByteOffset(v);
}

/** Address of vCPU `v`'s jump cache (an array of 2^jmpCacheBits words). */
export function jmpCacheAddress(shared: ExecShared, v: number): number {
  return shared.tb.byteOffset + (shared.tb.layout.jmpCache + (v << shared.tb.params.jmpCacheBits)) * 4;
}

/** Wasm address of the page access table (tb/page-access.ts) of an arena at `arenaOffset`. */
function pageAccessAddress(arenaOffset: number, pagesWord: number, guestPages: number): number {
  return arenaOffset + (pagesWord + PageTable.accessWordOffset(guestPages)) * 4;
}

/** Address of vCPU `v`'s block (the `env` argument of TB functions). */
export function vcpuEnv(shared: ExecShared, v: number): number {
  return VCPU_BASE + v * shared.layout.vcpuStride;
}

/**
 * The lowering configuration of an environment; with `pcOffset` (the target's pc field),
 * lookup_and_goto_ptr probes the jump cache inline. The code-page check and, with
 * `pageProtection`, the permission check (`ProtectionCheck` kind "pageTable") use
 * the arena's page access table.
 */
export function lowerConfigOf(shared: ExecShared, pcOffset?: number): LowerConfig {
  const { tb, layout, params } = shared;
  const a = tb.byteOffset;
  const table: PageAccessTableRef = { addr: pageAccessAddress(a, tb.layout.pages, tb.params.guestPages), pageBits: tb.params.pageBits };
  return {
    ...(pcOffset !== undefined
      ? { inlineLookup: { pcOffset, jmpCacheBits: tb.params.jmpCacheBits, desc0Addr: a + tb.layout.tbs * 4 } }
      : {}),
    window: { lo: params.ramBase, size: params.ramSize, base: layout.ramOffset },
    jmpTarget0Addr: a + (tb.layout.tbs + TbField.JMP_TARGET0) * 4,
    descBytes: TB_WORDS * 4,
    cacheGlobals: params.cacheGlobals,
    ...(params.softTlb !== undefined
      ? { softTlb: { entryBits: TLB_ENTRY_BITS, pageBits: tb.params.pageBits } }
      : {
        ...(params.codePageCheck ? { codePages: table } : {}),
        ...(params.pageProtection ? { protection: { kind: "pageTable", table } } : {}),
      }),
  };
}
