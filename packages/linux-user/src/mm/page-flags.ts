/**
 * Page flags of a guest address space: one byte per guest page of the mappable window,
 * optionally in a SharedArrayBuffer so that vCPU workers can read them (a translator
 * checking PAGE_EXEC on fetch, a SIGSEGV handler classifying a fault) without asking the
 * thread that owns the VMAs. Written only under mmap_lock.
 *
 * @module
 */

/** The page is mapped. */
export const PAGE_VALID = 1;
/** Readable. */
export const PAGE_READ = 2;
/** Writable. */
export const PAGE_WRITE = 4;
/** Executable. */
export const PAGE_EXEC = 8;

/** Page flags from mmap protections (PROT_READ=1, WRITE=2, EXEC=4). */
export function pageFlagsOfProt(prot: number): number {
  return PAGE_VALID | ((prot & 1) !== 0 ? PAGE_READ : 0) | ((prot & 2) !== 0 ? PAGE_WRITE : 0) | ((prot & 4) !== 0 ? PAGE_EXEC : 0);
}

/** Per-page flags over guest addresses [lo, lo + pages * pageSize). */
export class PageFlags {
  /** One byte per page. */
  readonly flags: Uint8Array;

  /**
   * @param lo guest address of page 0.
   * @param pages number of pages.
   * @param pageBits log2 of the page size.
   * @param shared allocate in a SharedArrayBuffer.
   */
  constructor(
    readonly lo: number,
    readonly pages: number,
    readonly pageBits = 12,
    shared = false,
  ) {
    this.flags = new Uint8Array(shared ? new SharedArrayBuffer(pages) : new ArrayBuffer(pages));
  }

  /** The flags of the page holding guest address `addr` (0 outside the window). */
  get(addr: number): number {
    const p = Math.floor((addr - this.lo) / 2 ** this.pageBits);
    return p >= 0 && p < this.pages ? this.flags[p]! : 0;
  }

  /** Sets the flags of every page in [start, end) (page aligned, inside the window). */
  set(start: number, end: number, flags: number): void {
    const s = (start - this.lo) / 2 ** this.pageBits;
    const e = (end - this.lo) / 2 ** this.pageBits;
    this.flags.fill(flags, s, e);
  }

  /** Whether every page in [start, end) has all of `need` (for access checks; [start, end) need not be aligned). */
  check(start: number, end: number, need: number): boolean {
    if (end <= start) return true;
    const s = Math.floor((start - this.lo) / 2 ** this.pageBits);
    const e = Math.floor((end - 1 - this.lo) / 2 ** this.pageBits);
    if (s < 0 || e >= this.pages) return false;
    for (let p = s; p <= e; p++) if ((this.flags[p]! & need) !== need) return false;
    return true;
  }
}
