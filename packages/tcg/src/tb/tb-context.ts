/**
 * The TB arena and the per-thread context over it.
 *
 * Everything the vCPU workers share about translated code lives in one
 * SharedArrayBuffer (or a region of a shared WebAssembly.Memory's buffer), the *arena*:
 * a {@link TbShared} is a plain object (buffer + parameters + layout) that can be posted
 * to workers; each worker calls {@link attachTbContext} to get typed views over it. No JS
 * objects are shared.
 *
 * Arena layout (32-bit words from `byteOffset`, in this order):
 *   header        MAGIC, TB_LOCK_MODE, USER_MODE, MMAP_LOCK, TB_LOCK, FLUSH_COUNT,
 *                 TB_LOCK_ACQUIRES (stats)
 *   descriptors   tb-desc.ts
 *   hash table    tb-hash.ts
 *   pages         page-desc.ts (descriptors, bitmap pool)
 *   jump caches   jmp-cache.ts
 *   regions       region.ts
 *   exclusive     exclusive.ts
 *   code buffer   `codeBytes` bytes (the TBs' WebAssembly function bodies)
 *
 * Global lock order (every structure's header repeats its part):
 *   cpuList < mmap_lock < tb_lock (tb-lock=on only) < region lock
 *     < page locks (ascending page index) < jmp_lock < hash-bucket lock < bitmap-pool lock
 *
 * Modes (both stored in the header so that every worker agrees):
 *   - tb-lock=off (default): no global lock; page locks, jmp locks and bucket locks.
 *   - tb-lock=on: one global mutex (TB_LOCK) additionally serialises translation,
 *     invalidation, chaining and hash-table updates, as before "tcg: remove tb_lock".
 *   - user mode: translation and page state are also serialised by MMAP_LOCK (taken by the
 *     cpu-exec loop around tb_gen_code); `assertMemoryLock` checks it.
 */
import { mutexLock, mutexUnlock } from "../sync/mutex.js";
import { LockClass } from "../sync/lock-checker.js";
import type { SyncThread } from "../sync/sync-thread.js";
import { ExclusiveState } from "./exclusive.js";
import { JmpCaches } from "./jmp-cache.js";
import { PageCollection } from "./page-collection.js";
import { PageTable } from "./page-desc.js";
import { RegionAllocator } from "./region.js";
import { TbStore, TB_WORDS } from "./tb-desc.js";
import { TbHashTable, tbHashWords } from "./tb-hash.js";

/** Sizing and modes of a TB arena. */
export interface TbParams {
  /** TB descriptors in total. */
  readonly maxTbs: number;
  /** Code-buffer bytes in total. */
  readonly codeBytes: number;
  /** Regions the buffer is split into (at least the vCPU count; QEMU uses ~8 per vCPU). */
  readonly regions: number;
  /** Maximum vCPUs (jump caches, exclusive-work slots). */
  readonly vcpus: number;
  /** Head buckets of the hash table (power of two). Default: maxTbs / 3 rounded up. */
  readonly hashBuckets?: number;
  /** Overflow buckets of the hash table. Default: hashBuckets / 2. */
  readonly hashOverflow?: number;
  /** Guest-physical pages that may hold code. */
  readonly guestPages: number;
  /** log2 of the guest page size (12). */
  readonly pageBits?: number;
  /** Code bitmaps in the pool. Default: 64. */
  readonly bitmaps?: number;
  /** log2 of the jump-cache entries per vCPU. Default: 12. */
  readonly jmpCacheBits?: number;
  /** The tb-lock=on mode. Default false. */
  readonly tbLockMode?: boolean;
  /** User-mode emulation (mmap_lock is the memory lock). Default false. */
  readonly userMode?: boolean;
}

/** Word offsets of the arena's parts (relative to the arena start). */
export interface TbLayout {
  /** Descriptors. */
  readonly tbs: number;
  /** Hash table. */
  readonly hash: number;
  /** Page descriptors. */
  readonly pages: number;
  /** Jump caches. */
  readonly jmpCache: number;
  /** Region allocator. */
  readonly regions: number;
  /** Exclusive-work state. */
  readonly exclusive: number;
  /** Code buffer (as a word offset; multiply by 4 for bytes). */
  readonly code: number;
  /** Total words. */
  readonly totalWords: number;
}

/** A TB arena: postable to workers (structured clone keeps the SharedArrayBuffer shared). */
export interface TbShared {
  /** The shared memory holding the arena. */
  readonly buffer: SharedArrayBuffer;
  /** Byte offset of the arena in `buffer` (a multiple of 8). */
  readonly byteOffset: number;
  /** Resolved parameters (defaults filled in). */
  readonly params: Required<TbParams>;
  /** Where each part is. */
  readonly layout: TbLayout;
}

