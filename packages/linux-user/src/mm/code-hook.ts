/**
 * How the address space tells the translator that guest code may have changed — the
 * user-mode flavour of the notdirty path.
 *
 * tcg's generated stores already check the page access byte of the page they write and
 * take the notdirty path when it holds TBs (its CODE bit), so guest stores need nothing
 * from here. What tcg cannot see is the address space changing under the code:
 *
 * - pages unmapped, replaced by MAP_FIXED, moved away by mremap, or losing PROT_EXEC:
 *   {@link CodeHook.invalidate};
 * - the host writing guest memory (a `read()` into a buffer, the loader): the address
 *   space calls {@link CodeHook.invalidate} for written pages that are executable;
 * - pages gaining PROT_WRITE: {@link CodeHook.writable} (needed only by a scheme that
 *   write-protects code pages, as QEMU does on the host; tcg's inline check makes it a no-op).
 *
 * Every call is made with the process's mmap_lock held.
 *
 * @module
 */
import { type TbContext, tbInvalidatePhysRange } from "@wasmu/tcg";

/** Receives changes of guest memory that may invalidate translated code (mmap_lock held). */
export interface CodeHook {
  /** TBs overlapping guest range [start, end) must go. */
  invalidate(start: number, end: number): void;
  /** Pages in [start, end) became writable. */
  writable?(start: number, end: number): void;
}

/**
 * A hook over tcg's TB machinery: invalidates with `tbInvalidatePhysRange` (guest-physical
 * page numbers there are RAM offsets, so `ramBase` is subtracted), taking tb_lock too in
 * the tb-lock=on mode.
 */
export function tcgCodeHook(ctx: TbContext, ramBase: number, ramSize: number): CodeHook {
  return {
    invalidate(start: number, end: number): void {
      const s = Math.max(0, start - ramBase);
      const e = Math.min(ramSize, end - ramBase);
      if (e <= s) return;
      ctx.tbLockIfEnabled();
      try {
        tbInvalidatePhysRange(ctx, s, e);
      } finally {
        ctx.tbUnlockIfEnabled();
      }
    },
  };
}
