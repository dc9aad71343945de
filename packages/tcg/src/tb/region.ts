/**
 * The code-buffer region allocator (QEMU's tcg/region.c): the code buffer and the TB
 * descriptor array are split into `regionCount` equal regions; each vCPU translates into
 * a region of its own, so allocation takes no lock except when a vCPU needs a new region.
 * When no region is left the buffer is full and the caller runs tb_flush.
 *
 * Layout (words from `base`):
 *   0  LOCK        mutex: taking a new region (rank `region`, under mmap_lock in user mode)
 *   1  NEXT        next free region, protected by LOCK
 *   2  FLUSH_FULL  number of times allocation failed for lack of regions (stats)
 *   4 + 3*r        region r: OWNER (vcpu + 1, 0 = free), TB_USED, CODE_USED
 *   then `vcpus`   CURRENT region of each vCPU (+1, 0 = none)
 *
 * Protection: OWNER and NEXT under LOCK; a region's TB_USED/CODE_USED and a vCPU's
 * CURRENT are written only by the owning vCPU (no lock). tb_flush resets everything with
 * every vCPU stopped.
 *
 * Region r owns descriptors [r*tbsPerRegion, (r+1)*tbsPerRegion) and code bytes
 * [r*codePerRegion, (r+1)*codePerRegion).
 */
import { mutexLock, mutexUnlock } from "../sync/mutex.js";
import { LockClass } from "../sync/lock-checker.js";
import type { SyncThread } from "../sync/sync-thread.js";

const R_LOCK = 0;
const R_NEXT = 1;
const R_FULL = 2;
const R_REGIONS = 4;
const R_STRIDE = 3;
const R_OWNER = 0;
const R_TB_USED = 1;
const R_CODE_USED = 2;

/** A TB allocation: its index and where its code goes. */
export interface TbAllocation {
  /** Descriptor index. */
  readonly tb: number;
  /** Region the TB came from. */
  readonly region: number;
  /** Byte offset of its code in the code buffer. */
  readonly codeOffset: number;
}

/** The region allocator state in the TB arena. */
export class RegionAllocator {
  /** Descriptors per region. */
  readonly tbsPerRegion: number;
  /** Code bytes per region. */
  readonly codePerRegion: number;
  private readonly current: number;

  /**
   * @param words the TB arena's word view.
   * @param base word index of the allocator state.
   * @param regionCount number of regions.
   * @param vcpus number of vCPUs.
   * @param maxTbs total descriptors.
   * @param codeBytes total code-buffer bytes.
   */
  constructor(
    readonly words: Int32Array,
    readonly base: number,
    readonly regionCount: number,
    readonly vcpus: number,
    maxTbs: number,
    codeBytes: number,
  ) {
    this.tbsPerRegion = Math.floor(maxTbs / regionCount);
    this.codePerRegion = Math.floor(codeBytes / regionCount / 8) * 8;
    this.current = base + R_REGIONS + regionCount * R_STRIDE;
  }

  /** Words needed. */
  static words(regionCount: number, vcpus: number): number {
    return R_REGIONS + regionCount * R_STRIDE + vcpus;
  }

  private takeRegion(thread: SyncThread, vcpu: number): number {
    const w = this.words;
    thread.checker?.acquire(LockClass.region, 0);
    mutexLock(w, this.base + R_LOCK, thread.owner, thread.canBlock);
    let r = -1;
    const next = w[this.base + R_NEXT]!;
    if (next < this.regionCount) {
      r = next;
      w[this.base + R_NEXT] = next + 1;
      Atomics.store(w, this.base + R_REGIONS + r * R_STRIDE + R_OWNER, vcpu + 1);
    } else {
      Atomics.add(w, this.base + R_FULL, 1);
    }
    mutexUnlock(w, this.base + R_LOCK);
    thread.checker?.release(LockClass.region, 0);
    if (r >= 0) Atomics.store(w, this.current + vcpu, r + 1);
    return r;
  }

  /**
   * Allocates a descriptor and `codeSize` bytes of code for `vcpu`, moving it to a new
   * region when its region is full. Returns null when the whole buffer is full (flush).
   */
  alloc(thread: SyncThread, vcpu: number, codeSize: number): TbAllocation | null {
    if (vcpu < 0 || vcpu >= this.vcpus) throw new RangeError(`vCPU ${vcpu} cannot allocate TBs`);
    if (codeSize > this.codePerRegion) throw new RangeError(`TB code of ${codeSize} bytes exceeds a region`);
    const w = this.words;
    const size = (codeSize + 7) & ~7;
    let r = Atomics.load(w, this.current + vcpu) - 1;
    for (;;) {
      if (r >= 0) {
        const rb = this.base + R_REGIONS + r * R_STRIDE;
        const tbUsed = w[rb + R_TB_USED]!;
        const codeUsed = w[rb + R_CODE_USED]!;
        if (tbUsed < this.tbsPerRegion && codeUsed + size <= this.codePerRegion) {
          Atomics.store(w, rb + R_TB_USED, tbUsed + 1);
          Atomics.store(w, rb + R_CODE_USED, codeUsed + size);
          return { tb: r * this.tbsPerRegion + tbUsed, region: r, codeOffset: r * this.codePerRegion + codeUsed };
        }
      }
      r = this.takeRegion(thread, vcpu);
      if (r < 0) return null;
    }
  }

  /**
   * Gives back the most recent allocation of `vcpu` (the TB lost a race to an identical
   * one in tb_link_page). Only the last allocation can be undone.
   */
  undo(vcpu: number, a: TbAllocation, codeSize: number): void {
    const w = this.words;
    const rb = this.base + R_REGIONS + a.region * R_STRIDE;
    const size = (codeSize + 7) & ~7;
    if (w[rb + R_TB_USED] === a.tb - a.region * this.tbsPerRegion + 1 && Atomics.load(w, this.current + vcpu) === a.region + 1) {
      Atomics.store(w, rb + R_TB_USED, w[rb + R_TB_USED]! - 1);
      Atomics.store(w, rb + R_CODE_USED, w[rb + R_CODE_USED]! - size);
    }
  }

  /** Regions handed out so far. */
  get regionsInUse(): number {
    return Math.min(Atomics.load(this.words, this.base + R_NEXT), this.regionCount);
  }

  /** Total descriptors allocated. */
  get tbsInUse(): number {
    let n = 0;
    for (let r = 0; r < this.regionCount; r++) n += Atomics.load(this.words, this.base + R_REGIONS + r * R_STRIDE + R_TB_USED);
    return n;
  }

  /** Frees every region (tb_flush, exclusive). */
  reset(): void {
    this.words.fill(0, this.base + R_NEXT, this.base + RegionAllocator.words(this.regionCount, this.vcpus));
  }
}