/** Header word indices. */
export const TbHeader = {
  MAGIC: 0,
  TB_LOCK_MODE: 1,
  USER_MODE: 2,
  MMAP_LOCK: 3,
  TB_LOCK: 4,
  FLUSH_COUNT: 5,
  TB_LOCK_ACQUIRES: 6,
} as const;
const HEADER_WORDS = 16;
const MAGIC = 0x54424152; // "TBAR"

function resolve(p: TbParams): Required<TbParams> {
  let buckets = 1;
  while (buckets * 3 < p.maxTbs) buckets *= 2;
  const hashBuckets = p.hashBuckets ?? buckets;
  return {
    maxTbs: p.maxTbs,
    codeBytes: p.codeBytes,
    regions: p.regions,
    vcpus: p.vcpus,
    hashBuckets,
    hashOverflow: p.hashOverflow ?? Math.max(16, hashBuckets >> 1),
    guestPages: p.guestPages,
    pageBits: p.pageBits ?? 12,
    bitmaps: p.bitmaps ?? 64,
    jmpCacheBits: p.jmpCacheBits ?? 12,
    tbLockMode: p.tbLockMode ?? false,
    userMode: p.userMode ?? false,
  };
}

/** Computes the arena layout for `params`. */
export function tbLayout(params: TbParams): TbLayout {
  const p = resolve(params);
  if (p.regions < 1 || p.vcpus < 1) throw new RangeError("need at least one region and one vCPU");
  let at = HEADER_WORDS;
  const tbs = at;
  at += p.maxTbs * TB_WORDS;
  const hash = at;
  at += tbHashWords(p.hashBuckets, p.hashOverflow);
  const pages = at;
  at += PageTable.words(p.guestPages, p.pageBits, p.bitmaps);
  const jmpCache = at;
  at += JmpCaches.words(p.vcpus, p.jmpCacheBits);
  const regions = at;
  at += RegionAllocator.words(p.regions, p.vcpus);
  const exclusive = at;
  at += ExclusiveState.words(p.vcpus);
  at = (at + 1) & ~1;
  const code = at;
  at += Math.ceil(p.codeBytes / 4);
  return { tbs, hash, pages, jmpCache, regions, exclusive, code, totalWords: at };
}

/** Bytes an arena for `params` occupies. */
export function tbArenaBytes(params: TbParams): number {
  return tbLayout(params).totalWords * 4;
}

/**
 * Creates and initialises a TB arena, in a new SharedArrayBuffer or at `byteOffset` of
 * `buffer` (e.g. the guest's shared WebAssembly.Memory; the range is zero-filled unless
 * `zeroed` says it already is, as in a memory just created: filling would touch every
 * page of descriptors and code buffer, ~90 ms and 90 MiB for 131,072 TBs). No thread may
 * be using that range yet.
 */
export function createTbShared(params: TbParams, buffer?: SharedArrayBuffer, byteOffset = 0, zeroed = false): TbShared {
  const p = resolve(params);
  const layout = tbLayout(p);
  if (byteOffset % 8 !== 0) throw new RangeError("arena byteOffset must be a multiple of 8");
  const buf = buffer ?? new SharedArrayBuffer(layout.totalWords * 4);
  if (byteOffset + layout.totalWords * 4 > buf.byteLength) throw new RangeError("buffer too small for the TB arena");
  const shared: TbShared = { buffer: buf, byteOffset, params: p, layout };
  const w = new Int32Array(buf, byteOffset, layout.totalWords);
  if (!zeroed && buffer !== undefined) w.fill(0); // every structure starts from all-zero words (free locks, empty lists)
  w[TbHeader.TB_LOCK_MODE] = p.tbLockMode ? 1 : 0;
  w[TbHeader.USER_MODE] = p.userMode ? 1 : 0;
  const ctxWords = w;
  const tbs = new TbStore(ctxWords, layout.tbs, p.maxTbs);
  new PageTable(ctxWords, layout.pages, p.guestPages, p.pageBits, p.bitmaps, tbs).init(true);
  Atomics.store(w, TbHeader.MAGIC, MAGIC);
  return shared;
}

/** One thread's view of a TB arena: every structure, plus the thread's identity. */
export class TbContext {
  /** The arena's words. */
  readonly words: Int32Array;
  /** The code buffer. */
  readonly code: Uint8Array;
  /** TB descriptors. */
  readonly tbs: TbStore;
  /** The TB hash table. */
  readonly hash: TbHashTable;
  /** Page descriptors and locks. */
  readonly pages: PageTable;
  /** Jump caches of all vCPUs. */
  readonly jmpCache: JmpCaches;
  /** The region allocator. */
  readonly regions: RegionAllocator;
  /** Exclusive-work state. */
  readonly exclusive: ExclusiveState;
  /** This thread's reusable page collection. */
  readonly collection: PageCollection;
  /** Whether the tb-lock=on mode is active. */
  readonly tbLockMode: boolean;
  /** Whether this is user-mode emulation. */
  readonly userMode: boolean;

