/**
 * The `mmap_lock` contract of user mode.
 *
 * One lock per guest process serialises every change of its address space (VMAs, page
 * flags, brk) with translation: tcg's cpu-exec loop takes the same lock around
 * tb_gen_code in user mode (`TbContext.mmapLock`), so a TB is never translated from a page
 * that is being unmapped or remapped, and TB invalidation by guest range (which asserts the
 * memory lock) can run from the address space. Lock order: mmap_lock before every tcg lock
 * (tb-context.ts: cpuList < mmap_lock < tb_lock < page locks ...). It is not recursive; the
 * address space takes it in each public operation, so callers must not hold it.
 *
 * @module
 */
import type { TbContext } from "@wasmu/tcg";

/** A process's mmap_lock. */
export interface MmapLock {
  /** Takes the lock (may block). */
  lock(): void;
  /** Releases it. */
  unlock(): void;
}

/** A lock for a process whose address space only one thread touches (tests, tools): checks non-recursion. */
export function localMmapLock(): MmapLock {
  let held = false;
  return {
    lock(): void {
      if (held) throw new Error("mmap_lock is not recursive");
      held = true;
    },
    unlock(): void {
      held = false;
    },
  };
}

/** The mmap_lock in a tcg TB arena (its header's MMAP_LOCK mutex), taken as `ctx`'s thread. */
export function tbContextMmapLock(ctx: TbContext): MmapLock {
  return { lock: () => ctx.mmapLock(), unlock: () => ctx.mmapUnlock() };
}