  /**
   * @param shared the arena.
   * @param thread this thread's identity.
   * @param vcpu this thread's vCPU index, or -1 for a non-vCPU thread.
   */
  constructor(
    readonly shared: TbShared,
    readonly thread: SyncThread,
    readonly vcpu: number,
  ) {
    const { params: p, layout } = shared;
    const w = new Int32Array(shared.buffer, shared.byteOffset, layout.totalWords);
    if (Atomics.load(w, TbHeader.MAGIC) !== MAGIC) throw new Error("not an initialised TB arena");
    this.words = w;
    this.code = new Uint8Array(shared.buffer, shared.byteOffset + layout.code * 4, p.codeBytes);
    this.tbs = new TbStore(w, layout.tbs, p.maxTbs);
    this.hash = new TbHashTable(w, layout.hash, p.hashBuckets, p.hashOverflow, this.tbs);
    this.pages = new PageTable(w, layout.pages, p.guestPages, p.pageBits, p.bitmaps, this.tbs);
    this.jmpCache = new JmpCaches(w, layout.jmpCache, p.vcpus, p.jmpCacheBits, this.tbs);
    this.regions = new RegionAllocator(w, layout.regions, p.regions, p.vcpus, p.maxTbs, p.codeBytes);
    this.exclusive = new ExclusiveState(w, layout.exclusive, p.vcpus);
    this.collection = new PageCollection(this.pages, this.tbs);
    this.tbLockMode = Atomics.load(w, TbHeader.TB_LOCK_MODE) !== 0;
    this.userMode = Atomics.load(w, TbHeader.USER_MODE) !== 0;
    if (thread.checker !== null) thread.checker.memoryLock = this.tbLockMode ? "tbLock" : this.userMode ? "mmap" : "none";
  }

  /**
   * Address of `field` of TB `tb` in the arena's buffer: when the arena lives in the
   * guest's shared WebAssembly.Memory, generated goto_tb code loads JMP_TARGET from here.
   */
  tbFieldAddress(tb: number, field: number): number {
    return this.shared.byteOffset + this.tbs.byteOffset(tb, field);
  }

  /** Address of vCPU `v`'s exit_request word in the arena's buffer (checked on TB entry). */
  exitRequestAddress(v: number): number {
    return this.shared.byteOffset + this.exclusive.exitRequestByteOffset(v);
  }

  /** Number of completed tb_flushes (a flush request names the count it saw). */
  get flushCount(): number {
    return Atomics.load(this.words, TbHeader.FLUSH_COUNT);
  }

  /** Takes mmap_lock (user mode: around translation and page-state changes). */
  mmapLock(): void {
    this.thread.checker?.acquire(LockClass.mmap, 0);
    mutexLock(this.words, TbHeader.MMAP_LOCK, this.thread.owner, this.thread.canBlock);
  }

  /** Releases mmap_lock. */
  mmapUnlock(): void {
    mutexUnlock(this.words, TbHeader.MMAP_LOCK);
    this.thread.checker?.release(LockClass.mmap, 0);
  }

  /** Takes the global tb_lock if the tb-lock=on mode is active; else does nothing. */
  tbLockIfEnabled(): void {
    if (!this.tbLockMode) return;
    this.thread.checker?.acquire(LockClass.tbLock, 0);
    mutexLock(this.words, TbHeader.TB_LOCK, this.thread.owner, this.thread.canBlock);
    Atomics.add(this.words, TbHeader.TB_LOCK_ACQUIRES, 1);
  }

  /** Releases what {@link tbLockIfEnabled} took. */
  tbUnlockIfEnabled(): void {
    if (!this.tbLockMode) return;
    mutexUnlock(this.words, TbHeader.TB_LOCK);
    this.thread.checker?.release(LockClass.tbLock, 0);
  }

  /** Debug: in the tb-lock=on mode, tb_lock is held (chaining needs it there). */
  assertTbLockIfEnabled(): void {
    if (this.tbLockMode) this.thread.checker?.assertHeld(LockClass.tbLock, 0);
  }

  /** Debug: the memory lock of the current mode is held (assert_memory_lock). */
  assertMemoryLock(): void {
    this.thread.checker?.assertMemoryLock();
  }
}

/** Attaches the calling thread to a TB arena (in a worker: `shared` came by postMessage). */
export function attachTbContext(shared: TbShared, thread: SyncThread, vcpu: number): TbContext {
  return new TbContext(shared, thread, vcpu);
}
